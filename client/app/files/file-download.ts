/**
 * One incoming file being stored. Chunks from the current holder are checked against the offer
 * (the next index, the exact length), hashed in order, and written in batches: whatever arrived while
 * the previous batch was being written goes in the next transaction, with the hasher's state after
 * it. So what is stored, the hash state and the `file-ack` always agree, and a reload resumes from
 * the stored count without reading a byte back.
 */
import { chunkCount, chunkLength } from '../../../shared/file-protocol.js';
import type { FileInfo } from '../../../shared/file-protocol.js';
import type { FileStore } from '../../storage/file-store.js';
import { Sha256 } from './file-hash.js';

export interface DownloadEvents {
  /** Chunks up to `have` are stored: acknowledge them to the holder. */
  stored(have: number): void;
  /** Every chunk is stored: `digest` is the SHA-256 of what arrived. */
  complete(digest: string): void;
  failed(error: unknown): void;
}

/** Why a chunk was refused. */
export type ChunkProblem = 'not-the-holder' | 'unexpected-index' | 'wrong-length';

export class FileDownload {
  readonly count: number;
  /** Who is sending it now, or null while no one is. */
  holder: string | null = null;
  /** Peers that said they cannot send it; cleared when they say they can again or reconnect. */
  readonly tried = new Set<string>();
  /** Chunks stored. */
  #have: number;
  readonly #pending: Uint8Array[] = [];
  /** Chunks in the batch being written now. */
  #inWrite = 0;
  #writing = false;
  #closed = false;
  readonly #hasher: Sha256;
  readonly #files: FileStore;
  readonly #events: DownloadEvents;

  private constructor(
    readonly id: string,
    readonly info: FileInfo,
    have: number,
    hasher: Sha256,
    files: FileStore,
    events: DownloadEvents,
  ) {
    this.#hasher = hasher;
    this.#files = files;
    this.#events = events;
    this.count = chunkCount(info);
    this.#have = have;
  }

  /** Resumes from what is stored: `have` chunks and the hasher state after them. */
  static async resume(
    row: { id: string; info: FileInfo; have: number; hashState: Uint8Array | null },
    files: FileStore,
    events: DownloadEvents,
  ): Promise<FileDownload> {
    const have = row.hashState ? row.have : 0;
    const hasher = await Sha256.create(have > 0 ? row.hashState : null);
    return new FileDownload(row.id, row.info, have, hasher, files, events);
  }

  get have(): number {
    return this.#have;
  }

  /** Where a request to a new holder starts: after everything received, stored or not. */
  get nextIndex(): number {
    return this.#have + this.#inWrite + this.#pending.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Takes one chunk; refuses (storing nothing) a chunk that does not fit the offer. */
  accept(peer: string, index: number, data: Uint8Array): ChunkProblem | null {
    if (this.#closed || peer !== this.holder) return 'not-the-holder';
    if (index !== this.nextIndex) return 'unexpected-index';
    if (data.byteLength !== chunkLength(this.info, index)) return 'wrong-length';
    // The frame's bytes belong to the channel's buffer: keep a copy of exactly this chunk.
    const chunk = data.slice();
    this.#hasher.update(chunk);
    this.#pending.push(chunk);
    if (!this.#writing) void this.#write();
    return null;
  }

  /** An empty file is complete at once. */
  finishIfEmpty(): void {
    if (this.count === 0 && !this.#closed) this.#finish();
  }

  /** Stops: nothing more is written (a write in progress completes, and is kept for a resume). */
  close(): void {
    this.#closed = true;
    this.#pending.length = 0;
  }

  async #write(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#pending.length > 0 && !this.#closed) {
        const batch = this.#pending.splice(0);
        // The state covers exactly this batch: nothing newer has been hashed, as the batch is everything.
        const state = this.#hasher.save();
        this.#inWrite = batch.length;
        try {
          this.#have = await this.#files.appendChunks(this.id, this.#have, batch, state);
        } finally {
          this.#inWrite = 0;
        }
        if (this.#closed) return;
        this.#events.stored(this.#have);
        if (this.#have >= this.count) this.#finish();
      }
    } catch (error) {
      this.#closed = true;
      this.#events.failed(error);
    } finally {
      this.#writing = false;
    }
  }

  #finish(): void {
    this.#closed = true;
    this.#events.complete(this.#hasher.digestHex());
  }
}
