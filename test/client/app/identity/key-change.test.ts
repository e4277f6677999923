import { expect } from '@open-wc/testing';
import { openDB } from 'idb';
import type { Messenger } from '../../../../client/app/messenger.js';
import { accountDbName } from '../../../../client/storage/account-db.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';

const texts = (m: Messenger): string[] =>
  m.openConversation?.messages.map((message) => message.text ?? '') ?? [];

/** Bob moves to a "new browser": his device key is gone, and he comes back with a fresh one. */
async function newBrowser(room: MessengerRoom): Promise<Messenger> {
  room.leave('bob');
  const db = await openDB(accountDbName('bob'));
  await db.delete('identity', 'device');
  db.close();
  const bob = await room.join('bob');
  bob.server.welcome(['alice'], [], []);
  room.messengers.get('alice')?.server.userOnline('bob');
  await bob.selectPerson('alice');
  return bob;
}

describe('safety numbers and key changes', () => {
  let room: MessengerRoom;
  beforeEach(() => {
    room = new MessengerRoom();
  });
  afterEach(async () => {
    await room.close();
  });

  async function pair(): Promise<[Messenger, Messenger]> {
    const alice = await room.join('alice');
    const bob = await room.join('bob');
    alice.server.welcome(['bob'], [], []);
    bob.server.welcome(['alice'], [], []);
    await alice.selectPerson('bob');
    await bob.selectPerson('alice');
    await alice.send('first');
    await room.until(() => texts(bob).includes('first'));
    return [alice, bob];
  }

  it('shows both sides the same 60 digits', async () => {
    const [alice, bob] = await pair();
    await room.until(
      () => !!alice.identity.of('bob').safetyNumber && !!bob.identity.of('alice').safetyNumber,
    );
    expect(alice.identity.of('bob').safetyNumber).to.match(/^\d{60}$/);
    expect(alice.identity.of('bob').safetyNumber).to.equal(bob.identity.of('alice').safetyNumber);
  });

  it('lets a contact talk before their safety number is computed, and computes it once read', async () => {
    const [alice] = await pair();
    // 10,400 rounds of SHA-512: neither the hello nor the first message waited for them.
    expect(alice.identity.of('bob').safetyNumber).to.equal(null);
    await room.until(() => alice.identity.of('bob').safetyNumber !== null);
    expect(alice.identity.of('bob').safetyNumber).to.match(/^\d{60}$/);
  });

  it('notes an unverified contact’s new key and keeps talking', async () => {
    const [alice] = await pair();
    // Computed when first read: waited for, before and after the change.
    await room.until(() => alice.identity.of('bob').safetyNumber !== null);
    const before = alice.identity.of('bob').safetyNumber;
    const bob = await newBrowser(room);
    await alice.send('after');
    await room.until(() => texts(bob).includes('after'));
    expect(alice.identity.of('bob').keyChange).to.equal('notice');
    await room.until(() => alice.identity.of('bob').safetyNumber !== null);
    expect(alice.identity.of('bob').safetyNumber).to.not.equal(before);
  });

  it('blocks a verified contact’s new key until the person accepts it', async () => {
    const [alice] = await pair();
    await alice.identity.markVerified('bob');
    expect(alice.identity.of('bob').verified).to.equal(true);
    const bob = await newBrowser(room);
    await alice.send('held back');
    await room.until(() => alice.identity.of('bob').keyChange === 'blocked');
    expect(alice.identity.of('bob').verified).to.equal(false);
    expect(texts(bob)).to.not.include('held back');
    await alice.identity.acceptNewKey('bob');
    await room.until(() => texts(bob).includes('held back'));
    expect(alice.identity.of('bob').keyChange).to.equal(null);
  });
});
