// Reply, Edit and Delete for everyone between real messengers; and the author rule: an edit or a
// tombstone by anyone but the message's author is refused (action-checks.ts) with a warning.
import { expect } from '@open-wc/testing';
import type { Messenger } from '../../../../client/app/messenger.js';
import { groupConversationId } from '../../../../shared/peer-protocol.js';
import type { ChatMessage } from '../../../../shared/peer-protocol.js';
import type { Group } from '../../../../shared/protocol.js';
import { messageHash } from '../../../../client/app/identity/message-signing.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';
import { TestKeys, draft } from '../../helpers/signed-messages.js';

const idOf = (m: Messenger, text: string): string => {
  const id = m.openConversation?.messages.find((message) => message.text === text)?.id;
  if (!id) throw new Error(`no message ${text}`);
  return id;
};

describe('Messenger message actions', () => {
  let room: MessengerRoom;
  beforeEach(() => {
    room = new MessengerRoom();
  });
  afterEach(async () => {
    await room.close();
  });

  it('carries a reply’s reference, edits and deletes on the other side, and removes the deleted text from its storage', async () => {
    const alice = await room.join('alice', { groups: [] });
    const bob = await room.join('bob', { groups: [] });
    await alice.selectPerson('bob');
    await bob.selectPerson('alice');
    await alice.send('lunch at noon?');
    await room.until(() => bob.openConversation?.messages.length === 1);
    const question = idOf(bob, 'lunch at noon?');

    await bob.send('yes', { replyTo: question });
    await room.until(() => alice.openConversation?.messages.length === 2);
    const reply = alice.openConversation!.messages[1]!;
    expect(reply.replyTo).to.deep.equal({ id: question, author: 'alice', snippet: 'lunch at noon?' });
    await room.until(
      async () => (await room.stores.get('alice')!.getMessage(reply.id))?.replyTo === question,
    );

    await alice.edit(question, 'lunch at one?');
    await room.until(() => bob.openConversation?.messages[0]?.edited === true);
    expect(bob.openConversation?.messages[0]?.text).to.equal('lunch at one?');
    // The quote reads the answered message as it is now.
    expect(bob.openConversation?.messages[1]?.replyTo?.snippet).to.equal('lunch at one?');

    await alice.deleteForEveryone(question);
    await room.until(() => bob.openConversation?.messages[0]?.deleted === true);
    expect(bob.openConversation?.messages[0]?.text).to.equal('');
    await room.until(async () => (await room.stores.get('bob')!.getMessage(question))?.deleted === true);
    const row = await room.stores.get('bob')!.getMessage(question);
    expect(row?.deleted).to.equal(true);
    expect(row?.text).to.equal(undefined);
    expect((await room.stores.get('alice')!.getMessage(question))?.text).to.equal(undefined);
    expect(room.warnings).to.deep.equal([]);
  });

  it("deletes a file message's bytes with it, on both sides", async () => {
    const alice = await room.join('alice', { groups: [] });
    const bob = await room.join('bob', { groups: [] });
    await alice.selectPerson('bob');
    await bob.selectPerson('alice');
    // Bob has written to alice: her files come to him without asking.
    await bob.send('send it over');
    await alice.sendFiles([new File(['the plans, in full'], 'plans.txt', { type: 'text/plain' })]);
    await room.until(() => bob.openConversation?.messages.at(-1)?.file?.state === 'complete');
    const id = bob.openConversation!.messages.at(-1)!.id;
    expect(await room.stores.get('bob')!.files.blobOf(id)).not.to.equal(null);

    await alice.deleteForEveryone(id);
    const bobStore = room.stores.get('bob')!;
    await room.until(async () => (await bobStore.getMessage(id))?.deleted === true);
    for (const store of [bobStore, room.stores.get('alice')!]) {
      expect((await store.getMessage(id))?.file).to.equal(undefined);
      expect(await store.files.get(id)).to.equal(null);
      expect(await store.files.blobOf(id)).to.equal(null);
    }
  });

  it('refuses an edit and a deletion of a message by someone who did not write it', async () => {
    const keys = new TestKeys();
    const now = Date.now();
    const groupId = 'g' + 'e'.repeat(24);
    const conversation = groupConversationId(groupId);
    const group: Group = {
      id: groupId,
      name: 'club',
      creator: 'bob',
      createdAt: now - 3_600_000,
      members: ['alice', 'bob', 'mallory'].map((user) => ({ user, since: now - 3_600_000 })),
    };
    const alice = await room.join('alice');
    await room.stores.get('alice')?.identity.savePin('bob', (await keys.of('bob')).identity, false);
    alice.server.welcome(['mallory'], [group], []);
    const mallory = await room.rawPeer('mallory', 'alice', await keys.of('mallory'));
    const [original] = await keys.sign([draft(conversation, { author: 'bob', text: 'the real thing' })]);
    mallory.send('alice', { type: 'sync-batch', conversation, messages: [original!] });
    await room.answered(mallory, [original!.id]);

    const forged: ChatMessage[] = await keys.sign([
      draft(conversation, {
        author: 'mallory',
        seq: 1,
        text: undefined,
        edit: { target: original!.id, text: 'forged' },
      }),
      draft(conversation, {
        author: 'mallory',
        seq: 2,
        text: undefined,
        tombstone: {
          target: original!.id,
          seq: original!.seq,
          sentAt: original!.sentAt,
          hash: await messageHash(original!),
        },
      }),
    ]);
    for (const m of forged) mallory.send('alice', { type: 'message', message: m });
    // Handled in order: once a good message after them is acked, both were refused or stored.
    const [good] = await keys.sign([draft(conversation, { author: 'mallory', seq: 3, text: 'good' })]);
    mallory.send('alice', { type: 'message', message: good! });
    await room.answered(mallory, [good!.id]);
    expect(room.warnings.join('\n')).to.match(/changes a message of bob's/);
    const store = room.stores.get('alice')!;
    expect((await store.getMessage(original!.id))?.text).to.equal('the real thing');
    for (const m of forged) expect(await store.getMessage(m.id)).to.equal(undefined);
  });
});
