import { expect } from '@open-wc/testing';
import {
  FILE_WORKER_URL,
  WorkerFileWork,
  startFileWork,
} from '../../../client/app/files/worker-file-work.js';
import { deleteAccountStore, openAccountStore } from '../../../client/storage/account-store.js';
import type { AccountStore } from '../../../client/storage/account-store.js';
import { InProcessFileWork } from '../../../client/workers/file-work.js';
import type { DownloadEvents, FileWork } from '../../../client/workers/file-work.js';
import { checkChunks } from '../../../client/workers/file-work-messages.js';
import type { FileWorkReply, FileWorkRequest } from '../../../client/workers/file-work-messages.js';
import {
  FILE_CHUNK_BYTES,
  HASH_SCHEME_BLOCKS,
  chunkCount,
  decodeChunk,
  encodeChunk,
} from '../../../shared/file-protocol.js';
import type { FileInfo } from '../../../shared/file-protocol.js';
import { storeEachTest } from '../helpers/store-each-test.js';
import { fileId, incoming, user } from '../storage/file-rows.js';
import { MiB, randomBytes, webCryptoBlocksHex, webCryptoHex } from './web-crypto-digests.js';

/** Chunk `index` of `bytes` in a frame's own buffer, as a received frame arrives (the chunk is a view into it). */
function receivedChunk(
  id: string,
  bytes: Uint8Array,
  index: number,
  chunkSize = FILE_CHUNK_BYTES,
): Uint8Array<ArrayBuffer> {
  const data = bytes.subarray(index * chunkSize, (index + 1) * chunkSize);
  return decodeChunk(encodeChunk(id, index, data)).data as Uint8Array<ArrayBuffer>;
}

/** Download events as promises: the `have` of each `stored`, and the digest or error at the end. */
function recorded(): { events: DownloadEvents; haves: number[]; ended: Promise<string> } {
  const haves: number[] = [];
  let events!: DownloadEvents;
  const ended = new Promise<string>((resolve, reject) => {
    events = { stored: (have) => void haves.push(have), complete: resolve, failed: reject };
  });
  // A download still open when its work closes fails; a test that is done with it does not care.
  ended.catch(() => undefined);
  return { events, haves, ended };
}

const kinds: [string, (store: AccountStore) => FileWork][] = [
  ['in a Worker', (store) => startFileWork(user, store.files)],
  ['in the page', (store) => new InProcessFileWork(store.files)],
];

for (const [kind, make] of kinds) {
  describe(`file work ${kind}`, () => {
    let store: AccountStore;
    let work: FileWork;
    beforeEach(async () => {
      store = await openAccountStore(user);
      work = make(store);
    });
    afterEach(async () => {
      work.close();
      store.close();
      await deleteAccountStore(user);
    });

    it('hashes a Blob to the digest of the scheme asked for', async () => {
      const bytes = randomBytes(1024 * 1024 + 7);
      expect(await work.hash(new Blob([bytes]), undefined)).to.equal(await webCryptoHex(bytes));
      expect(await work.hash(new Blob([bytes]), HASH_SCHEME_BLOCKS)).to.equal(
        await webCryptoBlocksHex(bytes),
      );
    });

    it('reads a file into chunk frames, the short last one included', async () => {
      const bytes = randomBytes(2 * FILE_CHUNK_BYTES + 10);
      const info: FileInfo = { name: 'a.bin', size: bytes.length, type: '', chunkSize: FILE_CHUNK_BYTES };
      const frames = await work.readFrames(new Blob([bytes]), fileId(1), info, 1, 3);
      expect(frames.map((frame) => decodeChunk(frame).index)).to.deep.equal([1, 2]);
      expect([...decodeChunk(frames[1]!).data]).to.deep.equal([...bytes.subarray(2 * FILE_CHUNK_BYTES)]);
    });

    it('hashes an own file along reads that skip its start, reading the rest itself', async () => {
      const bytes = randomBytes(3 * FILE_CHUNK_BYTES + 99);
      const info: FileInfo = { name: 'a.bin', size: bytes.length, type: '', chunkSize: FILE_CHUNK_BYTES };
      const blob = new Blob([bytes]);
      const digest = work.hashAlong(blob, fileId(6), undefined);
      // As an upload resumed half way: nothing reads the start, so the hash reads it on its own.
      await work.readFrames(blob, fileId(6), info, 2, 4);
      expect(await digest).to.equal(await webCryptoHex(bytes));
      const blocks = work.hashAlong(blob, fileId(8), HASH_SCHEME_BLOCKS);
      await work.readFrames(blob, fileId(8), info, 2, 4);
      expect(await blocks).to.equal(await webCryptoBlocksHex(bytes));
    });

    it('stores every chunk with its hash state, resumes from it, and reports the SHA-256 of the whole (a row of before the block scheme)', async () => {
      const bytes = randomBytes(5 * FILE_CHUNK_BYTES + 123);
      const row = incoming(1, bytes.length);
      await store.files.put(row);
      const count = chunkCount(row.info);
      const first = recorded();
      const sink = await work.openDownload({ ...row, have: 0, hashState: null }, first.events);
      for (let index = 0; index < 3; index++) sink.chunk(receivedChunk(row.id, bytes, index));
      await waitFor(() => first.haves.at(-1) === 3);
      sink.close();

      // As after a reload: what the store holds is where the next download starts.
      const halfway = (await store.files.get(row.id))!;
      expect(halfway.have).to.equal(3);
      const second = recorded();
      const resumed = await work.openDownload(halfway, second.events);
      for (let index = 3; index < count; index++) resumed.chunk(receivedChunk(row.id, bytes, index));
      expect(await second.ended).to.equal(await webCryptoHex(bytes));
      expect(second.haves.at(-1)).to.equal(count);
      await store.files.update(row.id, { status: 'complete' });
      const saved = await store.files.blobOf(row.id);
      expect(await webCryptoHex(new Uint8Array(await saved!.arrayBuffer()))).to.equal(
        await webCryptoHex(bytes),
      );
    });

    for (const chunkSize of [FILE_CHUNK_BYTES, 100_000]) {
      it(`resumes a block-digest download mid-block (${chunkSize}-byte chunks) and reports its block digest`, async () => {
        const bytes = randomBytes(3 * MiB + 123);
        const row = incoming(11, bytes.length, {
          info: { ...incoming(11, 0).info, size: bytes.length, chunkSize, hashScheme: HASH_SCHEME_BLOCKS },
        });
        await store.files.put(row);
        const count = chunkCount(row.info);
        // Stop in the second block, off its grid: 1.25 MiB with 64 KiB chunks, 1.33 MiB with 100 KB ones.
        const stop = Math.ceil((1.25 * MiB) / chunkSize);
        const first = recorded();
        const sink = await work.openDownload({ ...row, have: 0, hashState: null }, first.events);
        for (let index = 0; index < stop; index++) sink.chunk(receivedChunk(row.id, bytes, index, chunkSize));
        await waitFor(() => first.haves.at(-1) === stop);
        sink.close();

        // As after a reload: the stored row's state covers the first block; the rest is read back.
        const halfway = (await store.files.get(row.id))!;
        expect(halfway.have).to.equal(stop);
        const second = recorded();
        const resumed = await work.openDownload(halfway, second.events);
        for (let index = stop; index < count; index++)
          resumed.chunk(receivedChunk(row.id, bytes, index, chunkSize));
        expect(await second.ended).to.equal(await webCryptoBlocksHex(bytes));
        expect(second.haves.at(-1)).to.equal(count);
      });
    }

    it('reports the block digest of what arrived, so a damaged chunk does not match the offer', async () => {
      const bytes = randomBytes(2 * MiB + 5);
      const row = incoming(12, bytes.length, {
        info: { ...incoming(12, 0).info, size: bytes.length, hashScheme: HASH_SCHEME_BLOCKS },
      });
      await store.files.put(row);
      const download = recorded();
      const sink = await work.openDownload({ ...row, have: 0, hashState: null }, download.events);
      const damaged = bytes.slice();
      damaged[MiB + 1000]! ^= 1;
      for (let index = 0; index < chunkCount(row.info); index++)
        sink.chunk(receivedChunk(row.id, damaged, index));
      const digest = await download.ended;
      expect(digest).to.equal(await webCryptoBlocksHex(damaged));
      expect(digest).to.not.equal(await webCryptoBlocksHex(bytes));
    });

    it('refuses to resume from a hash state that does not load', async () => {
      const row = incoming(2, 3 * FILE_CHUNK_BYTES);
      for (const info of [row.info, { ...row.info, hashScheme: HASH_SCHEME_BLOCKS }]) {
        const error = await work
          .openDownload({ ...row, info, have: 1, hashState: new Uint8Array([1, 2, 3]) }, recorded().events)
          .then(
            () => null,
            (reason: unknown) => reason,
          );
        expect(error, String(info.hashScheme)).to.be.instanceOf(Error);
      }
    });

    it('reports a write the store refuses as failed, with the error name kept', async () => {
      const row = incoming(3, 2 * FILE_CHUNK_BYTES, { status: 'cancelled' });
      await store.files.put(row);
      const download = recorded();
      const sink = await work.openDownload({ ...row, have: 0, hashState: null }, download.events);
      sink.chunk(receivedChunk(row.id, randomBytes(2 * FILE_CHUNK_BYTES), 0));
      const error = await download.ended.then(
        () => null,
        (reason: unknown) => reason,
      );
      expect((error as Error).name).to.equal('FileStoreError');
    });
  });
}

describe('the file worker', () => {
  let store: AccountStore;
  beforeEach(async () => {
    store = await openAccountStore(user);
  });
  afterEach(async () => {
    store.close();
    await deleteAccountStore(user);
  });

  it('runs in a Worker, and a chunk moves there without a copy', async () => {
    const work = startFileWork(user, store.files);
    try {
      expect(work).to.be.instanceOf(WorkerFileWork);
      const row = incoming(4, FILE_CHUNK_BYTES);
      await store.files.put(row);
      const download = recorded();
      const sink = await work.openDownload({ ...row, have: 0, hashState: null }, download.events);
      const chunk = receivedChunk(row.id, randomBytes(FILE_CHUNK_BYTES), 0);
      sink.chunk(chunk);
      await download.ended;
      // Transferred: the page's view of the frame is detached, so the bytes were moved, not cloned.
      expect(chunk.buffer.byteLength).to.equal(0);
    } finally {
      work.close();
    }
  });

  it('posts the chunks accepted in one task to the worker as one message', async () => {
    const worker = new Worker(FILE_WORKER_URL, { type: 'module', name: 'parley-files' });
    const posted: string[] = [];
    const post = worker.postMessage.bind(worker) as (message: unknown, transfer: Transferable[]) => void;
    worker.postMessage = (
      message: FileWorkRequest,
      transfer?: Transferable[] | StructuredSerializeOptions,
    ) => {
      posted.push(message.type === 'chunks' ? `chunks ×${message.data.length}` : message.type);
      post(message, Array.isArray(transfer) ? transfer : []);
    };
    const work = new WorkerFileWork(worker, user);
    try {
      const bytes = randomBytes(3 * FILE_CHUNK_BYTES);
      const row = incoming(5, bytes.length);
      await store.files.put(row);
      const download = recorded();
      const sink = await work.openDownload({ ...row, have: 0, hashState: null }, download.events);
      for (let index = 0; index < 3; index++) sink.chunk(receivedChunk(row.id, bytes, index));
      expect(await download.ended).to.equal(await webCryptoHex(bytes));
      expect(posted.filter((type) => type.startsWith('chunks'))).to.deep.equal(['chunks ×3']);
    } finally {
      work.close();
    }
  });

  it('refuses a chunks message that does not carry a download key and bytes, and goes on working', async () => {
    const worker = new Worker(FILE_WORKER_URL, { type: 'module' });
    try {
      const replies: FileWorkReply[] = [];
      const hashed = new Promise<void>((resolve) =>
        worker.addEventListener('message', (event: MessageEvent<FileWorkReply>) => {
          replies.push(event.data);
          if (event.data.type === 'done') resolve();
        }),
      );
      worker.postMessage({ type: 'open-store', user });
      worker.postMessage({ type: 'chunks', key: 1, data: ['not bytes'] });
      worker.postMessage({ type: 'chunks', key: 'one', data: [] });
      worker.postMessage({ type: 'chunks', key: 1, data: new Uint8Array(4) });
      // Handled after the three above: once it is answered, any refusal has been posted.
      worker.postMessage({ type: 'hash', call: 1, blob: new Blob(['x']) });
      await hashed;
      expect(replies.map((reply) => reply.type)).to.deep.equal(['refused', 'refused', 'refused', 'done']);
    } finally {
      worker.terminate();
    }
  });

  it('fails every call in words when its worker cannot start, instead of waiting forever', async () => {
    const work = new WorkerFileWork(new Worker('/no-such-file-worker.js', { type: 'module' }), user);
    try {
      const error = await work.hash(new Blob(['x']), undefined).then(
        () => null,
        (reason: unknown) => reason,
      );
      expect((error as Error).message).to.match(/file worker failed/);
    } finally {
      work.close();
    }
  });
});

describe('hashing an own file along its upload', () => {
  /** A Blob that counts the slices read of it (in the page, where no clone loses the count). */
  class CountedBlob extends Blob {
    slices = 0;
    override slice(...args: Parameters<Blob['slice']>): Blob {
      this.slices++;
      return super.slice(...args);
    }
  }

  it('reads the file once: the hash takes the slices the upload reads', async () => {
    // It never has to read on its own here, however slow the machine: the reads cover the file.
    const work = new InProcessFileWork(Promise.reject(new Error('no store needed')), {
      hashAlongIdleMs: 60_000,
    });
    const bytes = randomBytes(40 * FILE_CHUNK_BYTES + 5);
    const info: FileInfo = { name: 'a.bin', size: bytes.length, type: '', chunkSize: FILE_CHUNK_BYTES };
    const blob = new CountedBlob([bytes]);
    const digest = work.hashAlong(blob, fileId(7), undefined);
    const count = chunkCount(info);
    let reads = 0;
    for (let start = 0; start < count; start += 16, reads++)
      await work.readFrames(blob, fileId(7), info, start, Math.min(start + 16, count));
    expect(await digest).to.equal(await webCryptoHex(bytes));
    expect(blob.slices).to.equal(reads);
  });
});

describe('gathering a download into writes', () => {
  const store = storeEachTest(user);

  it('writes a batch once it holds enough, and the file’s end at once', async () => {
    // The wait is out of reach here: only the batch's size and the file's end may start a write.
    const work = new InProcessFileWork(store().files, {
      writeBytes: 16 * FILE_CHUNK_BYTES,
      writeWaitMs: 60_000,
    });
    const bytes = randomBytes(20 * FILE_CHUNK_BYTES);
    const row = incoming(21, bytes.length);
    await store().files.put(row);
    const { events, haves, ended } = recorded();
    const sink = await work.openDownload({ ...row, have: 0, hashState: null }, events);
    for (let index = 0; index < 15; index++) sink.chunk(receivedChunk(row.id, bytes, index));
    // A write starts within microtasks of the chunk that calls for it; a task later, none has.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(haves, 'fifteen chunks are not a batch').to.deep.equal([]);
    sink.chunk(receivedChunk(row.id, bytes, 15));
    await waitFor(() => haves.length > 0);
    for (let index = 16; index < 20; index++) sink.chunk(receivedChunk(row.id, bytes, index));
    expect(await ended).to.equal(await webCryptoHex(bytes));
    expect(haves).to.deep.equal([16, 20]);
  });

  it('writes what it holds once the wait is up, however little', async () => {
    const work = new InProcessFileWork(store().files, { writeBytes: 16 * FILE_CHUNK_BYTES, writeWaitMs: 20 });
    const bytes = randomBytes(20 * FILE_CHUNK_BYTES);
    const row = incoming(22, bytes.length);
    await store().files.put(row);
    const { events, haves } = recorded();
    const sink = await work.openDownload({ ...row, have: 0, hashState: null }, events);
    sink.chunk(receivedChunk(row.id, bytes, 0));
    sink.chunk(receivedChunk(row.id, bytes, 1));
    await waitFor(() => haves.length > 0);
    expect(haves).to.deep.equal([2]);
    expect((await store().files.get(row.id))!.have).to.equal(2);
    sink.close();
  });
});

describe('checkChunks', () => {
  const bytes = new Uint8Array(8);
  const cases: [string, { key?: unknown; data?: unknown }, RegExp | null][] = [
    ['a key and a list of bytes', { key: 3, data: [bytes, new Uint8Array(2)] }, null],
    ['an empty list', { key: 3, data: [] }, null],
    ['no key', { data: [bytes] }, /key/],
    ['a key of 0', { key: 0, data: [bytes] }, /key/],
    ['a fractional key', { key: 1.5, data: [bytes] }, /key/],
    ['a key as text', { key: '3', data: [bytes] }, /key/],
    ['bytes that are not in a list', { key: 3, data: bytes }, /list/],
    ['an item that is text', { key: 3, data: [bytes, 'abc'] }, /bytes/],
    ['an item that is an ArrayBuffer', { key: 3, data: [new ArrayBuffer(4)] }, /bytes/],
    ['an item that is a DataView', { key: 3, data: [new DataView(new ArrayBuffer(4))] }, /bytes/],
  ];
  for (const [what, request, problem] of cases) {
    it(`${problem === null ? 'takes' : 'refuses'} ${what}`, () => {
      const found = checkChunks(request);
      if (problem === null) expect(found).to.equal(null);
      else expect(found).to.match(problem);
    });
  }
});

/** Resolves once `ready()` holds, checking at each animation frame; the test's timeout bounds it. */
async function waitFor(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => requestAnimationFrame(resolve));
}
