import { expect } from '@open-wc/testing';
import type { Messenger } from '../../../../client/app/messenger.js';
import { STRANGER_CONNECTS_PER_MINUTE } from '../../../../client/app/roster/connect-policy.js';
import { PeerConnection } from '../../../../client/net/peer-connection.js';
import { PeerMesh } from '../../../../client/net/peer-mesh.js';
import type { PeerLinkFactory } from '../../../../client/net/peer-mesh.js';
import type { Group } from '../../../../shared/protocol.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';
import type { SignalTaker } from '../../helpers/messenger-room.js';
import { OWN_ADDRESS, RecordedConnections, UNREACHABLE_TURN } from '../../helpers/recorded-connections.js';
import type { RecordedConnection } from '../../helpers/recorded-connections.js';
import { testGate } from '../../helpers/test-gate.js';

const trip: Group = {
  id: 'g' + 'e'.repeat(24),
  name: 'Trip',
  creator: 'alice',
  createdAt: 1,
  members: ['alice', 'bob'].map((user) => ({ user, since: 1 })),
};

/**
 * Alice's messenger, with a TURN server configured, meets bob (a member of her group) and strangers
 * who open her conversation. Real RTCPeerConnections over an in-page relay; alice's are recorded,
 * and so is every signal she sends.
 */
describe('who can make alice answer a connection', () => {
  const recorder = new RecordedConnections();
  let room: MessengerRoom;
  let alice: Messenger;
  /** Alice's connections, in the order she made them. */
  let aliceLinks: RecordedConnection[];
  /** Every signal alice sent, by recipient, as text. */
  let sentByAlice: Map<string, string[]>;
  /** Bare strangers' meshes, closed after each test. */
  let bare: PeerMesh[];
  /** Alice's link factory: every connection she makes is recorded in `aliceLinks`. */
  let createLink: PeerLinkFactory;

  /** Signals to `peer` reach `taker`, and what alice sends them is kept. */
  function listen(peer: string, taker: SignalTaker): void {
    room.members.set(peer, {
      handleSignal: (from, data) => {
        if (from === 'alice') sentByAlice.set(peer, [...(sentByAlice.get(peer) ?? []), JSON.stringify(data)]);
        taker.handleSignal(from, data);
        room.changed();
      },
    });
  }

  beforeEach(async () => {
    recorder.install();
    room = new MessengerRoom();
    aliceLinks = [];
    sentByAlice = new Map();
    bare = [];
    createLink = (options, handlers) => {
      const link = new PeerConnection(options, handlers);
      aliceLinks.push(recorder.last);
      room.changed();
      return link;
    };
    alice = await room.join('alice', { createLink });
    // Alice's own decisions (and warnings) wake `room.until` too.
    listen('alice', alice.server);
  });
  afterEach(async () => {
    for (const mesh of bare) mesh.closeAll();
    await room.close();
    recorder.uninstall();
  });

  it('answers a stranger through the relay only, and a member of her group directly', async () => {
    const bob = await room.join('bob');
    listen('bob', bob.server);
    alice.server.welcome(['bob'], [trip], [UNREACHABLE_TURN]);
    bob.server.welcome(['alice'], [trip], []);
    await room.until(() => aliceLinks.length === 1);
    const toBob = aliceLinks[0]!;
    await toBob.connected;
    expect(toBob.config.iceTransportPolicy).to.equal(undefined);
    expect(toBob.candidates.some((line) => / typ host\b/.test(line))).to.equal(true);

    // Mallory shares nothing with alice; she opens alice's conversation and writes.
    const mallory = await room.join('mallory');
    listen('mallory', mallory.server);
    mallory.server.welcome(['alice', 'bob'], [], []);
    alice.server.userOnline('mallory');
    await mallory.selectPerson('alice');
    await mallory.send('hi, stranger here');
    await room.until(() => aliceLinks.length === 2);
    const toMallory = aliceLinks[1]!;
    expect(toMallory.config.iceTransportPolicy).to.equal('relay');
    await toMallory.gathered;
    expect(toMallory.candidates.filter((line) => OWN_ADDRESS.test(line))).to.deep.equal([]);
    expect((sentByAlice.get('mallory') ?? []).join()).not.to.match(OWN_ADDRESS);
    expect((sentByAlice.get('bob') ?? []).join()).to.match(OWN_ADDRESS);
  });

  it('answers directly whom she wrote to (after a reload too) or whose conversation she opened', async () => {
    const dave = await room.join('dave');
    listen('dave', dave.server);
    alice.server.welcome(['dave'], [], [UNREACHABLE_TURN]);
    dave.server.welcome(['alice'], [], []);
    await alice.selectPerson('dave');
    await alice.send('hello dave');
    await room.until(() => alice.openConversation?.messages[0]?.state === 'delivered');
    expect(aliceLinks.map((link) => link.config.iceTransportPolicy)).to.deep.equal([undefined]);

    // Alice reloads; dave, who has her conversation open, connects to her again.
    room.leave('alice');
    await dave.selectPerson('alice');
    const alice2 = await room.join('alice', { createLink });
    listen('alice', alice2.server);
    alice2.server.welcome(['dave'], [], [UNREACHABLE_TURN]);
    dave.server.userOnline('alice');
    await room.until(() => aliceLinks.length === 2);
    expect(aliceLinks[1]!.config.iceTransportPolicy).to.equal(undefined);

    // Erin is a stranger until alice opens her conversation (while erin is offline, and closes it
    // again: alice wants nothing of her when she comes online).
    await alice2.selectPerson('erin');
    alice2.closeConversation();
    const erin = await room.join('erin');
    listen('erin', erin.server);
    erin.server.welcome(['alice', 'dave'], [], []);
    alice2.server.userOnline('erin');
    await erin.selectPerson('alice');
    await room.until(() => aliceLinks.length === 3);
    expect(aliceLinks[2]!.config.iceTransportPolicy).to.equal(undefined);
    expect(room.warnings).to.deep.equal([]);
  });

  it(`refuses the stranger past ${STRANGER_CONNECTS_PER_MINUTE} a minute: nothing is made, nothing sent`, async () => {
    alice.server.welcome([], [], [UNREACHABLE_TURN]);
    // Names after alice's: she is the one who would start each connection, on their request.
    const strangers = Array.from({ length: STRANGER_CONNECTS_PER_MINUTE + 1 }, (_, i) => `stranger${i}`);
    for (const name of strangers) {
      const mesh = new PeerMesh(
        { me: name, gate: await testGate(name), iceServers: () => [] },
        {
          sendSignal: (to, payload) => void room.relay(name)(to, payload),
          onOpen: () => undefined,
          onClose: () => undefined,
          onFrame: () => undefined,
          onBadInput: () => undefined,
        },
      );
      bare.push(mesh);
      listen(name, mesh);
      mesh.want('alice');
    }
    const last = strangers.at(-1)!;
    await room.until(() => room.warnings.some((warning) => warning.includes(`${last} refused`)));
    expect(aliceLinks).to.have.length(STRANGER_CONNECTS_PER_MINUTE);
    expect(aliceLinks.every((link) => link.config.iceTransportPolicy === 'relay')).to.equal(true);
    // Those let through hear from alice; the one refused never does.
    const lastLetThrough = strangers.at(-2)!;
    await room.until(() => (sentByAlice.get(lastLetThrough) ?? []).length > 0);
    expect(sentByAlice.get(last)).to.equal(undefined);
    expect(room.warnings).to.deep.equal([
      `alice: connection from ${last} refused: over 5 new strangers a minute`,
    ]);
  });
});
