// Delete for everyone meets group catch-up: a member away during both a message and its deletion
// gets its place (with the author's tombstone) from another member, so the author's later messages
// are not held back behind a hole, and none of the deleted text reaches them. A forwarded place
// whose tombstone does not vouch for it is dropped with a warning.
import { expect } from '@open-wc/testing';
import { SEQ_SLACK } from '../../../../client/app/conversations/arrival-checks.js';
import type { Messenger } from '../../../../client/app/messenger.js';
import { groupConversationId } from '../../../../shared/peer-protocol.js';
import type { ChatMessage, DeletedMessage } from '../../../../shared/peer-protocol.js';
import type { Group } from '../../../../shared/protocol.js';
import { messageHash } from '../../../../client/app/identity/message-signing.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';
import type { RawPeer } from '../../helpers/messenger-room.js';
import { TestKeys, draft, signedBy } from '../../helpers/signed-messages.js';

const HOUR = 3_600_000;

function club(id: string, members: readonly string[], now: number): Group {
  return {
    id,
    name: 'club',
    creator: members[0]!,
    createdAt: now - HOUR,
    members: members.map((user) => ({ user, since: now - HOUR })),
  };
}

describe('deleted messages in group catch-up', () => {
  let room: MessengerRoom;
  beforeEach(() => {
    room = new MessengerRoom();
  });
  afterEach(async () => {
    await room.close();
  });

  it('closes the hole of a message deleted while a member was away: later messages arrive, the text never does', async function () {
    // Some 70 messages signed, stored and caught up through three real IndexedDBs.
    this.timeout(30_000);
    const groupId = 'g' + 'd'.repeat(24);
    const conversation = groupConversationId(groupId);
    const everyone = club(groupId, ['alice', 'bob', 'carol'], Date.now());
    const alice = await room.join('alice', { groups: [everyone] });
    const bob = await room.join('bob', { groups: [everyone] });
    await alice.selectConversation(conversation);
    await bob.selectConversation(conversation);
    await alice.send('the secret plan');
    const secret = alice.openConversation!.messages[0]!.id;
    await alice.deleteForEveryone(secret);
    // Carol's heads reach past them only once the hole is closed by the deleted place.
    const later = 70;
    for (let i = 1; i <= later; i++) await alice.send(`after ${i}`);
    const bobStore = room.stores.get('bob')!;
    await room.until(async () => {
      const rows = await bobStore.listConversation(conversation, { limit: 1000 });
      return rows.filter((row) => row.text?.startsWith('after ')).length === later;
    });
    expect((await bobStore.getMessage(secret))?.deleted).to.equal(true);
    // Carol can catch up from bob only.
    room.leave('alice');

    const carol: Messenger = await room.join('carol', { groups: [everyone] });
    const carolStore = room.stores.get('carol')!;
    await room.until(async () => (await carolStore.heads(conversation)).get('alice') === later + 2);
    const rows = await carolStore.listConversation(conversation, { limit: 1000 });
    expect(rows.filter((row) => row.text?.startsWith('after ')).length).to.equal(later);
    const held = await carolStore.getMessage(secret);
    expect(held).to.include({ deleted: true, author: 'alice', seq: 1 });
    expect(held?.text).to.equal(undefined);
    expect(rows.some((row) => JSON.stringify(row).includes('secret plan'))).to.equal(false);
    expect(await carol.history.search('secret')).to.deep.equal([]);
    await carol.selectConversation(conversation);
    expect(carol.openConversation?.messages[0]).to.include({ id: secret, deleted: true, text: '' });
    // Carol never met alice: the place stands on alice's tombstone, checked once her key is known.
    expect(held?.awaitingKey).to.equal('alice');
    await room.join('alice', { groups: [everyone] });
    await room.until(async () => (await carolStore.getMessage(secret))?.awaitingKey === undefined);
    const settled = await carolStore.getMessage(secret);
    expect(settled).to.include({ deleted: true });
    expect(settled?.proof).to.equal(undefined);
    expect(room.warnings).to.deep.equal([]);
  });
});

describe('forwarded places of deleted messages', () => {
  const hash = 'ab'.repeat(32);
  const groupId = 'g' + 'f'.repeat(24);
  const conversation = groupConversationId(groupId);
  let room: MessengerRoom;
  let keys: TestKeys;
  let mallory: RawPeer;
  let seq: number;

  beforeEach(async () => {
    room = new MessengerRoom();
    keys = new TestKeys();
    seq = 0;
    const alice = await room.join('alice');
    await room.stores.get('alice')?.identity.savePin('bob', (await keys.of('bob')).identity, false);
    alice.server.welcome(['mallory'], [club(groupId, ['bob', 'alice', 'mallory'], Date.now())], []);
    mallory = await room.rawPeer('mallory', 'alice', await keys.of('mallory'));
  });
  afterEach(async () => {
    await room.close();
  });

  /** The place of bob's message at the next seq (or `at`), vouched for by `tombstone` (made from it). */
  async function place(
    tombstone: (where: DeletedMessage) => Promise<ChatMessage>,
    at = seq + 1,
  ): Promise<DeletedMessage> {
    seq = at;
    const { id, sentAt } = draft(conversation);
    const where = { id, conversation, author: 'bob', seq, sentAt, hash } as DeletedMessage;
    return { ...where, tombstone: await tombstone(where) };
  }

  /** Bob's tombstone for `target`, naming the place `where` (fields overridden by `overrides`). */
  function bobsTombstone(target: string, where: DeletedMessage, overrides: Partial<ChatMessage> = {}) {
    return draft(conversation, {
      seq: 500 + where.seq,
      text: undefined,
      tombstone: { target, seq: where.seq, sentAt: where.sentAt, hash: where.hash },
      ...overrides,
    });
  }

  const byBob = async (message: ChatMessage) => signedBy(await keys.of('bob'), message);

  /** Mallory forwards `places`; resolves once alice has acked them all. */
  async function forward(places: DeletedMessage[]): Promise<void> {
    mallory.send('alice', { type: 'sync-deleted', conversation, deleted: places });
    await room.answered(
      mallory,
      places.map((deleted) => deleted.id),
    );
  }

  it('drops a place without a tombstone, with one by someone else, for another message or badly signed, and warns', async () => {
    const good = await place((where) => byBob(bobsTombstone(where.id, where)));
    const forged = [
      // Bob's signed text where the tombstone should be.
      await place(() => byBob(draft(conversation, { seq: 60 }))),
      // Mallory deleting bob's message.
      await place(async (where) =>
        signedBy(await keys.of('mallory'), bobsTombstone(where.id, where, { author: 'mallory' })),
      ),
      // Bob's real tombstone, of another message.
      await place((where) => byBob(bobsTombstone(draft(conversation).id, where))),
      // In bob's name, signed by mallory.
      await place(async (where) => signedBy(await keys.of('mallory'), bobsTombstone(where.id, where))),
    ];
    await forward([...forged, good]);

    const store = room.stores.get('alice')!;
    expect(await store.getMessage(good.id)).to.include({ deleted: true, seq: 1, hash });
    for (const deleted of forged) expect(await store.getMessage(deleted.id)).to.equal(undefined);
    const warned = room.warnings.join('\n');
    expect(warned).to.contain(`${forged[0]!.id} of bob without a tombstone`);
    expect(warned).to.contain(`${forged[1]!.id} of bob with a tombstone by mallory`);
    expect(warned).to.contain(`${forged[2]!.id} of bob with a tombstone for another message`);
    expect(warned).to.contain(`${forged[3]!.id} of bob with a tombstone whose signature does not verify`);
    expect(room.warnings).to.have.length(4);
  });

  it('drops a place its tombstone puts elsewhere or in another conversation, one out of reach, and one whose seq holds another message', async () => {
    const [stored] = await keys.sign([draft(conversation, { seq: 1 })]);
    mallory.send('alice', { type: 'sync-batch', conversation, messages: [stored!] });
    await room.answered(mallory, [stored!.id]);
    const other = groupConversationId('g' + 'e'.repeat(24));
    const refused = [
      await place((where) => byBob(bobsTombstone(where.id, { ...where, seq: where.seq + 1 })), 2),
      await place((where) => byBob(bobsTombstone(where.id, { ...where, hash: 'cd'.repeat(32) })), 2),
      await place((where) => byBob(bobsTombstone(where.id, where, { conversation: other })), 2),
      await place((where) => byBob(bobsTombstone(where.id, where)), 2 + SEQ_SLACK + 1),
      await place((where) => byBob(bobsTombstone(where.id, where)), 1),
    ];
    await forward(refused);

    const store = room.stores.get('alice')!;
    for (const deleted of refused) expect(await store.getMessage(deleted.id)).to.equal(undefined);
    expect((await store.getMessage(stored!.id))?.text).to.equal('the real thing');
    const [elsewhere, otherHash, otherConversation, beyond, taken] = refused.map((deleted) => deleted.id);
    const warned = room.warnings.join('\n');
    expect(warned).to.contain(`${elsewhere} of bob with a tombstone naming another place`);
    expect(warned).to.contain(`${otherHash} of bob with a tombstone naming another place`);
    expect(warned).to.contain(`${otherConversation} of bob with a tombstone of another conversation`);
    expect(warned).to.contain(`${beyond} of bob at seq ${2 + SEQ_SLACK + 1}, which is out of reach`);
    expect(warned).to.contain(`${taken} at seq 1 of bob, which holds another message`);
    expect(room.warnings).to.have.length(5);
  });

  it('a tombstone that comes before its message holds its place: the message is then a duplicate, its text never stored', async () => {
    const [original] = await keys.sign([draft(conversation, { seq: 1, text: 'said, then unsaid' })]);
    const { id: target, seq: at, sentAt } = original!;
    const body = { target, seq: at, sentAt, hash: await messageHash(original!) };
    const [tombstone] = await keys.sign([draft(conversation, { seq: 2, text: undefined, tombstone: body })]);
    mallory.send('alice', { type: 'sync-batch', conversation, messages: [tombstone!] });
    await room.answered(mallory, [tombstone!.id]);
    mallory.send('alice', { type: 'sync-batch', conversation, messages: [original!] });
    await room.answered(mallory, [original!.id]);

    const row = await room.stores.get('alice')!.getMessage(target);
    expect(row).to.include({ deleted: true, seq: 1, deletedBy: tombstone!.id, hash: body.hash });
    expect(row?.text).to.equal(undefined);
    expect(room.warnings).to.deep.equal([]);
  });

  it('refuses a tombstone naming its stored message at another place or with another hash', async () => {
    const [original] = await keys.sign([draft(conversation, { seq: 1, text: 'stays' })]);
    mallory.send('alice', { type: 'sync-batch', conversation, messages: [original!] });
    await room.answered(mallory, [original!.id]);
    const { id: target, seq: at, sentAt } = original!;
    const hash = await messageHash(original!);
    const wrong = await keys.sign([
      draft(conversation, {
        seq: 2,
        text: undefined,
        tombstone: { target, seq: at, sentAt: sentAt - 1, hash },
      }),
      draft(conversation, {
        seq: 3,
        text: undefined,
        tombstone: { target, seq: at, sentAt, hash: 'ef'.repeat(32) },
      }),
    ]);
    mallory.send('alice', { type: 'sync-batch', conversation, messages: wrong });
    await room.answered(
      mallory,
      wrong.map((message) => message.id),
    );

    const store = room.stores.get('alice')!;
    expect((await store.getMessage(target))?.text).to.equal('stays');
    for (const message of wrong) expect(await store.getMessage(message.id)).to.equal(undefined);
    const warned = room.warnings.join('\n');
    expect(warned).to.contain('that names another place');
    expect(warned).to.contain('that names another statement hash');
  });
});
