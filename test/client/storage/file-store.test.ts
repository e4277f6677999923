import { expect } from '@open-wc/testing';
import { createSHA256 } from 'hash-wasm';
import { accountDbName } from '../../../client/storage/account-db.js';
import { deleteAccountStore, openAccountStore } from '../../../client/storage/account-store.js';
import type { AccountStore } from '../../../client/storage/account-store.js';
import {
  FileStore,
  FileStoreError,
  FileStoreErrorCode,
  KEEP_OUTGOING_BYTES,
} from '../../../client/storage/file-store.js';
import type { StoredFile } from '../../../client/storage/file-store.js';
import { ErrorCode } from '../../../shared/errors.js';
import type { ProtocolError } from '../../../shared/errors.js';
import { FILE_CHUNK_BYTES } from '../../../shared/file-protocol.js';
import { fileId, incoming, outgoing, user } from './file-rows.js';

/** `bytes` random bytes (getRandomValues fills at most 64 KiB per call). */
function randomBytes(bytes: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(bytes);
  for (let at = 0; at < bytes; at += 65536) crypto.getRandomValues(data.subarray(at, at + 65536));
  return data;
}

/** Cuts `data` into chunks of the protocol's size: views, not copies. */
function chunksOf(data: Uint8Array, chunkSize = FILE_CHUNK_BYTES): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.byteLength; at += chunkSize) chunks.push(data.subarray(at, at + chunkSize));
  return chunks;
}

async function sha256Hex(data: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The rejection of `promise`, failing the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

describe('FileStore', () => {
  const opened: AccountStore[] = [];
  const raw: IDBDatabase[] = [];
  const badRows: ProtocolError[] = [];

  async function open(): Promise<FileStore> {
    const store = await openAccountStore(user, { onBadRow: (error) => badRows.push(error) });
    opened.push(store);
    return store.files;
  }

  /** A second, raw connection to the same database, past any validation: as devtools or damage would write. */
  async function openRaw(): Promise<IDBDatabase> {
    const db = await request(indexedDB.open(accountDbName(user)));
    raw.push(db);
    return db;
  }

  async function rawPut(store: string, value: unknown, key?: IDBValidKey): Promise<void> {
    const db = await openRaw();
    const tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value, key);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error);
    });
  }

  async function rawGet(store: string, key: IDBValidKey): Promise<unknown> {
    const db = await openRaw();
    return request(db.transaction(store).objectStore(store).get(key));
  }

  async function rawDelete(store: string, key: IDBValidKey): Promise<void> {
    const db = await openRaw();
    await request(db.transaction(store, 'readwrite').objectStore(store).delete(key));
  }

  /** How many chunks of file `id` are stored (each stored Blob holds one append's whole chunks). */
  async function storedChunks(id: string): Promise<number> {
    const db = await openRaw();
    const parts = await request<unknown[]>(
      db
        .transaction('file-chunks')
        .objectStore('file-chunks')
        .getAll(IDBKeyRange.bound([id], [id, []])),
    );
    return parts.reduce<number>(
      (sum, part) => sum + Math.ceil((part instanceof Blob ? part.size : 0) / FILE_CHUNK_BYTES),
      0,
    );
  }

  afterEach(async () => {
    for (const store of opened.splice(0)) store.close();
    for (const db of raw.splice(0)) db.close();
    await deleteAccountStore(user);
    expect(badRows.splice(0), 'no stored row should have been damaged').to.deep.equal([]);
  });

  describe('rows', () => {
    it('gives back what it was given, incoming and outgoing, with hash state and kept Blob', async () => {
      const files = await open();
      const state = new Uint8Array([1, 2, 3, 250]);
      const blob = new Blob(['hello, bob'], { type: 'text/plain' });
      const inFile = incoming(1, 200_000, { have: 2, hashState: state });
      const outFile = outgoing(2, blob, { completedBy: ['bob'], status: 'complete' });
      await files.put(inFile);
      await files.put(outFile);

      expect(await files.get(fileId(1))).to.deep.equal(inFile);
      const back = await files.get(fileId(2));
      expect(back?.blob).to.be.instanceOf(Blob);
      expect(await back?.blob?.text()).to.equal('hello, bob');
      expect(back?.blob?.type).to.equal('text/plain');
      expect({ ...back, blob: null }).to.deep.equal({ ...outFile, blob: null });
    });

    it('answers null for an unknown id, and getMany leaves it out', async () => {
      const files = await open();
      await files.put(incoming(1, 10));
      expect(await files.get(fileId(9))).to.equal(null);
      const many = await files.getMany([fileId(1), fileId(9), fileId(1)]);
      expect([...many.keys()]).to.deep.equal([fileId(1)]);
      expect(many.get(fileId(1))).to.deep.equal(incoming(1, 10));
    });

    it('replaces a row on a second put', async () => {
      const files = await open();
      await files.put(incoming(1, 10));
      await files.put(incoming(1, 10, { status: 'cancelled', cancelledBy: 'bob' }));
      expect((await files.get(fileId(1)))?.status).to.equal('cancelled');
    });

    it('refuses to put a row that breaks the schema', async () => {
      const files = await open();
      expect(await rejection(files.put(incoming(1, 10, { have: 2 })))).to.be.instanceOf(TypeError);
      expect(await rejection(files.put({ ...incoming(1, 10), id: 'not hex' }))).to.be.instanceOf(TypeError);
      expect(
        await rejection(files.put({ ...incoming(1, 10), hashState: [1, 2] as unknown as Uint8Array })),
      ).to.be.instanceOf(TypeError);
      expect(await files.get(fileId(1))).to.equal(null);
    });

    it('lists the pending files of both roles as unfinished', async () => {
      const files = await open();
      await files.put(incoming(1, 10));
      await files.put(incoming(2, 10, { status: 'complete', have: 1 }));
      await files.put(outgoing(3, null));
      await files.put(outgoing(4, null, { status: 'cancelled', cancelledBy: 'alice' }));
      expect((await files.unfinished()).map((file) => file.id).sort()).to.deep.equal([fileId(1), fileId(3)]);
    });

    it('updates some fields and the time, and refuses an update that breaks the schema', async () => {
      const files = await open();
      await files.put(outgoing(1, null));
      const before = Date.now();
      const updated = await files.update(fileId(1), { completedBy: ['bob'], status: 'complete' });
      expect(updated).to.deep.equal({
        ...outgoing(1, null),
        completedBy: ['bob'],
        status: 'complete',
        updatedAt: updated?.updatedAt,
      });
      expect(updated?.updatedAt).to.be.at.least(before);
      expect(await files.get(fileId(1))).to.deep.equal(updated);

      expect(await files.update(fileId(9), { status: 'complete' })).to.equal(null);
      const { info } = outgoing(1, null);
      expect(await rejection(files.update(fileId(1), { info: { ...info, size: 1 } }))).to.be.instanceOf(
        TypeError,
      );
      expect(
        await rejection(files.update(fileId(1), { info: { ...info, chunkSize: 2048 } })),
      ).to.be.instanceOf(TypeError);
      expect(await rejection(files.update(fileId(1), { have: 10_000 }))).to.be.instanceOf(TypeError);
      expect(await files.get(fileId(1))).to.deep.equal(updated);
    });

    it('takes a hash that arrives after the offer', async () => {
      const files = await open();
      const { hash: _hash, ...unhashed } = incoming(1, 10).info;
      await files.put(incoming(1, 10, { info: unhashed }));
      expect((await files.get(fileId(1)))?.info.hash).to.equal(undefined);
      await files.update(fileId(1), { info: { ...unhashed, hash: 'f'.repeat(64) } });
      expect((await files.get(fileId(1)))?.info.hash).to.equal('f'.repeat(64));
    });

    it('tells how much storage is free', async () => {
      const free = await FileStore.freeBytes();
      expect(free).to.be.a('number');
      expect(free).to.be.greaterThan(KEEP_OUTGOING_BYTES);
    });
  });

  describe('damaged rows', () => {
    const damaged = [
      { ...incoming(1, 10), status: 'finished' },
      { ...incoming(2, 10), hashState: [1, 2, 3] },
      { ...incoming(3, 10), info: { name: 'x', size: -1 } },
    ];

    it('skips damaged rows, reports each once, and keeps them', async () => {
      const files = await open();
      await files.put(incoming(4, 10));
      for (const row of damaged) await rawPut('files', row);

      for (let n = 1; n <= 3; n++) expect(await files.get(fileId(n))).to.equal(null);
      const many = await files.getMany([1, 2, 3, 4].map(fileId));
      expect([...many.keys()]).to.deep.equal([fileId(4)]);
      expect((await files.unfinished()).map((file) => file.id)).to.deep.equal([fileId(4)]);

      const reported = badRows.splice(0);
      expect(reported.map((error) => error.code)).to.deep.equal([
        ErrorCode.BadRow,
        ErrorCode.BadRow,
        ErrorCode.BadRow,
      ]);
      expect(reported[0]?.detail).to.contain(fileId(1)).and.contain('status');
      expect(reported[1]?.detail).to.contain(fileId(2)).and.contain('hashState');
      expect(reported[2]?.detail).to.contain(fileId(3)).and.contain('info');
      for (const row of damaged) expect(await rawGet('files', row.id)).to.deep.equal(row);
    });

    it('gives no content for a complete file with a missing or wrongly sized chunk, and reports it', async () => {
      const files = await open();
      const size = 3 * FILE_CHUNK_BYTES;
      await files.put(incoming(1, size));
      // Three appends of one chunk each: three stored parts, so one can go missing in the middle.
      for (const [index, chunk] of chunksOf(randomBytes(size)).entries()) {
        await files.appendChunks(fileId(1), index, [chunk], new Uint8Array(1));
      }
      await files.update(fileId(1), { status: 'complete' });
      await rawDelete('file-chunks', [fileId(1), 1]);
      expect(await files.blobOf(fileId(1))).to.equal(null);
      await rawPut('file-chunks', new Blob(['short']), [fileId(1), 1]);
      expect(await files.blobOf(fileId(1))).to.equal(null);
      const reported = badRows.splice(0);
      expect(reported).to.have.length(1);
      expect(reported[0]?.detail).to.contain('file-chunks').and.contain(fileId(1));
      // The damage is reported, never repaired by deleting: the two good parts and the short one stay.
      expect(await storedChunks(fileId(1))).to.equal(3);
    });
  });

  describe('appendChunks', () => {
    const size = 5 * FILE_CHUNK_BYTES + 100;
    const data = randomBytes(size);
    const chunks = chunksOf(data);

    /** A file with 2 of its 6 chunks stored. */
    async function halfway(fields: Partial<StoredFile> = {}) {
      const files = await open();
      await files.put(incoming(1, size));
      expect(await files.appendChunks(fileId(1), 0, chunks.slice(0, 2), new Uint8Array([2]))).to.equal(2);
      if (Object.keys(fields).length > 0) await files.update(fileId(1), fields);
      return { files, before: await files.get(fileId(1)) };
    }

    async function expectRefusal(call: Promise<unknown>, code: FileStoreErrorCode) {
      const error = await rejection(call);
      expect(error).to.be.instanceOf(FileStoreError);
      expect((error as FileStoreError).code).to.equal(code);
      return error as FileStoreError;
    }

    it('stores chunks in order and moves have and the hash state on', async () => {
      const { files, before } = await halfway();
      expect(before?.have).to.equal(2);
      expect(before?.hashState).to.deep.equal(new Uint8Array([2]));
      expect(await files.appendChunks(fileId(1), 2, chunks.slice(2), new Uint8Array([6]))).to.equal(6);
      const after = await files.get(fileId(1));
      expect(after?.have).to.equal(6);
      expect(after?.hashState).to.deep.equal(new Uint8Array([6]));
      expect(await storedChunks(fileId(1))).to.equal(6);
    });

    it('refuses a batch that does not start at have: a gap or an overlap', async () => {
      const { files, before } = await halfway();
      const gap = await expectRefusal(
        files.appendChunks(fileId(1), 3, chunks.slice(3, 4), new Uint8Array(1)),
        FileStoreErrorCode.WrongStart,
      );
      expect(gap.have).to.equal(2);
      await expectRefusal(
        files.appendChunks(fileId(1), 1, chunks.slice(1, 3), new Uint8Array(1)),
        FileStoreErrorCode.WrongStart,
      );
      expect(await files.get(fileId(1))).to.deep.equal(before);
      expect(await storedChunks(fileId(1))).to.equal(2);
    });

    it('refuses a batch that runs past the last chunk', async () => {
      const { files, before } = await halfway();
      const tooMany = [...chunks.slice(2), chunks[0]!];
      await expectRefusal(
        files.appendChunks(fileId(1), 2, tooMany, new Uint8Array(1)),
        FileStoreErrorCode.TooManyChunks,
      );
      expect(await files.get(fileId(1))).to.deep.equal(before);
      expect(await storedChunks(fileId(1))).to.equal(2);
    });

    it('refuses a chunk of the wrong length, the short last chunk included', async () => {
      const { files, before } = await halfway();
      await expectRefusal(
        files.appendChunks(fileId(1), 2, [chunks[2]!, chunks[3]!.subarray(1)], new Uint8Array(1)),
        FileStoreErrorCode.BadChunkLength,
      );
      await expectRefusal(
        files.appendChunks(fileId(1), 2, [chunks[2]!, chunks[3]!, chunks[4]!, chunks[4]!], new Uint8Array(1)),
        FileStoreErrorCode.BadChunkLength,
      );
      expect(await files.get(fileId(1))).to.deep.equal(before);
      expect(await storedChunks(fileId(1))).to.equal(2);
    });

    it('refuses an unknown file', async () => {
      const { files } = await halfway();
      await expectRefusal(
        files.appendChunks(fileId(9), 0, chunks.slice(0, 1), new Uint8Array(1)),
        FileStoreErrorCode.UnknownFile,
      );
      expect(await storedChunks(fileId(9))).to.equal(0);
    });

    it('refuses a file that is no longer pending', async () => {
      const { files, before } = await halfway({ status: 'cancelled', cancelledBy: 'bob' });
      await expectRefusal(
        files.appendChunks(fileId(1), 2, chunks.slice(2, 3), new Uint8Array(1)),
        FileStoreErrorCode.NotPending,
      );
      expect(await files.get(fileId(1))).to.deep.equal(before);
      expect(await storedChunks(fileId(1))).to.equal(2);
    });

    it('refuses an outgoing file', async () => {
      const files = await open();
      await files.put(outgoing(2, null, { info: incoming(2, size).info }));
      await expectRefusal(
        files.appendChunks(fileId(2), 0, chunks.slice(0, 1), new Uint8Array(1)),
        FileStoreErrorCode.NotIncoming,
      );
      expect(await storedChunks(fileId(2))).to.equal(0);
    });

    it('resumes after a reload from have, with the saved hash state, to the right SHA-256', async () => {
      const size = 20 * FILE_CHUNK_BYTES + 777;
      const data = randomBytes(size);
      const expected = await sha256Hex(data);
      const all = chunksOf(data);
      const first = await open();
      await first.put({ ...incoming(1, size), info: { ...incoming(1, size).info, hash: expected } });
      const hasher = await createSHA256();
      hasher.init();
      for (const chunk of all.slice(0, 7)) hasher.update(chunk);
      await first.appendChunks(fileId(1), 0, all.slice(0, 7), hasher.save());
      opened.splice(0).forEach((store) => store.close());

      // A new page: nothing in memory but what the store kept.
      const files = await open();
      const [resumed] = await files.unfinished();
      expect(resumed?.have).to.equal(7);
      const next = await createSHA256();
      next.init();
      next.load(resumed!.hashState!);
      let have = resumed!.have;
      while (have < all.length) {
        const batch = all.slice(have, have + 4);
        for (const chunk of batch) next.update(chunk);
        have = await files.appendChunks(fileId(1), have, batch, next.save());
      }
      expect(next.digest('hex')).to.equal(expected);
      await files.update(fileId(1), { status: 'complete', hashState: null });
      expect(await sha256Hex(await (await files.blobOf(fileId(1)))!.arrayBuffer())).to.equal(expected);
    });
  });

  describe('blobOf', () => {
    it('assembles a complete incoming file identical to what was sent, uneven last chunk included', async () => {
      const files = await open();
      const size = 3 * 1024 * 1024 + 12_345;
      const data = randomBytes(size);
      const file = incoming(1, size, { info: { ...incoming(1, size).info, type: 'image/png' } });
      await files.put(file);
      const chunks = chunksOf(data);
      expect(chunks.at(-1)?.byteLength).to.equal(12_345);
      for (let have = 0; have < chunks.length; have += 16) {
        await files.appendChunks(fileId(1), have, chunks.slice(have, have + 16), new Uint8Array(1));
      }
      expect(await files.blobOf(fileId(1)), 'not offered before it is complete').to.equal(null);
      await files.update(fileId(1), { status: 'complete' });

      const blob = await files.blobOf(fileId(1));
      expect(blob?.size).to.equal(size);
      expect(blob?.type).to.equal('image/png');
      expect(await sha256Hex(await blob!.arrayBuffer())).to.equal(await sha256Hex(data));
    });

    it('gives an empty Blob for a complete empty file', async () => {
      const files = await open();
      await files.put(incoming(1, 0, { status: 'complete' }));
      expect((await files.blobOf(fileId(1)))?.size).to.equal(0);
    });

    it("gives an outgoing file's kept Blob, and null when it was not kept", async () => {
      const files = await open();
      const kept = new Blob([randomBytes(1000)]);
      await files.put(outgoing(1, kept));
      await files.put(outgoing(2, null));
      expect(await sha256Hex(await (await files.blobOf(fileId(1)))!.arrayBuffer())).to.equal(
        await sha256Hex(await kept.arrayBuffer()),
      );
      expect(await files.blobOf(fileId(2))).to.equal(null);
      expect(await files.blobOf(fileId(9))).to.equal(null);
    });
  });

  describe('deleteChunks and reset', () => {
    const size = 4 * FILE_CHUNK_BYTES;

    async function complete(n: number): Promise<FileStore> {
      const files = opened.length > 0 ? opened[0]!.files : await open();
      await files.put(incoming(n, size));
      await files.appendChunks(fileId(n), 0, chunksOf(randomBytes(size)), new Uint8Array([9]));
      await files.update(fileId(n), { status: 'complete' });
      return files;
    }

    it('deleteChunks frees the chunks of one file and keeps its row and status', async () => {
      const files = await complete(1);
      await complete(2);
      await files.deleteChunks(fileId(1));
      expect(await storedChunks(fileId(1))).to.equal(0);
      expect(await storedChunks(fileId(2))).to.equal(4);
      const row = await files.get(fileId(1));
      expect(row).to.include({ status: 'complete', have: 0, hashState: null });
      expect(await files.blobOf(fileId(1))).to.equal(null);
      expect((await files.blobOf(fileId(2)))?.size).to.equal(size);
    });

    it('reset starts a file over: no chunks, have 0, no hash state, pending', async () => {
      const files = await complete(1);
      await files.update(fileId(1), { status: 'cancelled', cancelledBy: 'bob' });
      await files.reset(fileId(1));
      expect(await storedChunks(fileId(1))).to.equal(0);
      expect(await files.get(fileId(1))).to.include({
        status: 'pending',
        have: 0,
        hashState: null,
        cancelledBy: null,
      });
      expect(
        await files.appendChunks(fileId(1), 0, chunksOf(randomBytes(FILE_CHUNK_BYTES)), new Uint8Array(1)),
      ).to.equal(1);
    });

    it('does nothing for an unknown file', async () => {
      const files = await open();
      await files.deleteChunks(fileId(9));
      await files.reset(fileId(9));
      expect(await files.get(fileId(9))).to.equal(null);
    });
  });

  describe('storedBytes', () => {
    const size = 7 * FILE_CHUNK_BYTES + 100;
    const data = randomBytes(size);

    /** A file whose chunks were stored 3 to an append; `have` chunks of it. */
    async function stored(have: number): Promise<FileStore> {
      const files = await open();
      await files.put(incoming(1, size));
      const chunks = chunksOf(data);
      for (let at = 0; at < have; at += 3)
        await files.appendChunks(fileId(1), at, chunks.slice(at, Math.min(at + 3, have)), new Uint8Array(1));
      return files;
    }

    it('reads back any stored range, across appends and chunks, the short last chunk included', async () => {
      const files = await stored(8);
      const ranges: [number, number][] = [
        [0, 1],
        [FILE_CHUNK_BYTES + 5, 4 * FILE_CHUNK_BYTES + 7],
        [3 * FILE_CHUNK_BYTES, 3 * FILE_CHUNK_BYTES + 1],
        [5 * FILE_CHUNK_BYTES - 1, size],
      ];
      for (const [from, to] of ranges) {
        const read = await files.storedBytes(fileId(1), from, to);
        expect([...read], `${from}–${to}`).to.deep.equal([...data.subarray(from, to)]);
      }
    });

    it('refuses bytes not yet stored, an unknown file and a missing chunk', async () => {
      const files = await stored(4);
      expect(await rejection(files.storedBytes(fileId(1), 0, 4 * FILE_CHUNK_BYTES + 1))).to.be.instanceOf(
        RangeError,
      );
      expect(await rejection(files.storedBytes(fileId(1), 10, 10))).to.be.instanceOf(RangeError);
      expect(await rejection(files.storedBytes(fileId(2), 0, 1))).to.be.instanceOf(FileStoreError);
      // Chunks 3 on were the second append: without it, what its bytes were is not known here.
      await rawDelete('file-chunks', [fileId(1), 3]);
      const missing = await rejection(
        files.storedBytes(fileId(1), 2 * FILE_CHUNK_BYTES, 4 * FILE_CHUNK_BYTES),
      );
      expect((missing as ProtocolError).code).to.equal(ErrorCode.BadRow);
      expect(await files.storedBytes(fileId(1), 0, 3 * FILE_CHUNK_BYTES)).to.have.length(
        3 * FILE_CHUNK_BYTES,
      );
    });
  });
});
