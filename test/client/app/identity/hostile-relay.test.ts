import { expect } from '@open-wc/testing';
import type { Messenger } from '../../../../client/app/messenger.js';
import { PeerMesh } from '../../../../client/net/peer-mesh.js';
import type { GateLink, LinkGate } from '../../../../client/net/link-gate.js';
import type { HandshakeFrame } from '../../../../shared/identity-protocol.js';
import type { AppFrame } from '../../../../shared/peer-protocol.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';

/**
 * A hostile signaling server, in one page: it answers alice as if it were bob and bob as if it were
 * alice, each with an SDP of its own (two real RTCPeerConnections), and bridges the two data
 * channels, forwarding every frame — identity hellos and proofs included.
 */
class Bridge {
  readonly seen: AppFrame[] = [];
  readonly #links = new Map<string, GateLink>();
  /** Handshake frames for a victim whose side of the bridge is not up yet: a patient attacker waits. */
  readonly #waiting = new Map<string, HandshakeFrame[]>();
  readonly asBob: PeerMesh;
  readonly asAlice: PeerMesh;

  constructor(room: MessengerRoom, alice: Messenger, bob: Messenger) {
    this.asBob = this.#mesh('bob', 'alice', (_to, payload) => alice.handleSignal('bob', payload), room);
    this.asAlice = this.#mesh('alice', 'bob', (_to, payload) => bob.handleSignal('alice', payload), room);
    // The server routes each victim's signals to the impostor meant for them.
    room.members.set('bob', this.asBob);
    room.members.set('alice', this.asAlice);
  }

  #mesh(
    me: string,
    victim: string,
    relay: (to: string, payload: unknown) => void,
    room: MessengerRoom,
  ): PeerMesh {
    const other = (): PeerMesh => (me === 'bob' ? this.asAlice : this.asBob);
    const otherVictim = victim === 'alice' ? 'bob' : 'alice';
    const gate: LinkGate = {
      begin: (peer, link) => {
        this.#links.set(peer, link);
        for (const frame of this.#waiting.get(peer)?.splice(0) ?? []) link.send(frame);
        // The middle-man opens its side at once, so app frames would flow through it.
        queueMicrotask(() => link.verified());
        return { receive: (frame) => this.#forward(otherVictim, frame) };
      },
    };
    return new PeerMesh(
      { me, gate, iceServers: () => [] },
      {
        sendSignal: (to, payload) => setTimeout(() => relay(to, structuredClone(payload)), 0),
        onOpen: () => room.changed(),
        onClose: () => undefined,
        onFrame: (_peer, frame) => {
          this.seen.push(frame);
          other().send(otherVictim, frame);
        },
        onBadInput: () => undefined,
      },
    );
  }

  #forward(victim: string, frame: HandshakeFrame): void {
    const link = this.#links.get(victim);
    if (link) link.send(frame);
    else this.#waiting.set(victim, [...(this.#waiting.get(victim) ?? []), frame]);
  }

  close(): void {
    this.asBob.closeAll();
    this.asAlice.closeAll();
  }
}

const texts = (m: Messenger): string[] =>
  m.openConversation?.messages.map((message) => message.text ?? '') ?? [];

describe('identity hello against a hostile signaling server', () => {
  let room: MessengerRoom;
  let bridge: Bridge | null = null;
  beforeEach(() => {
    room = new MessengerRoom();
  });
  afterEach(async () => {
    bridge?.close();
    bridge = null;
    await room.close();
  });

  async function pair(attacked: boolean): Promise<[Messenger, Messenger]> {
    const alice = await room.join('alice');
    const bob = await room.join('bob');
    if (attacked) bridge = new Bridge(room, alice, bob);
    alice.serverWelcome(['bob'], [], []);
    bob.serverWelcome(['alice'], [], []);
    await alice.selectPerson('bob');
    await bob.selectPerson('alice');
    return [alice, bob];
  }

  it('chats normally when the server relays honestly', async () => {
    const [alice, bob] = await pair(false);
    await alice.send('hi bob');
    await room.until(() => texts(bob).includes('hi bob'));
    expect(alice.identity.of('bob').connectionUnverified).to.equal(false);
    expect(bob.identity.of('alice').connectionUnverified).to.equal(false);
  });

  it('shows both sides that the connection could not be verified, and nothing crosses the bridge', async () => {
    const [alice, bob] = await pair(true);
    await alice.send('for bob only');
    await bob.send('for alice only');
    await room.until(
      () => alice.identity.of('bob').connectionUnverified && bob.identity.of('alice').connectionUnverified,
    );
    // The bridge really carried the channels: each victim's hello reached the other and failed there.
    expect(
      room.warnings.filter((w) => w.includes('ERR_UNVERIFIED')).map((w) => w.split(':')[0]),
    ).to.include.members(['alice', 'bob']);
    expect(room.warnings.every((w) => !w.includes('out-of-order'))).to.equal(true);
    expect(bridge?.seen).to.deep.equal([]);
    expect(texts(alice)).to.deep.equal(['for bob only']);
    expect(texts(bob)).to.deep.equal(['for alice only']);
    expect(alice.openConversation?.link).to.not.equal('open');
    expect(alice.openConversation?.messages[0]?.state).to.equal('sending');
  });
});
