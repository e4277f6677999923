import { expect } from '@open-wc/testing';
import { OutboxDelivery } from '../../../../client/app/conversations/outbox-delivery.js';
import { Directory } from '../../../../client/app/roster/directory.js';
import { deleteAccountStore, openAccountStore } from '../../../../client/storage/account-store.js';
import type { AccountStore } from '../../../../client/storage/account-store.js';
import type { StoredMessage } from '../../../../client/storage/stored-message.js';
import {
  MAX_SYNC_BATCH,
  directConversationId,
  groupConversationId,
} from '../../../../shared/peer-protocol.js';
import type { PeerFrame } from '../../../../shared/peer-protocol.js';
import { testKey } from '../../helpers/test-gate.js';
import type { TestKey } from '../../helpers/test-gate.js';
import { verifySignature } from '../../../../client/app/identity/device-key.js';
import { messageHash } from '../../../../client/app/identity/message-signing.js';
import { messageStatement } from '../../../../shared/message-signature.js';

const GROUP_ID = 'g' + 'c'.repeat(24);
const group = groupConversationId(GROUP_ID);
const dm = directConversationId('alice', 'bob');

describe('OutboxDelivery on reconnect', () => {
  let store: AccountStore;
  beforeEach(async () => {
    store = await openAccountStore('alice');
  });
  afterEach(async () => {
    store.close();
    await deleteAccountStore('alice');
  });

  async function delivery(
    open: boolean,
    onSend: (frame: PeerFrame) => void = () => undefined,
    key?: TestKey,
  ) {
    const directory = new Directory('alice');
    directory.setOnline(['bob']);
    directory.setGroups([
      {
        id: GROUP_ID,
        name: 'Team',
        creator: 'alice',
        createdAt: 0,
        members: ['alice', 'bob'].map((user) => ({ user, since: 0 })),
      },
    ]);
    key ??= await testKey();
    const sent: PeerFrame[] = [];
    const updated: StoredMessage[] = [];
    const outbox = new OutboxDelivery({
      links: {
        send: (_peer, frame) => {
          onSend(frame);
          if (open) sent.push(frame);
          return open;
        },
        isOpen: () => open,
        connect: () => undefined,
        warn: () => undefined,
      },
      directory,
      store,
      key,
      updated: (message) => updated.push(message),
    });
    return { outbox, sent, updated };
  }

  it("leaves a group's backlog to group catch-up, sends the rest one by one, and takes their acks", async () => {
    const offline = await delivery(false);
    const count = MAX_SYNC_BATCH + 6;
    for (let i = 0; i < count; i++) await offline.outbox.send(group, { text: `g ${i}` }, () => undefined);
    await offline.outbox.send(dm, { text: 'direct' }, () => undefined);

    const { outbox, sent, updated } = await delivery(true);
    await outbox.flush('bob');
    // The group's go in seq order with what others wrote, once bob says what he holds (group-sync).
    expect(sent.map((frame) => frame.type)).to.deep.equal(['message']);
    expect(updated.filter((message) => message.sent).map((message) => message.text)).to.deep.equal([
      'direct',
    ]);

    const direct = sent[0]?.type === 'message' ? sent[0].message.id : '';
    await outbox.acked('bob', [direct]);
    const left = (await store.pendingFor('bob')).map((message) => message.text ?? '');
    expect(left.sort()).to.deep.equal(Array.from({ length: count }, (_, i) => `g ${i}`).sort());
    // Bob's heads say he holds the first ten: those count as delivered.
    await outbox.heldBy('bob', group, 10);
    expect(await store.pendingFor('bob')).to.have.length(count - 10);
  });

  it('keeps a message before it goes on the wire: noted, its write begun before any answer, and shown after it went', async () => {
    const lookups: Array<Promise<StoredMessage | undefined>> = [];
    const notes: boolean[] = [];
    const order: string[] = [];
    // The note is there when the frame goes out. An answer to the frame (an ack, a reply) comes in
    // a later task: a read it starts sees what the write stores (IndexedDB runs transactions on the
    // same store in the order they were made), though the write begins just after the frame left.
    const { outbox } = await delivery(true, (frame) => {
      if (frame.type !== 'message') return;
      order.push('sent');
      const { id } = frame.message;
      lookups.push(new Promise((resolve) => setTimeout(resolve, 0)).then(() => store.getMessage(id)));
      notes.push(store.sendJournal.pending(() => undefined).some((n) => n.draft.id === id));
    });
    await outbox.send(dm, { text: 'kept' }, () => void order.push('shown'));
    expect(order).to.deep.equal(['sent', 'shown']);
    expect(notes).to.deep.equal([true]);
    expect((await lookups[0])?.text).to.equal('kept');
    // Stored: the note is gone.
    expect(store.sendJournal.pending(() => undefined)).to.deep.equal([]);
  });

  it('stores first where the browser keeps no notes', async () => {
    store.close();
    store = await openAccountStore('alice', { journalStorage: null });
    const order: string[] = [];
    const { outbox } = await delivery(true, (frame) => {
      if (frame.type === 'message') order.push('sent');
    });
    const addOwnMessages = store.addOwnMessages.bind(store);
    store.addOwnMessages = async (entries) => {
      const stored = await addOwnMessages(entries);
      order.push('stored');
      return stored;
    };
    await outbox.send(dm, { text: 'kept' }, () => void order.push('shown'));
    expect(order).to.deep.equal(['shown', 'stored', 'sent']);
  });

  it('records an ack that overtook the write of its message', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const addOwnMessages = store.addOwnMessages.bind(store);
    store.addOwnMessages = async (entries) => {
      await held;
      return addOwnMessages(entries);
    };
    let wentOut!: (id: string) => void;
    const onWire = new Promise<string>((resolve) => (wentOut = resolve));
    const { outbox, updated } = await delivery(true, (frame) => {
      if (frame.type === 'message') wentOut(frame.message.id);
    });
    const sending = outbox.send(dm, { text: 'fast ack' }, () => undefined);
    // The frame is out and its write is held: the peer's ack arrives now.
    const id = await onWire;
    const acking = outbox.acked('bob', [id]);
    release();
    await Promise.all([sending, acking]);
    expect((await store.getMessage(id))?.deliveredTo).to.deep.equal(['bob']);
    expect(updated.map((message) => message.id)).to.include(id);
  });

  it('stores a burst in a few transactions, and a failing message fails only its own send', async () => {
    let writes = 0;
    const addOwnMessages = store.addOwnMessages.bind(store);
    store.addOwnMessages = (entries) => {
      writes++;
      return addOwnMessages(entries);
    };
    const { outbox } = await delivery(false);
    const taken = '0'.repeat(31) + '1';
    await outbox.send(dm, { text: 'first' }, () => undefined, taken);
    const burst = Array.from({ length: 20 }, (_, i) =>
      outbox.send(dm, { text: `burst ${i}` }, () => undefined, i === 7 ? taken : undefined),
    );
    const results = await Promise.allSettled(burst);
    expect(results.map((result) => result.status)).to.deep.equal(
      results.map((_, i) => (i === 7 ? 'rejected' : 'fulfilled')),
    );
    // The first write, then at most a couple of groups for the burst (and its one-by-one retry).
    expect(writes).to.be.lessThan(6);
    const stored = await store.listConversation(dm);
    expect(stored.map((message) => message.text)).to.have.members([
      'first',
      ...Array.from({ length: 20 }, (_, i) => `burst ${i}`).filter((_, i) => i !== 7),
    ]);
  });

  /** Whether `message` carries `key`'s signature over exactly its fields. */
  const signedWith = (key: TestKey, message: StoredMessage | undefined) =>
    message?.sig !== undefined && verifySignature(key.identity, message.sig, messageStatement(message));

  it('signs each own message before storing it, each linked to the one before, also after a reload', async () => {
    const key = await testKey();
    const first = await delivery(true, undefined, key);
    await first.outbox.send(dm, { text: 'one' }, () => undefined);
    await first.outbox.send(dm, { text: 'two' }, () => undefined);
    const reloaded = await delivery(true, undefined, key);
    await reloaded.outbox.send(dm, { text: 'three' }, () => undefined);
    const rows = (await store.listConversation(dm)).sort((a, b) => a.seq - b.seq);
    expect(rows.map((row) => [row.seq, row.text])).to.deep.equal([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    for (const row of rows) expect(await signedWith(key, row), row.text).to.equal(true);
    expect(rows[0]?.prev).to.equal(undefined);
    expect(rows[1]?.prev).to.equal(await messageHash(rows[0]!));
    expect(rows[2]?.prev).to.equal(await messageHash(rows[1]!));
    // What went out is what was stored, signature included.
    const wire = [...first.sent, ...reloaded.sent].map((frame) =>
      frame.type === 'message' ? frame.message.sig : '',
    );
    expect(wire).to.deep.equal(rows.map((row) => row.sig));
  });

  it('signs an own message stored before signing when it goes out again', async () => {
    const key = await testKey();
    const legacy = await store.addOwnMessage(
      { id: 'f'.repeat(32), conversation: dm, sentAt: 1000, text: 'old' },
      ['bob'],
    );
    expect(legacy.sig).to.equal(undefined);
    const { outbox, sent } = await delivery(true, undefined, key);
    await outbox.flush('bob');
    const frame = sent[0];
    expect(frame?.type === 'message' && (await signedWith(key, { ...legacy, ...frame.message }))).to.equal(
      true,
    );
    expect(await signedWith(key, await store.getMessage(legacy.id))).to.equal(true);
  });
});
