import { expect } from '@open-wc/testing';
import type { Messenger } from '../../../../client/app/messenger.js';
import { DtlsBridge } from '../../helpers/dtls-bridge.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';

/** The server answers alice as if it were bob and bob as if it were alice: a bridge in between. */
function bridgeBetween(room: MessengerRoom, alice: Messenger, bob: Messenger): DtlsBridge {
  const victims = new Map([
    ['alice', alice],
    ['bob', bob],
  ]);
  const bridge = new DtlsBridge({
    victims: ['alice', 'bob'],
    relay: (victim, as, payload) => victims.get(victim)?.server.handleSignal(as, payload),
    changed: () => room.changed(),
  });
  // The server routes each victim's signals to the impostor meant for them.
  room.members.set('bob', bridge.facing('alice'));
  room.members.set('alice', bridge.facing('bob'));
  return bridge;
}

const texts = (m: Messenger): string[] =>
  m.openConversation?.messages.map((message) => message.text ?? '') ?? [];

describe('identity hello against a hostile signaling server', () => {
  let room: MessengerRoom;
  let bridge: DtlsBridge | null = null;
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
    if (attacked) bridge = bridgeBetween(room, alice, bob);
    alice.server.welcome(['bob'], [], []);
    bob.server.welcome(['alice'], [], []);
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
