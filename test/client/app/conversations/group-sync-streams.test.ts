import { expect } from '@open-wc/testing';
import { SYNC_BATCHES_IN_FLIGHT } from '../../../../client/app/conversations/catch-up-streams.js';
import {
  GroupSync,
  SYNC_LEADER_FIRST_MS,
  SYNC_LEADER_QUIET_MS,
} from '../../../../client/app/conversations/group-sync.js';
import { OutboxDelivery } from '../../../../client/app/conversations/outbox-delivery.js';
import { Directory } from '../../../../client/app/roster/directory.js';
import type { AccountStore } from '../../../../client/storage/account-store.js';
import { MAX_ACK_IDS, MAX_SYNC_BATCH, groupConversationId } from '../../../../shared/peer-protocol.js';
import type { ChatMessage, PeerFrame } from '../../../../shared/peer-protocol.js';
import { openDB } from 'idb';
import { accountDbName } from '../../../../client/storage/account-db.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { storeEachTest } from '../../helpers/store-each-test.js';
import { testKey } from '../../helpers/test-gate.js';

const GROUP_ID = 'g' + 'b'.repeat(24);
const conversation = groupConversationId(GROUP_ID);

function id(n: number): string {
  return n.toString(16).padStart(32, '0');
}

/** Carries a signature (its shape: checking it is the receiver's part), so it is streamed at all. */
function fromAlice(seq: number): ChatMessage {
  const sig = 'ab'.repeat(64);
  return { id: id(seq), conversation, author: 'alice', seq, sentAt: 1000 + seq, text: `said ${seq}`, sig };
}

/** Bob's own message number `seq`, signed in shape, waiting for alice and carol. */
function ownDraft(seq: number) {
  return {
    id: id(0x100 + seq),
    conversation,
    seq,
    sentAt: 2000 + seq,
    text: `mine ${seq}`,
    sig: 'cd'.repeat(64),
  };
}

/** GroupSync of bob, a member with alice and carol, on a real store, recording what it sends. */
async function bobsSync(
  store: AccountStore,
  hooks: {
    checked?: (count: number) => void;
    unknownKey?: ReadonlySet<string>;
    settleHeld?: () => Promise<boolean>;
    expecting?: () => void;
    reviewed?: () => Promise<void>;
  } = {},
) {
  const directory = new Directory('bob');
  directory.setOnline(['alice', 'carol']);
  directory.setGroups([
    {
      id: GROUP_ID,
      name: 'Team',
      creator: 'alice',
      createdAt: 0,
      members: ['alice', 'bob', 'carol'].map((user) => ({ user, since: 0 })),
    },
  ]);
  const clock = new ManualClock();
  const sent: Array<[string, PeerFrame]> = [];
  const accepted: ChatMessage[] = [];
  const waiters: Array<() => void> = [];
  /** Resolves once `peer` has been sent `times` `sync-heads`. */
  const askedOf = async (peer: string, times = 1): Promise<void> => {
    while (sent.filter(([to, frame]) => to === peer && frame.type === 'sync-heads').length < times) {
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  const links = {
    send: (peer: string, frame: PeerFrame) => {
      sent.push([peer, frame]);
      waiters.splice(0).forEach((wake) => wake());
      return true;
    },
    isOpen: () => true,
    connect: () => undefined,
    warn: () => undefined,
  };
  const delivery = new OutboxDelivery({
    links,
    directory,
    store,
    key: await testKey(),
    updated: () => undefined,
  });
  const sync = new GroupSync({
    links,
    directory,
    store,
    delivery,
    clock,
    // Signatures are not what this suite is about (signed-catch-up.test.ts is): all count as valid.
    inbox: {
      check: (messages) => {
        hooks.checked?.(messages.length);
        return Promise.resolve(
          messages.map((message) => (hooks.unknownKey?.has(message.id) ? 'unknown-key' : 'valid')),
        );
      },
      storeBatch: async (_peer, into, messages) => {
        accepted.push(...messages);
        await store.addIncomingBatch(into, messages, { unread: false });
        return { reviewed: hooks.reviewed?.() ?? Promise.resolve() };
      },
      settleHeld: hooks.settleHeld ?? (() => Promise.resolve(false)),
      actionProblem: () => Promise.resolve(null),
      holdDeleted: () => Promise.resolve(),
      expectBatches: () => hooks.expecting?.(),
    },
  });
  return { sync, clock, sent, accepted, askedOf, delivery };
}

/**
 * Makes the outbox rows of `id` look as they were written before messages were signed: without
 * their conversation (outbox rows name it since), so the flush reads the message to place it.
 */
async function asWrittenBeforeSigning(
  user: string,
  recipients: readonly string[],
  id: string,
): Promise<void> {
  const db = await openDB(accountDbName(user));
  const tx = db.transaction('outbox', 'readwrite');
  await Promise.all(recipients.map((to) => tx.store.put({ to, id })));
  await tx.done;
  db.close();
}

function batches(sent: ReadonlyArray<[string, PeerFrame]>): string[][] {
  return sent.flatMap(([, frame]) =>
    frame.type === 'sync-batch' ? [frame.messages.map((message) => message.id)] : [],
  );
}

describe('GroupSync streams', () => {
  const bobs = storeEachTest('bob');
  let store: AccountStore;
  beforeEach(() => {
    store = bobs();
  });

  it('keeps several batches in flight and sends another as each is acked', async () => {
    const total = MAX_SYNC_BATCH * (SYNC_BATCHES_IN_FLIGHT + 2);
    const messages = Array.from({ length: total }, (_, i) => fromAlice(i + 1));
    await store.addIncomingBatch(conversation, messages, { unread: false });
    const { sync, sent } = await bobsSync(store);

    await sync.onHeads('carol', { type: 'sync-heads', conversation, heads: [] });
    expect(batches(sent)).to.have.length(SYNC_BATCHES_IN_FLIGHT);

    expect(sync.onAck('carol', batches(sent)[1] ?? []), 'the stream goes on').to.equal(false);
    expect(batches(sent)).to.have.length(SYNC_BATCHES_IN_FLIGHT + 1);
    // Half a batch acked frees nothing.
    sync.onAck('carol', (batches(sent)[0] ?? []).slice(0, 10));
    expect(batches(sent)).to.have.length(SYNC_BATCHES_IN_FLIGHT + 1);
    sync.onAck('carol', batches(sent)[0] ?? []);
    expect(batches(sent).flat()).to.deep.equal(messages.map((message) => message.id));
    // The rest acked, the last batch last: that ack ends the stream (its marks are written at once).
    const rest = batches(sent).slice(2);
    for (const batch of rest.slice(0, -1)) expect(sync.onAck('carol', batch)).to.equal(false);
    expect(sync.onAck('carol', rest.at(-1) ?? []), 'the last ack ends it').to.equal(true);
    expect(sync.onAck('carol', rest.at(-1) ?? []), 'once').to.equal(false);
  });

  it('does not stream messages stored before signing: every receiver refuses them', async () => {
    const { sig: _sig, ...unsigned } = fromAlice(2);
    await store.addIncomingBatch(conversation, [fromAlice(1), unsigned, fromAlice(3)], { unread: false });
    const { sync, sent } = await bobsSync(store);
    await sync.onHeads('carol', { type: 'sync-heads', conversation, heads: [] });
    expect(batches(sent)).to.deep.equal([[id(1), id(3)]]);
  });

  it('gets signature checks ready as it asks for a catch-up, before any batch comes', async () => {
    let expecting = 0;
    const { sync, sent } = await bobsSync(store, { expecting: () => (expecting += 1) });
    await sync.announce('alice');
    expect(sent.filter(([, frame]) => frame.type === 'sync-heads')).to.have.length(1);
    expect(expecting).to.equal(1);
  });

  it('asks with its heads read again when checking held messages removed some', async () => {
    await store.addIncomingBatch(conversation, [fromAlice(1), fromAlice(2)], { unread: false });
    // As when alice's key turns out not to be the one her held seq 2 was signed with: it goes.
    const settleHeld = async () => {
      await store.authorship.settle([], [id(2)]);
      return true;
    };
    const { sync, sent } = await bobsSync(store, { settleHeld });

    await sync.announce('alice');
    const asked = sent.flatMap(([to, frame]) =>
      to === 'alice' && frame.type === 'sync-heads' ? frame.heads : [],
    );
    expect(asked, 'seq 2 is asked for again').to.deep.equal([{ author: 'alice', seq: 1 }]);
  });

  it('streams our own message stored before signing once the flush begun on connecting signed it', async () => {
    const { sig: _sig, ...legacy } = ownDraft(1);
    await store.addOwnMessage({ ...legacy, sent: false }, ['alice', 'carol']);
    await asWrittenBeforeSigning('bob', ['alice', 'carol'], legacy.id);
    const { sync, sent, delivery } = await bobsSync(store);

    // As on a link opening: the outbox flushes, and the member's heads come in meanwhile.
    const flushing = delivery.flush('carol');
    await sync.onHeads('carol', { type: 'sync-heads', conversation, heads: [] });
    await flushing;
    const streamed = sent.flatMap(([, frame]) => (frame.type === 'sync-batch' ? frame.messages : []));
    expect(streamed.map((message) => message.id)).to.deep.equal([legacy.id]);
    expect(streamed[0]?.sig, 'signed by the flush').to.be.a('string');
  });

  it('streams our own messages with the rest, in seq order, and marks them sent as they go', async () => {
    await store.addIncomingBatch(conversation, [fromAlice(1)], { unread: false });
    // Stored while nobody was online (not sent), in the opposite order of their dates.
    for (const seq of [1, 2, 3]) {
      await store.addOwnMessage({ ...ownDraft(seq), sentAt: 3000 - seq, sent: false }, ['alice', 'carol']);
    }
    await store.markDelivered(ownDraft(1).id, 'alice');
    const { sync, sent } = await bobsSync(store);

    await sync.onHeads('carol', { type: 'sync-heads', conversation, heads: [] });
    expect(batches(sent)).to.deep.equal([[id(1), ...[1, 2, 3].map((seq) => ownDraft(seq).id)]]);
    // Marked in a transaction begun as the batch went out: IndexedDB runs these reads after it.
    for (const seq of [1, 2, 3]) expect((await store.getMessage(ownDraft(seq).id))?.sent).to.equal(true);
    // Alice acked one once (then lost it, say): nothing else brings it back, so the catch-up does.
    await sync.onHeads('alice', { type: 'sync-heads', conversation, heads: [{ author: 'alice', seq: 1 }] });
    expect(batches(sent).slice(1)).to.deep.equal([[1, 2, 3].map((seq) => ownDraft(seq).id)]);
  });

  it("marks our messages up to a member's head delivered to them, however they got them", async () => {
    for (const seq of [1, 2, 3]) await store.addOwnMessage(ownDraft(seq), ['alice', 'carol']);
    const { sync, sent } = await bobsSync(store);

    await sync.onHeads('carol', { type: 'sync-heads', conversation, heads: [{ author: 'bob', seq: 2 }] });
    const pending = await store.pendingFor('carol');
    expect(pending.map((message) => message.seq)).to.deep.equal([3]);
    expect((await store.getMessage(ownDraft(2).id))?.deliveredTo).to.deep.equal(['carol']);
    expect(batches(sent)).to.deep.equal([[ownDraft(3).id]]);
    // Nobody's head marks anything delivered to anyone else.
    expect(await store.pendingFor('alice')).to.have.length(3);
  });

  it('takes the next batch in while a stored one is reviewed, and acks each once it is reviewed', async () => {
    const reviews: Array<() => void> = [];
    const reviewed = () => new Promise<void>((resolve) => reviews.push(resolve));
    const { sync, sent } = await bobsSync(store, { reviewed });
    const acks = () => sent.flatMap(([, frame]) => (frame.type === 'ack' ? [frame.ids] : []));

    await sync.onBatches('carol', [{ type: 'sync-batch', conversation, messages: [1, 2].map(fromAlice) }]);
    await sync.onBatches('carol', [{ type: 'sync-batch', conversation, messages: [3].map(fromAlice) }]);
    expect(reviews, 'both stored, neither reviewed').to.have.length(2);
    expect(acks(), 'no ack before its review').to.deep.equal([]);
    reviews[1]!();
    await Promise.resolve();
    expect(acks()).to.deep.equal([[id(3)]]);
    reviews[0]!();
    await Promise.resolve();
    expect(acks()).to.deep.equal([[id(3)], [id(1), id(2)]]);
  });

  it('acks what it took apart from what it refused, and asks again once its heads moved', async () => {
    const { sync, sent } = await bobsSync(store);
    const acks = () => sent.flatMap(([, frame]) => (frame.type === 'ack' ? [frame] : []));
    const asked = () => sent.filter(([, frame]) => frame.type === 'sync-heads');
    // Seq 99 is past what bob holds of alice (nothing) plus the batch's run (1…3) plus the slack.
    const far = fromAlice(3 + MAX_SYNC_BATCH + 1);
    await sync.onBatches('carol', [
      {
        type: 'sync-batch',
        conversation,
        messages: [1, 2, 3].map(fromAlice).concat(far),
      },
    ]);
    expect(acks()).to.deep.equal([{ type: 'ack', ids: [1, 2, 3].map(id), refused: [far.id] }]);
    expect(asked().map(([, frame]) => frame)).to.deep.equal([
      { type: 'sync-heads', conversation, heads: [{ author: 'alice', seq: 3 }] },
    ]);

    // Out of reach again with nothing new held: asking again could only bring the same.
    await sync.onBatches('carol', [{ type: 'sync-batch', conversation, messages: [far] }]);
    expect(acks().at(-1)).to.deep.equal({ type: 'ack', ids: [], refused: [far.id] });
    expect(asked()).to.have.length(1);
  });

  it('asks one member first and the others only once its stream is quiet', async () => {
    const { sync, sent, clock, askedOf } = await bobsSync(store);
    const asked = () => sent.filter(([, frame]) => frame.type === 'sync-heads').map(([peer]) => peer);

    await sync.announce('alice');
    await sync.announce('carol');
    expect(asked()).to.deep.equal(['alice']);

    clock.advance(SYNC_LEADER_FIRST_MS - 1);
    await sync.onBatches('alice', [{ type: 'sync-batch', conversation, messages: [fromAlice(1)] }]);
    clock.advance(SYNC_LEADER_QUIET_MS - 1);
    expect(asked()).to.deep.equal(['alice']);

    clock.advance(1);
    await askedOf('carol');
    expect(asked()).to.deep.equal(['alice', 'carol']);
    const heads = sent.at(-1)?.[1];
    expect(heads?.type === 'sync-heads' && heads.heads).to.deep.equal([{ author: 'alice', seq: 1 }]);
  });

  it('says when it has sent everything the asker lacked, at once when that is nothing', async () => {
    const messages = Array.from({ length: MAX_SYNC_BATCH + 1 }, (_, i) => fromAlice(i + 1));
    await store.addIncomingBatch(conversation, messages, { unread: false });
    const { sync, sent } = await bobsSync(store);
    const kinds = () => sent.map(([peer, frame]) => `${peer} ${frame.type}`);

    await sync.onHeads('carol', { type: 'sync-heads', conversation, heads: [] });
    expect(kinds()).to.deep.equal(['carol sync-batch', 'carol sync-batch', 'carol sync-done']);
    const last = { author: 'alice', seq: MAX_SYNC_BATCH + 1 };
    await sync.onHeads('alice', { type: 'sync-heads', conversation, heads: [last] });
    expect(kinds().slice(3)).to.deep.equal(['alice sync-done']);
  });

  it('tells an author waiting to be asked which of its messages the member streaming brought', async () => {
    const fromCarol = (seq: number): ChatMessage => ({
      ...fromAlice(seq),
      id: id(0x200 + seq),
      author: 'carol',
    });
    const unchecked = fromCarol(3);
    const { sync, sent } = await bobsSync(store, { unknownKey: new Set([unchecked.id]) });
    await sync.announce('alice');
    await sync.announce('carol');
    const acksTo = (peer: string) =>
      sent.flatMap(([to, frame]) => (to === peer && frame.type === 'ack' ? [frame.ids] : []));

    const messages = [fromAlice(1), fromCarol(1), fromCarol(2), unchecked];
    await sync.onBatches('alice', [{ type: 'sync-batch', conversation, messages }]);
    // Carol's own, checked: not the one whose signature waits for her key, not alice's.
    expect(acksTo('carol')).to.deep.equal([[fromCarol(1).id, fromCarol(2).id]]);
    expect(acksTo('alice')).to.deep.equal([messages.map((message) => message.id)]);
    // Carol is not asked while alice streams.
    expect(sent.filter(([to, frame]) => to === 'carol' && frame.type === 'sync-heads')).to.have.length(0);
  });

  it('takes batches queued together in as one, acking each for its own ids, and tells the author in acks it can read', async () => {
    const fromCarol = (seq: number): ChatMessage => ({
      ...fromAlice(seq),
      id: (0x1000 + seq).toString(16).padStart(32, '0'),
      author: 'carol',
    });
    let stores = 0;
    const { sync, sent } = await bobsSync(store, { reviewed: () => ((stores += 1), Promise.resolve()) });
    await sync.announce('alice');
    await sync.announce('carol');
    const acksTo = (peer: string) =>
      sent.flatMap(([to, frame]) => (to === peer && frame.type === 'ack' ? [frame] : []));
    const frames = [0, 1].map((part) => ({
      type: 'sync-batch' as const,
      conversation,
      messages: Array.from({ length: MAX_SYNC_BATCH }, (_, i) => fromCarol(part * MAX_SYNC_BATCH + i + 1)),
    }));
    // Past reach even with both batches: refused, in its own batch's ack.
    const far = fromCarol(2 * MAX_SYNC_BATCH + 1000);
    frames[1]!.messages[MAX_SYNC_BATCH - 1] = far;

    await sync.onBatches('alice', [frames[0]!, frames[1]!]);
    expect(stores, 'stored in one go').to.equal(1);
    expect(acksTo('alice')).to.deep.equal([
      { type: 'ack', ids: frames[0]!.messages.map((message) => message.id) },
      { type: 'ack', ids: frames[1]!.messages.slice(0, -1).map((message) => message.id), refused: [far.id] },
    ]);
    // Carol waits to be asked: told of her 511 messages now, in acks of at most MAX_ACK_IDS.
    expect(acksTo('carol').map((ack) => ack.ids.length)).to.deep.equal([
      MAX_ACK_IDS,
      2 * MAX_SYNC_BATCH - 1 - MAX_ACK_IDS,
    ]);
  });

  it('takes in with a batch those queued behind it while its signatures were checked', async () => {
    let stores = 0;
    const { sync, sent } = await bobsSync(store, { reviewed: () => ((stores += 1), Promise.resolve()) });
    await sync.announce('alice');
    const frames = [1, 2].map((seq) => ({
      type: 'sync-batch' as const,
      conversation,
      messages: [fromAlice(seq)],
    }));
    sync.arriving('alice', frames[0]!);
    let offered = 0;
    await sync.onBatches('alice', [frames[0]!], () => (offered++ === 0 ? [frames[1]!] : []));
    expect(stores, 'stored in one go').to.equal(1);
    expect(
      sent.flatMap(([to, frame]) => (to === 'alice' && frame.type === 'ack' ? [frame.ids] : [])),
    ).to.deep.equal(frames.map((frame) => [frame.messages[0]!.id]));
  });

  it('asks the others as soon as the member streaming says it is done', async () => {
    const { sync, sent, askedOf } = await bobsSync(store);
    await sync.announce('alice');
    await sync.announce('carol');
    const asked = () => sent.filter(([, frame]) => frame.type === 'sync-heads').map(([peer]) => peer);
    // Said by someone else, it changes nothing: two reads of the store later, still nobody asked.
    sync.onDone('carol', conversation);
    await store.heads(conversation);
    await store.heads(conversation);
    expect(asked()).to.deep.equal(['alice']);
    sync.onDone('alice', conversation);
    await askedOf('carol');
    expect(asked()).to.deep.equal(['alice', 'carol']);
  });

  it('asks the others at once when the member streaming leaves', async () => {
    const { sync, sent, askedOf } = await bobsSync(store);
    await sync.announce('alice');
    await sync.announce('carol');
    sync.connectionClosed('alice');
    await askedOf('carol');
    expect(sent.filter(([, frame]) => frame.type === 'sync-heads').map(([peer]) => peer)).to.deep.equal([
      'alice',
      'carol',
    ]);
  });

  it('tells a member asked before how far it holds now, once a later stream is done', async () => {
    const { sync, sent, clock, askedOf } = await bobsSync(store);
    const asks = () => sent.filter(([, frame]) => frame.type === 'sync-heads');
    await sync.announce('alice');
    await sync.announce('carol');
    // Alice is quiet for the whole first wait: carol is asked from nothing.
    clock.advance(SYNC_LEADER_FIRST_MS);
    await askedOf('carol');
    // Then alice streams after all, and says she is done: carol (an author, say) hears the new heads.
    await sync.onBatches('alice', [{ type: 'sync-batch', conversation, messages: [fromAlice(1)] }]);
    sync.onDone('alice', conversation);
    await store.heads(conversation);
    await store.heads(conversation);
    expect(asks().map(([peer, frame]) => [peer, frame.type === 'sync-heads' && frame.heads])).to.deep.equal([
      ['alice', []],
      ['carol', []],
      ['carol', [{ author: 'alice', seq: 1 }]],
    ]);
    // Carol has nothing more and says so: alice, last asked from nothing, hears the heads too; then
    // nobody is asked again with the same heads.
    sync.onDone('carol', conversation);
    await askedOf('alice', 2);
    sync.onDone('alice', conversation);
    await store.heads(conversation);
    await store.heads(conversation);
    expect(asks().map(([peer]) => peer)).to.deep.equal(['alice', 'carol', 'carol', 'alice']);
  });

  it('checks a batch’s signatures once, as it arrives', async () => {
    const checks: number[] = [];
    const { sync } = await bobsSync(store, { checked: (count) => checks.push(count) });
    const frame = { type: 'sync-batch' as const, conversation, messages: [fromAlice(1), fromAlice(2)] };
    sync.arriving('alice', frame);
    expect(checks).to.deep.equal([2]);
    await sync.onBatches('alice', [frame]);
    expect(checks).to.deep.equal([2]);
    expect((await store.heads(conversation)).get('alice')).to.equal(2);
  });
});
