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

  async function delivery(open: boolean, onSend: (frame: PeerFrame) => void = () => undefined) {
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
    const key = await testKey();
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

  it("sends a group's backlog in batches, the rest one by one, and takes one ack for a batch", async () => {
    const offline = await delivery(false);
    const count = MAX_SYNC_BATCH + 6;
    for (let i = 0; i < count; i++) await offline.outbox.send(group, { text: `g ${i}` }, () => undefined);
    await offline.outbox.send(dm, { text: 'direct' }, () => undefined);

    const { outbox, sent, updated } = await delivery(true);
    await outbox.flush('bob');
    expect(sent.map((frame) => frame.type)).to.deep.equal(['sync-batch', 'sync-batch', 'message']);
    const first = sent[0];
    const ids = first?.type === 'sync-batch' ? first.messages.map((message) => message.id) : [];
    expect(ids).to.have.length(MAX_SYNC_BATCH);
    expect(updated.filter((message) => message.sent)).to.have.length(count + 1);

    await outbox.acked('bob', ids);
    const left = (await store.pendingFor('bob')).map((message) => message.text ?? '');
    const acked = new Set(first?.type === 'sync-batch' ? first.messages.map((message) => message.text) : []);
    const all = [...Array.from({ length: count }, (_, i) => `g ${i}`), 'direct'];
    expect(left.sort()).to.deep.equal(all.filter((text) => !acked.has(text)).sort());
  });

  it('stores a message before it goes on the wire', async () => {
    const lookups: Array<Promise<StoredMessage | undefined>> = [];
    // A read started when the frame goes out sees what was stored by then (IndexedDB runs
    // transactions on the same store in the order they were made).
    const { outbox } = await delivery(true, (frame) => {
      if (frame.type === 'message') lookups.push(store.getMessage(frame.message.id));
    });
    await outbox.send(dm, { text: 'kept' }, () => undefined);
    expect(lookups).to.have.length(1);
    expect((await lookups[0])?.text).to.equal('kept');
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
});
