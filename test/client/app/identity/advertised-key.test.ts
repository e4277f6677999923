import { expect } from '@open-wc/testing';
import { openDB } from 'idb';
import type { PublicIdentity } from '../../../../shared/identity-protocol.js';
import type { Messenger } from '../../../../client/app/messenger.js';
import { accountDbName } from '../../../../client/storage/account-db.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';

const texts = (m: Messenger): string[] =>
  m.openConversation?.messages.map((message) => message.text ?? '') ?? [];

/** `user`'s device key as stored in this browser. */
async function deviceKeyOf(user: string): Promise<PublicIdentity> {
  const db = await openDB(accountDbName(user));
  const row = (await db.get('identity', 'device')) as { alg: PublicIdentity['alg']; publicKey: string };
  db.close();
  return { alg: row.alg, key: row.publicKey };
}

const OTHER: PublicIdentity = { alg: 'Ed25519', key: '11'.repeat(32) };

describe('the key the server advertises (a hint)', () => {
  let room: MessengerRoom;
  beforeEach(() => {
    room = new MessengerRoom();
  });
  afterEach(async () => {
    await room.close();
  });

  /** alice's welcome advertises bob's key (his own, or `advertised`); they exchange one message. */
  async function chatting(advertised?: PublicIdentity): Promise<Messenger> {
    const [alice, bob] = [await room.join('alice'), await room.join('bob')];
    const identity = advertised ?? (await deviceKeyOf('bob'));
    alice.server.welcome(['bob'], [], [], [{ user: 'bob', identity }]);
    bob.server.welcome(['alice'], [], []);
    await Promise.all([alice.selectPerson('bob'), bob.selectPerson('alice')]);
    await alice.send('first');
    await room.until(() => texts(bob).includes('first'));
    return alice;
  }

  it('agrees with the hello when the server hands out the real key', async () => {
    const alice = await chatting();
    expect(alice.identity.of('bob').serverKeyMismatch).to.equal(false);
  });

  it('warns when user-online advertises another key, and stops when it advertises the proved one', async () => {
    const alice = await chatting();
    alice.server.userOnline('bob', OTHER);
    expect(alice.identity.of('bob').serverKeyMismatch).to.equal(true);
    alice.server.userOnline('bob', await deviceKeyOf('bob'));
    expect(alice.identity.of('bob').serverKeyMismatch).to.equal(false);
  });

  it('warns when the welcome advertises another key than the one that signs the hello', async () => {
    const alice = await chatting(OTHER);
    expect(alice.identity.of('bob').serverKeyMismatch).to.equal(true);
  });
});
