// Export → import between two browser profiles, played by two account databases in one browser:
// everything arrives once, and a wrong passphrase, a flipped byte, a dropped record or a cut-off
// file is refused with nothing written.
import { expect } from '@open-wc/testing';
import { exportHistory } from '../../../../client/app/history/history-export.js';
import { HistoryError, HistoryErrorCode } from '../../../../client/app/history/history-format.js';
import { importHistory } from '../../../../client/app/history/history-import.js';
import { deleteAccountStore, openAccountStore } from '../../../../client/storage/account-store.js';
import type { AccountStore } from '../../../../client/storage/account-store.js';
import type { ChatMessage } from '../../../../shared/peer-protocol.js';
import { FILE_CHUNK_BYTES } from '../../../../shared/file-protocol.js';
import { incoming, outgoing } from '../../storage/file-rows.js';

const DM = 'dm:alice:bob';
const GROUP = 'g:friends';
const PASSPHRASE = 'correct horse battery staple';

function id(n: number): string {
  return n.toString(16).padStart(32, '0');
}

function fromBob(n: number, text: string, conversation = DM): ChatMessage {
  return { id: id(n), conversation, author: 'bob', seq: n, sentAt: 1000 * n, text };
}

function bytes(size: number, seed: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) % 251);
}

async function allMessages(store: AccountStore): Promise<string[]> {
  return (await store.history.messagePage(null, 10_000)).rows.map(
    (m) => `${m.id}:${m.text ?? m.reaction?.emoji ?? m.file?.name}`,
  );
}

/** The record boundaries of an export: [start, end) of each record after the 30-byte header. */
async function records(blob: Blob): Promise<[number, number][]> {
  const all = new DataView(await blob.arrayBuffer());
  const found: [number, number][] = [];
  for (let offset = 30; offset < all.byteLength;) {
    const end = offset + 4 + all.getUint32(offset);
    found.push([offset, end]);
    offset = end;
  }
  return found;
}

async function expectRefused(store: AccountStore, file: Blob, passphrase: string, codes: string[]) {
  const before = await allMessages(store);
  const error = await importHistory(store, file, passphrase).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(HistoryError);
  expect(codes).to.include((error as HistoryError).code);
  expect(await allMessages(store)).to.deep.equal(before);
}

describe('history export and import', () => {
  let first: AccountStore;
  let second: AccountStore;
  let exported: Blob;
  const sentBytes = bytes(150_000, 7);
  const receivedBytes = bytes(3 * FILE_CHUNK_BYTES + 123, 3);

  before(async () => {
    first = await openAccountStore('alice');
    await first.addIncomingBatch(DM, [fromBob(1, 'hello alice'), fromBob(2, '明天的会议室改到三楼')], {
      unread: true,
    });
    await first.addIncomingMessage(
      {
        id: id(3),
        conversation: GROUP,
        author: 'bob',
        seq: 1,
        sentAt: 3000,
        reaction: { target: id(1), emoji: '👍', on: true },
      },
      { unread: false },
    );
    await first.addOwnMessage({ id: id(4), conversation: GROUP, sentAt: 4000, text: 'lunch?' }, ['bob']);
    await first.markDelivered(id(4), 'bob');
    await first.setMuted(GROUP, true);
    // A file sent (kept as its Blob) and one received whole (kept as chunks).
    await first.files.put(outgoing(5, new Blob([sentBytes]), { conversation: GROUP, status: 'complete' }));
    await first.files.put(incoming(6, receivedBytes.length));
    const chunks = [0, 1, 2, 3].map((i) =>
      receivedBytes.subarray(i * FILE_CHUNK_BYTES, (i + 1) * FILE_CHUNK_BYTES),
    );
    await first.files.appendChunks(id(6), 0, chunks, new Uint8Array([1]));
    await first.files.update(id(6), { status: 'complete' });
    // And one still arriving: its row travels, its bytes do not.
    await first.files.put(incoming(7, 10_000));

    ({ blob: exported } = await exportHistory(first, PASSPHRASE));
  });

  beforeEach(async () => {
    second = await openAccountStore('alice-on-another-browser');
    // The other browser already has one of the messages, and one of its own.
    await second.addIncomingBatch(DM, [fromBob(1, 'hello alice'), fromBob(8, 'only here')], {
      unread: false,
    });
  });

  afterEach(async () => {
    second.close();
    await deleteAccountStore('alice-on-another-browser');
  });

  after(async () => {
    first.close();
    await deleteAccountStore('alice');
  });

  it('restores every message, reaction, conversation and stored file once, merged with what is there', async () => {
    const summary = await importHistory(second, exported, PASSPHRASE);
    expect(summary).to.deep.equal({ messages: 3, files: 3 });
    expect(await allMessages(second)).to.deep.equal([
      `${id(1)}:hello alice`,
      `${id(2)}:明天的会议室改到三楼`,
      `${id(3)}:👍`,
      `${id(4)}:lunch?`,
      `${id(8)}:only here`,
    ]);
    const own = await second.getMessage(id(4));
    expect(own?.deliveredTo).to.deep.equal(['bob']);
    const conversations = await second.listConversations();
    expect(conversations.find((c) => c.id === GROUP)?.muted).to.equal(true);
    expect(conversations.map((c) => c.id).sort()).to.deep.equal([DM, GROUP].sort());
    // Searchable, as if it had arrived here.
    expect((await second.search.search('会议室')).map((hit) => hit.id)).to.deep.equal([id(2)]);

    const sent = await second.files.blobOf(id(5));
    expect(new Uint8Array(await sent!.arrayBuffer())).to.deep.equal(sentBytes);
    const received = await second.files.blobOf(id(6));
    expect(new Uint8Array(await received!.arrayBuffer())).to.deep.equal(receivedBytes);
    expect((await second.files.get(id(7)))?.status).to.equal('pending');

    // Importing again adds nothing.
    expect(await importHistory(second, exported, PASSPHRASE)).to.deep.equal({ messages: 0, files: 0 });
    expect(await allMessages(second)).to.have.length(5);
  });

  it('refuses a wrong passphrase and writes nothing', async () => {
    await expectRefused(second, exported, 'wrong horse', [HistoryErrorCode.Passphrase]);
  });

  it('refuses a file with one byte flipped anywhere in its records, writing nothing', async () => {
    const data = new Uint8Array(await exported.arrayBuffer());
    const found = await records(exported);
    const [third, last] = [found[2]!, found.at(-1)!];
    for (const at of [third[0] + 10, last[0] + 6, data.length - 1]) {
      const damaged = data.slice();
      damaged[at]! ^= 0x01;
      await expectRefused(second, new Blob([damaged]), PASSPHRASE, [
        HistoryErrorCode.Damaged,
        HistoryErrorCode.Truncated,
      ]);
    }
  });

  it('refuses a file cut short, with a record dropped, or with two records swapped', async () => {
    const found = await records(exported);
    const cutAtRecord = exported.slice(0, found.at(-1)![0]);
    const cutInRecord = exported.slice(0, exported.size - 5);
    const [a, b] = [found[1]!, found[2]!];
    const dropped = new Blob([exported.slice(0, a[0]), exported.slice(a[1])]);
    const swapped = new Blob([
      exported.slice(0, a[0]),
      exported.slice(b[0], b[1]),
      exported.slice(a[0], a[1]),
      exported.slice(b[1]),
    ]);
    await expectRefused(second, cutAtRecord, PASSPHRASE, [HistoryErrorCode.Truncated]);
    await expectRefused(second, cutInRecord, PASSPHRASE, [HistoryErrorCode.Truncated]);
    await expectRefused(second, dropped, PASSPHRASE, [HistoryErrorCode.Damaged]);
    await expectRefused(second, swapped, PASSPHRASE, [HistoryErrorCode.Damaged]);
  });

  it('refuses what is not a history at all', async () => {
    await expectRefused(second, new Blob(['PK\u0003\u0004 a zip file']), PASSPHRASE, [
      HistoryErrorCode.NotHistory,
    ]);
  });
});
