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
import { MessengerRoom } from '../../helpers/messenger-room.js';
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
    // Far enough past the hole that catch-up would refuse the last ones were it left open.
    const later = SEQ_SLACK + 6;
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

  it('drops a forwarded place without a tombstone, with one by someone else or for another message, and warns', async () => {
    const keys = new TestKeys();
    const now = Date.now();
    const groupId = 'g' + 'f'.repeat(24);
    const conversation = groupConversationId(groupId);
    const alice = await room.join('alice');
    await room.stores.get('alice')?.identity.savePin('bob', (await keys.of('bob')).identity, false);
    alice.serverWelcome(['mallory'], [club(groupId, ['bob', 'alice', 'mallory'], now)], []);
    const mallory = await room.rawPeer('mallory', 'alice', await keys.of('mallory'));

    const hash = 'ab'.repeat(32);
    let seq = 0;
    /** The place of bob's message at the next seq, vouched for by `tombstone` (made from the place). */
    const place = async (
      tombstone: (body: DeletedMessage) => Promise<ChatMessage>,
    ): Promise<DeletedMessage> => {
      seq += 1;
      const { id, sentAt } = draft(conversation);
      const body = { id, conversation, author: 'bob', seq, sentAt, hash } as DeletedMessage;
      return { ...body, tombstone: await tombstone(body) };
    };
    const bobsTombstone = (target: string, where: DeletedMessage) =>
      draft(conversation, {
        seq: 50 + where.seq,
        text: undefined,
        tombstone: { target, seq: where.seq, sentAt: where.sentAt, hash },
      });
    const good = await place(async (where) => signedBy(await keys.of('bob'), bobsTombstone(where.id, where)));
    const forged = [
      // Bob's signed text where the tombstone should be.
      await place(async () => signedBy(await keys.of('bob'), draft(conversation, { seq: 60 }))),
      // Mallory deleting bob's message.
      await place(async (where) =>
        signedBy(await keys.of('mallory'), { ...bobsTombstone(where.id, where), author: 'mallory' }),
      ),
      // Bob's real tombstone, of another message.
      await place(async (where) =>
        signedBy(await keys.of('bob'), bobsTombstone(draft(conversation).id, where)),
      ),
      // In bob's name, signed by mallory.
      await place(async (where) => signedBy(await keys.of('mallory'), bobsTombstone(where.id, where))),
    ];
    const all = [...forged, good];
    mallory.send('alice', { type: 'sync-deleted', conversation, deleted: all });
    await room.acked(
      mallory,
      all.map((deleted) => deleted.id),
    );

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
});
