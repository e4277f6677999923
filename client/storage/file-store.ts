/**
 * Files of one account: a row per file (`files`) and, for incoming files, their chunks as Blobs
 * (`file-chunks`, keyed [id, index]). A receiver writes each batch of chunks as it arrives and never
 * holds a whole file in memory; after a drop or a reload the transfer resumes from the row's `have`.
 * An outgoing row ends when every recipient has the file (`recipientHasAll`); until then it is
 * `pending`, and `unfinished()` lists it for the sender to serve again after a reload.
 */
import { chunkCount, chunkLength } from '../../shared/file-protocol.js';
import { CodedError, ErrorCode, ProtocolError, StoreErrorCode } from '../../shared/errors.js';
import type { AccountTransaction } from './account-db.js';
import { StoredFile, withRecipients } from './stored-file.js';
import { StoredMessage } from './stored-message.js';
import type { StoreConnection } from './store-connection.js';

export type { FileRole, StoredFileStatus } from './stored-file.js';
export { StoredFile } from './stored-file.js';

/** The largest file a sender keeps (as a Blob in its row) so it shows in, and survives a reload of, its own history. */
export const KEEP_OUTGOING_BYTES = 64 * 1024 * 1024;

/** Why `appendChunks` refused a write: the storage codes of the one registry in shared/errors.ts. */
export const FileStoreErrorCode = StoreErrorCode;
export type FileStoreErrorCode = StoreErrorCode;

/** A write `appendChunks` refused. Nothing was stored when it throws one. */
export class FileStoreError extends CodedError<StoreErrorCode> {
  override readonly name = 'FileStoreError';
  constructor(
    code: StoreErrorCode,
    detail: string,
    /** The row's `have` when the row exists: where a resumed transfer must start. */
    readonly have: number | null = null,
  ) {
    super(code, detail);
  }
}

/**
 * The fields `update` may change; the rest of a row is fixed once put. `info` is here because its
 * `hash` may arrive after the offer (`file-hash`); its size and chunk size may not change.
 */
export type StoredFilePatch = Partial<
  Pick<
    StoredFile,
    'status' | 'completedBy' | 'declined' | 'cancelledBy' | 'blob' | 'have' | 'hashState' | 'info'
  >
>;

/** How many chunk handles `blobOf` reads per request: bounds one request's size for huge files. */
const CHUNK_PAGE = 4096;

/** The rows and chunks of files. Reached as `AccountStore.files`; it shares the account's connection. */
export class FileStore {
  readonly #connection: StoreConnection;

  /** Use `AccountStore.files`. */
  constructor(connection: StoreConnection) {
    this.#connection = connection;
  }

  /**
   * Free bytes in this origin's storage (quota − usage), for a check before a transfer starts; null
   * when the browser does not say. An estimate: the browser may pad usage or evict under pressure.
   */
  static async freeBytes(): Promise<number | null> {
    if (typeof navigator === 'undefined' || navigator.storage === undefined) return null;
    try {
      const { quota, usage } = await navigator.storage.estimate();
      if (quota === undefined || usage === undefined) return null;
      return Math.max(0, quota - usage);
    } catch {
      return null;
    }
  }

  /**
   * Creates or replaces the row of `file.id` (its chunks, if any, stay). Throws a `TypeError` for a
   * row that breaks the schema: the caller builds rows from validated input, so this is a bug.
   */
  async put(file: StoredFile): Promise<void> {
    const row = checked(file);
    await this.#connection.run(['files'], 'readwrite', async (tx) => {
      await tx.objectStore('files').put(row);
    });
  }

  /** The row of file `id`; null when unknown (or damaged, which is reported). */
  async get(id: string): Promise<StoredFile | null> {
    return this.#connection.run(['files'], 'readonly', async (tx) =>
      this.#parse(id, await tx.objectStore('files').get(id)),
    );
  }

  /** The rows of these ids that exist and are valid, read in one transaction. */
  async getMany(ids: readonly string[]): Promise<Map<string, StoredFile>> {
    const rows = await this.#connection.run(['files'], 'readonly', async (tx) => {
      const files = tx.objectStore('files');
      return Promise.all([...new Set(ids)].map(async (id) => this.#parse(id, await files.get(id))));
    });
    return new Map(rows.filter((row): row is StoredFile => row !== null).map((row) => [row.id, row]));
  }

  /** Every pending file, outgoing and incoming: what to resume after a reload. */
  async unfinished(): Promise<StoredFile[]> {
    return this.#connection.run(['files'], 'readonly', async (tx) => {
      const found: StoredFile[] = [];
      let cursor = await tx.objectStore('files').index('by-status').openCursor('pending');
      while (cursor) {
        const row = this.#parse(cursor.primaryKey, cursor.value);
        if (row) found.push(row);
        cursor = await cursor.continue();
      }
      return found;
    });
  }

  /**
   * Stores `chunks` as chunks `start`, `start` + 1, … of incoming file `id` and moves its `have` and
   * `hashState` on, all in one transaction: after a crash either the whole batch and its hash state
   * are stored, or none of it. Returns the new `have`.
   *
   * Throws a `FileStoreError`, storing nothing, when the row is missing, not incoming, not pending,
   * when `start` is not the row's `have`, when the batch runs past the last chunk, or when a chunk's
   * length is not the one its index must have. The bytes are copied: `chunks` may be views into
   * frames that are reused.
   */
  async appendChunks(
    id: string,
    start: number,
    chunks: readonly Uint8Array[],
    hashState: Uint8Array,
  ): Promise<number> {
    if (!Number.isSafeInteger(start) || start < 0) throw new TypeError('start must be a chunk index');
    if (!(hashState instanceof Uint8Array)) throw new TypeError('hashState must be a Uint8Array');
    return this.#connection.run(['files', 'file-chunks'], 'readwrite', async (tx) => {
      const files = tx.objectStore('files');
      const row = this.#parse(id, await files.get(id));
      if (row === null) throw new FileStoreError(FileStoreErrorCode.UnknownFile, `no file ${id}`);
      const { info, have } = row;
      if (row.role !== 'incoming') {
        throw new FileStoreError(FileStoreErrorCode.NotIncoming, `file ${id} is ${row.role}`, have);
      }
      if (row.status !== 'pending') {
        throw new FileStoreError(FileStoreErrorCode.NotPending, `file ${id} is ${row.status}`, have);
      }
      if (start !== have) {
        throw new FileStoreError(FileStoreErrorCode.WrongStart, `file ${id} has ${have}, not ${start}`, have);
      }
      const end = start + chunks.length;
      if (end > chunkCount(info)) {
        throw new FileStoreError(
          FileStoreErrorCode.TooManyChunks,
          `file ${id} has ${chunkCount(info)} chunks, not ${end}`,
          have,
        );
      }
      const wrong = chunks.findIndex((chunk, i) => chunk.byteLength !== chunkLength(info, start + i));
      if (wrong !== -1) {
        throw new FileStoreError(
          FileStoreErrorCode.BadChunkLength,
          `chunk ${start + wrong} of file ${id} has ${chunks[wrong]!.byteLength} bytes, not ${chunkLength(info, start + wrong)}`,
          have,
        );
      }
      if (chunks.length === 0) return have;
      const stored = tx.objectStore('file-chunks');
      await Promise.all([
        // One Blob value for the whole batch, under its first index: Chromium writes each Blob to a
        // file of its own, and reading it back gives a handle, not the bytes. A file per 64 KiB chunk
        // cost more than the data (bench:files: roughly half the throughput). The cast: a Blob never
        // takes SharedArrayBuffer views, and this page has none (it is not cross-origin isolated).
        stored.put(new Blob(chunks as Uint8Array<ArrayBuffer>[]), [id, start]),
        files.put({ ...row, have: end, hashState, updatedAt: Date.now() }),
      ]);
      return end;
    });
  }

  /**
   * Changes some fields of file `id` (and its `updatedAt`); returns the new row, or null when there is
   * no valid row. Throws a `TypeError` when the result would break the schema (say, `have` past the
   * chunk count) or when `info` changes the size or chunk size, which the stored chunks depend on.
   */
  async update(id: string, patch: StoredFilePatch): Promise<StoredFile | null> {
    return this.#connection.run(['files'], 'readwrite', async (tx) => {
      const files = tx.objectStore('files');
      const row = this.#parse(id, await files.get(id));
      if (row === null) return null;
      if (patch.info && (patch.info.size !== row.info.size || patch.info.chunkSize !== row.info.chunkSize)) {
        throw new TypeError(`the size and chunk size of file ${id} are fixed`);
      }
      const updated = checked({ ...row, ...patch, id: row.id, updatedAt: Date.now() });
      await files.put(updated);
      return updated;
    });
  }

  /**
   * Recipient `peer` has stored the whole of own file `id` (its last `file-ack`): adds `peer` to
   * `completedBy` (once) and, when every recipient has it or declined it, makes the row `complete`,
   * so `unfinished()` stops listing it. The recipients are the row's, else those of the message that
   * carries the file (then stored on the row). Returns the new row; null when there is no valid
   * outgoing row. A peer who was not a recipient (a member added later) is still recorded as having
   * it; it only never holds completion back.
   */
  async recipientHasAll(id: string, peer: string): Promise<StoredFile | null> {
    return this.#connection.run(['files', 'messages'], 'readwrite', async (tx) => {
      const files = tx.objectStore('files');
      const row = this.#parse(id, await files.get(id));
      if (row === null || row.role !== 'outgoing') return null;
      const completedBy = row.completedBy.includes(peer) ? row.completedBy : [...row.completedBy, peer];
      const recipients = row.recipients ?? (await this.#messageRecipients(tx.objectStore('messages'), row));
      const marked = { ...row, completedBy };
      const settled = recipients ? withRecipients(marked, recipients) : marked;
      const updated = checked({ ...settled, updatedAt: Date.now() });
      await files.put(updated);
      return updated;
    });
  }

  /** The recipients of the own message carrying file `row`; undefined when it is not (validly) stored. */
  async #messageRecipients(
    messages: { get(id: string): Promise<unknown> },
    row: StoredFile,
  ): Promise<string[] | undefined> {
    const message = this.#connection.parse(StoredMessage, 'messages', row.id, await messages.get(row.id));
    return message?.author === row.author ? message.recipients : undefined;
  }

  /**
   * Deletes the stored chunks of file `id` to free their space, keeping its row (and its status) for
   * the history. The row's `have` drops to 0 and its `hashState` to null, so that "chunks 0 to
   * `have` − 1 are stored" stays true.
   */
  async deleteChunks(id: string): Promise<void> {
    await this.#connection.run(['files', 'file-chunks'], 'readwrite', async (tx) => {
      await this.#clearChunks(tx, id, {});
    });
  }

  /**
   * Starts incoming file `id` over: deletes its chunks; `have` 0, no hash state, `pending`, not
   * cancelled by anyone. For a file that arrived corrupt, or a cancelled one asked for again.
   */
  async reset(id: string): Promise<void> {
    await this.#connection.run(['files', 'file-chunks'], 'readwrite', async (tx) => {
      await this.#clearChunks(tx, id, { status: 'pending', cancelledBy: null });
    });
  }

  /**
   * The file's content as one Blob: an outgoing file's kept Blob, or an incoming complete file's
   * chunks joined in order — a Blob of Blob handles, so its bytes are never read into JS memory here.
   * Null when there is no such content: unknown, not complete, chunks deleted, or damaged (a
   * missing or wrongly sized chunk of a complete file, which is reported).
   *
   * An incoming Blob's `type` is what the sender claimed: offer it for download, preview it only
   * when `isPreviewableImage` says so, and never navigate to its URL (a blob: URL has this origin).
   */
  async blobOf(id: string): Promise<Blob | null> {
    return this.#connection.run(['files', 'file-chunks'], 'readonly', async (tx) => {
      const row = this.#parse(id, await tx.objectStore('files').get(id));
      if (row === null) return null;
      if (row.role === 'outgoing') return row.blob;
      if (row.status !== 'complete') return null;
      const { info } = row;
      const count = chunkCount(info);
      // Complete but short: its chunks were deleted (`deleteChunks`) to free space.
      if (row.have !== count) return null;
      const parts: Blob[] = [];
      const chunks = tx.objectStore('file-chunks');
      const { chunkSize, size } = info;
      // Each stored Blob holds whole chunks from the index in its key on (one append's batch), the
      // last one possibly short: they must tile the file exactly, with no gap and no overlap.
      let index = 0;
      while (index < count) {
        const range = IDBKeyRange.bound([id, index], [id, count - 1]);
        const [keys, page] = await Promise.all([
          chunks.getAllKeys(range, CHUNK_PAGE),
          chunks.getAll(range, CHUNK_PAGE) as Promise<unknown[]>,
        ]);
        if (page.length === 0) return this.#missing(id, index);
        for (const [i, part] of page.entries()) {
          const offset = index * chunkSize;
          const fits =
            keys[i]?.[1] === index &&
            part instanceof Blob &&
            part.size > 0 &&
            (offset + part.size === size || (part.size % chunkSize === 0 && offset + part.size < size));
          if (!fits) return this.#missing(id, index);
          parts.push(part);
          index = offset + part.size === size ? count : index + part.size / chunkSize;
        }
      }
      return new Blob(parts, { type: info.type });
    });
  }

  /**
   * Bytes `from` to `to` − 1 of incoming file `id`, from its stored chunks (any status): a resumed
   * download's hasher reads back the part of a hash block its saved state does not cover (< 1 MiB).
   * Throws a `FileStoreError` when there is no valid row, a `RangeError` when those bytes are not
   * all below `have`, and a `ProtocolError` (`ERR_BAD_ROW`) when a chunk among them is missing or
   * of the wrong size.
   */
  async storedBytes(id: string, from: number, to: number): Promise<Uint8Array<ArrayBuffer>> {
    const { blob, offset } = await this.#connection.run(['files', 'file-chunks'], 'readonly', async (tx) => {
      const row = this.#parse(id, await tx.objectStore('files').get(id));
      if (row === null) throw new FileStoreError(FileStoreErrorCode.UnknownFile, `no file ${id}`);
      const { chunkSize, size } = row.info;
      if (!(from >= 0 && from < to && to <= Math.min(row.have * chunkSize, size)))
        throw new RangeError(`bytes ${from}–${to} of file ${id} are not stored`);
      const first = Math.floor(from / chunkSize);
      const last = Math.ceil(to / chunkSize) - 1;
      const chunks = tx.objectStore('file-chunks');
      // A stored Blob holds one append's chunks under its first index: the one holding `first`
      // has the greatest key at or below it.
      const holder = await chunks.openCursor(IDBKeyRange.bound([id, 0], [id, first]), 'prev');
      const start = holder ? (holder.key as [string, number])[1] : first;
      const range = IDBKeyRange.bound([id, start], [id, last]);
      const [keys, parts] = await Promise.all([
        chunks.getAllKeys(range),
        chunks.getAll(range) as Promise<unknown[]>,
      ]);
      let index = start;
      for (const [i, part] of parts.entries()) {
        const whole =
          part instanceof Blob && (part.size % chunkSize === 0 || index * chunkSize + part.size === size);
        if (keys[i]?.[1] !== index || !whole) break;
        index += Math.ceil(part.size / chunkSize);
      }
      if (index <= last) {
        throw new ProtocolError(
          ErrorCode.BadRow,
          `file-chunks ${JSON.stringify([id, index])}: missing or of the wrong size`,
        );
      }
      return { blob: new Blob(parts as Blob[]), offset: start * chunkSize };
    });
    return new Uint8Array(await blob.slice(from - offset, to - offset).arrayBuffer());
  }

  /** Reports chunks of `id` missing (or damaged) from `index` on; a file with a hole is not given out. */
  #missing(id: string, index: number): null {
    this.#connection.report(
      new ProtocolError(
        ErrorCode.BadRow,
        `file-chunks ${JSON.stringify([id, index])}: missing or of the wrong size`,
      ),
    );
    return null;
  }

  /** Deletes every chunk of `id` and sets have 0, no hash state and `fields` on its row, if it has a valid one. */
  async #clearChunks(
    tx: AccountTransaction<['files', 'file-chunks'], 'readwrite'>,
    id: string,
    fields: StoredFilePatch,
  ): Promise<void> {
    const files = tx.objectStore('files');
    const row = this.#parse(id, await files.get(id));
    // [id] sorts before every [id, index], and [id, []] after them: arrays sort above numbers.
    const deleted = tx.objectStore('file-chunks').delete(IDBKeyRange.bound([id], [id, []]));
    if (row === null) return deleted;
    await Promise.all([
      deleted,
      files.put({ ...row, ...fields, have: 0, hashState: null, updatedAt: Date.now() }),
    ]);
  }

  /** Validates a row read back; a damaged one is reported (once) and treated as absent. Never deleted. */
  #parse(key: IDBValidKey, raw: unknown): StoredFile | null {
    return this.#connection.parse(StoredFile, 'files', key, raw) ?? null;
  }
}

/** The row as the schema returns it (extra fields dropped), or a `TypeError` naming the first issue. */
function checked(file: StoredFile): StoredFile {
  const result = StoredFile.safeParse(file);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new TypeError(`invalid file row: ${issue?.path.join('.')}: ${issue?.message}`);
}
