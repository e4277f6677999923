/**
 * The byte work of file transfers, which does not belong on the page's main thread (chat waits
 * behind it there): the digest of a Blob (in its offer's scheme, file-hash.ts); an upload's chunks
 * read from its Blob and framed; and for each download, its chunks hashed in order and written to
 * IndexedDB in batches, each batch with the hasher's state after it — so what is stored, the hash
 * state and the `file-ack` always agree, and a reload resumes from the stored count reading back at
 * most the part of a 1 MiB hash block the state does not cover (none for a whole-file SHA-256).
 *
 * `FileWork` is the port the app calls. `InProcessFileWork` does the work where it is called: the
 * file worker (file-worker.ts) runs one, and so does a page where no Worker can start. The page's
 * `WorkerFileWork` (client/app/files/worker-file-work.ts) forwards each call to the worker.
 */
import { chunkCount, chunkLength, encodeChunk } from '../../shared/file-protocol.js';
import type { FileInfo, HashScheme } from '../../shared/file-protocol.js';
import type { FileStore } from '../storage/file-store.js';
import { HASH_ALONG_IDLE_MS, HashAlong, hashBlob, resumeHasher } from './file-hash.js';
import type { FileHasher } from './file-hash.js';

/**
 * Where a download (re)starts: `have` chunks stored, and the hasher state saved with them (null at
 * 0); in the block scheme it covers their whole hash blocks only (`resumeHasher`).
 */
export interface DownloadStart {
  readonly id: string;
  readonly info: FileInfo;
  readonly have: number;
  readonly hashState: Uint8Array | null;
}

export interface DownloadEvents {
  /** Chunks up to `have` are stored: acknowledge them to the holder. */
  stored(have: number): void;
  /** Every chunk is stored: `digest` is what arrived, hashed in its offer's scheme. */
  complete(digest: string): void;
  failed(error: unknown): void;
}

/** One download's writer. After `close`, or after `complete` or `failed`, it reports nothing more. */
export interface DownloadSink {
  /**
   * The next chunk, already checked against the offer (holder, index, length). The sink takes
   * `data` over: its whole buffer may be moved to another thread, so the caller must not use it again.
   */
  chunk(data: Uint8Array<ArrayBuffer>): void;
  /** A file of no chunks is complete at once. */
  finishIfEmpty(): void;
  /** Nothing more is written (a write in progress completes, and is kept for a resume). */
  close(): void;
}

export interface FileWork {
  /** The digest of `blob` in `scheme` (undefined: the whole-file SHA-256) as 64 hex digits. */
  hash(blob: Blob, scheme: HashScheme | undefined): Promise<string>;
  /**
   * The digest in `scheme` of own file `id` (`blob`) as 64 hex digits, from the slices `readFrames`
   * reads of it anyway when they come in order, reading on its own only while none does: a file sent
   * from its start is read once, not once to hash and again to send. Asked twice for one id, one hash runs.
   */
  hashAlong(blob: Blob, id: string, scheme: HashScheme | undefined): Promise<string>;
  /** The chunk frames `start` … `end` − 1 of file `id` (described by `info`), each in a buffer of its own. */
  readFrames(blob: Blob, id: string, info: FileInfo, start: number, end: number): Promise<Uint8Array[]>;
  /** Starts writing a download; rejects when its stored hasher state does not load. */
  openDownload(start: DownloadStart, events: DownloadEvents): Promise<DownloadSink>;
  /** Ends the work for good (a worker is terminated). */
  close(): void;
}

export class InProcessFileWork implements FileWork {
  readonly #files: FileStore | Promise<FileStore>;
  /** Own files being hashed along their uploads' reads, by id. */
  readonly #along = new Map<string, { along: HashAlong; digest: Promise<string> }>();

  readonly #hashAlongIdleMs: number;
  readonly #batching: WriteBatching;

  /**
   * `files` may still be opening (in the worker); a write then waits for it, and fails if it failed.
   * `hashAlongIdleMs`: how long `hashAlong` waits for an upload's read before reading itself;
   * `writeBytes` and `writeWaitMs`: see `WriteBatching`.
   */
  constructor(
    files: FileStore | Promise<FileStore>,
    {
      hashAlongIdleMs = HASH_ALONG_IDLE_MS,
      writeBytes = DOWNLOAD_WRITE_BYTES,
      writeWaitMs = DOWNLOAD_WRITE_WAIT_MS,
    } = {},
  ) {
    this.#files = files;
    this.#hashAlongIdleMs = hashAlongIdleMs;
    this.#batching = { bytes: writeBytes, waitMs: writeWaitMs };
    // A store that failed to open is reported by the first write that needs it, not as unhandled.
    if (files instanceof Promise) files.catch(() => undefined);
  }

  hash(blob: Blob, scheme: HashScheme | undefined): Promise<string> {
    return hashBlob(blob, scheme);
  }

  hashAlong(blob: Blob, id: string, scheme: HashScheme | undefined): Promise<string> {
    const running = this.#along.get(id);
    if (running) return running.digest;
    const along = new HashAlong(blob, scheme, this.#hashAlongIdleMs);
    const digest = along.digest().finally(() => this.#along.delete(id));
    this.#along.set(id, { along, digest });
    return digest;
  }

  async readFrames(
    blob: Blob,
    id: string,
    info: FileInfo,
    start: number,
    end: number,
  ): Promise<Uint8Array[]> {
    const { chunkSize } = info;
    const buffer = await blob.slice(start * chunkSize, Math.min(end * chunkSize, info.size)).arrayBuffer();
    void this.#along.get(id)?.along.fed(start * chunkSize, new Uint8Array(buffer));
    const frames: Uint8Array[] = [];
    for (let index = start; index < end; index++) {
      const data = new Uint8Array(buffer, (index - start) * chunkSize, chunkLength(info, index));
      frames.push(encodeChunk(id, index, data));
    }
    return frames;
  }

  async openDownload(start: DownloadStart, events: DownloadEvents): Promise<DownloadSink> {
    const { id, info, have } = start;
    const hasher = await resumeHasher(
      info.hashScheme,
      Math.min(have * info.chunkSize, info.size),
      have > 0 ? start.hashState : null,
      async (from, to) => (await this.#files).storedBytes(id, from, to),
    );
    return new DownloadWriter(start, hasher, this.#files, events, this.#batching);
  }

  close(): void {}
}

/**
 * How a download's chunks are gathered into writes. Each write is one IndexedDB transaction and one
 * Blob, which the browser process copies in and keeps as a file of its own; writing whatever had
 * arrived (as before) made half the writes of a fast transfer a single 64 KiB chunk, ~15 writes per
 * MB. A write now waits for `bytes` (a quarter of the window a holder may send ahead of the ack,
 * so it keeps sending), or for `waitMs` after the first chunk it holds: a slow transfer is still
 * stored and acknowledged within a fifth of a second, and the last chunk is written at once.
 * 4 MiB writes cost 5–7 ms of CPU per MB less than 1 MiB ones (bench:files' stored floor, measured
 * both ways); `waitMs` is what 4 MiB takes to arrive at ~20 MB/s, else it would cut them short.
 */
export interface WriteBatching {
  readonly bytes: number;
  readonly waitMs: number;
}

/** See `WriteBatching`. */
export const DOWNLOAD_WRITE_BYTES = 4 * 1024 * 1024;
export const DOWNLOAD_WRITE_WAIT_MS = 200;

/** Hashes a download's chunks as they come and writes them in batches (`WriteBatching`). */
class DownloadWriter implements DownloadSink {
  readonly #id: string;
  readonly #count: number;
  #have: number;
  readonly #pending: Uint8Array<ArrayBuffer>[] = [];
  #pendingBytes = 0;
  #writing = false;
  #closed = false;
  /** The write that `waitMs` ends, while one is due. */
  #due: ReturnType<typeof setTimeout> | undefined;
  readonly #hasher: FileHasher;
  readonly #files: FileStore | Promise<FileStore>;
  readonly #events: DownloadEvents;
  readonly #batching: WriteBatching;

  constructor(
    start: DownloadStart,
    hasher: FileHasher,
    files: FileStore | Promise<FileStore>,
    events: DownloadEvents,
    batching: WriteBatching,
  ) {
    this.#id = start.id;
    this.#count = chunkCount(start.info);
    this.#have = start.have;
    this.#hasher = hasher;
    this.#files = files;
    this.#events = events;
    this.#batching = batching;
  }

  chunk(data: Uint8Array<ArrayBuffer>): void {
    if (this.#closed) return;
    this.#hasher.update(data);
    this.#pending.push(data);
    this.#pendingBytes += data.byteLength;
    if (!this.#writing) this.#writeWhenDue();
  }

  finishIfEmpty(): void {
    if (this.#count === 0 && !this.#closed) this.#finish();
  }

  close(): void {
    this.#closed = true;
    this.#pending.length = 0;
    clearTimeout(this.#due);
  }

  /** Writes what is pending now if it is a full batch or the file's end, else once `waitMs` is up. */
  #writeWhenDue(): void {
    if (this.#pending.length === 0) return;
    if (this.#pendingBytes >= this.#batching.bytes || this.#have + this.#pending.length >= this.#count) {
      clearTimeout(this.#due);
      this.#due = undefined;
      void this.#write();
      return;
    }
    this.#due ??= setTimeout(() => {
      this.#due = undefined;
      if (!this.#writing) void this.#write();
    }, this.#batching.waitMs);
  }

  /** Writes everything pending as one batch; what comes meanwhile is written when it is due. */
  async #write(): Promise<void> {
    this.#writing = true;
    try {
      const files = await this.#files;
      if (this.#closed) return;
      const batch = this.#pending.splice(0);
      this.#pendingBytes = 0;
      // The state covers at most this batch: nothing newer had been hashed when it was asked for
      // (the batch is everything), and a block state stops at the last whole block (a resume reads
      // the rest back: `resumeHasher`). Chunks that come while it is awaited wait for the next batch.
      const state = await this.#hasher.save();
      this.#have = await files.appendChunks(this.#id, this.#have, batch, state);
      if (this.#closed) return;
      this.#events.stored(this.#have);
      if (this.#have >= this.#count) this.#finish();
    } catch (error) {
      if (this.#closed) return;
      this.#closed = true;
      this.#events.failed(error);
    } finally {
      this.#writing = false;
    }
    if (!this.#closed) this.#writeWhenDue();
  }

  #finish(): void {
    this.#closed = true;
    Promise.resolve()
      .then(() => this.#hasher.digestHex())
      .then(
        (digest) => this.#events.complete(digest),
        (error: unknown) => this.#events.failed(error),
      );
  }
}
