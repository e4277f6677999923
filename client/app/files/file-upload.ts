/**
 * One file streaming to one peer: a bulk source for the peer's link scheduler. It has the file read
 * ahead in large slices (a Blob read costs per call: 64 KiB slices read at a third of the speed of
 * 1 MiB ones) and cut into chunk frames — by the file work, off the main thread where it can — and sends no further than the receiver's last `file-ack`
 * plus a window, so a receiver whose storage is slow is never flooded.
 */
import { FILE_WINDOW_CHUNKS, chunkCount } from '../../../shared/file-protocol.js';
import type { FileInfo } from '../../../shared/file-protocol.js';
import type { BulkSource } from '../../net/bulk-scheduler.js';
import type { StoredFile } from '../../storage/stored-file.js';

/** Bytes per Blob read (whole chunks, at least one). */
const READ_BYTES = 1024 * 1024;
/**
 * Bytes sent beyond the receiver's last ack, in whole chunks and never more than the protocol's
 * `FILE_WINDOW_CHUNKS`: what the receiver may have to hold while its storage catches up, whatever
 * the chunk size.
 */
const WINDOW_BYTES = 16 * 1024 * 1024;

export interface UploadEvents {
  /** The chunk frames `start` … `end` − 1 of the file (`FileWork.readFrames`). */
  read(start: number, end: number): Promise<Uint8Array[]>;
  /** The source has frames again: ask the scheduler to pull. */
  wake(): void;
  /** Reading the file failed (it changed or went away on disk). */
  readFailed(error: unknown): void;
}

export class FileUpload implements BulkSource {
  readonly count: number;
  /** Chunks the receiver has stored, from its acks. */
  #acked: number;
  /** The next chunk index to hand to the scheduler. */
  #next: number;
  /** The next chunk index to read from the Blob. */
  #readPos: number;
  readonly #frames: Uint8Array[] = [];
  /** Chunks per read, and how far beyond the last ack this upload sends. */
  readonly #readChunks: number;
  readonly #window: number;
  #reading = false;
  #closed = false;
  readonly #events: UploadEvents;

  constructor(
    readonly peer: string,
    readonly id: string,
    readonly info: FileInfo,
    from: number,
    events: UploadEvents,
  ) {
    this.#events = events;
    this.count = chunkCount(info);
    this.#readChunks = Math.max(1, Math.floor(READ_BYTES / info.chunkSize));
    this.#window = Math.min(FILE_WINDOW_CHUNKS, Math.max(1, Math.floor(WINDOW_BYTES / info.chunkSize)));
    this.#acked = from;
    this.#next = from;
    this.#readPos = from;
    this.#read();
  }

  get acked(): number {
    return this.#acked;
  }

  /** Every chunk has been stored by the receiver. */
  get finished(): boolean {
    return this.#acked >= this.count;
  }

  next(): Uint8Array | null {
    if (this.#closed || this.#next >= this.#acked + this.#window) return null;
    const frame = this.#frames.shift();
    if (!frame) {
      this.#read();
      return null;
    }
    this.#next++;
    if (this.#frames.length < this.#readChunks) this.#read();
    return frame;
  }

  /** The receiver has stored chunks 0 … `have` − 1. */
  ack(have: number): void {
    if (have <= this.#acked) return;
    this.#acked = Math.min(have, this.count);
    // A receiver that lost chunks it acked (it reset) asks again with a file-request; acks never go back.
    if (this.#next < this.#acked) {
      this.#frames.length = 0;
      this.#next = this.#readPos = this.#acked;
      this.#read();
    }
    this.#events.wake();
  }

  close(): void {
    this.#closed = true;
    this.#frames.length = 0;
  }

  #read(): void {
    if (this.#closed || this.#reading || this.#readPos >= this.count) return;
    if (this.#frames.length >= this.#readChunks * 2) return;
    this.#reading = true;
    const start = this.#readPos;
    const end = Math.min(start + this.#readChunks, this.count);
    this.#events.read(start, end).then(
      (frames) => {
        this.#reading = false;
        // Acks may have moved the read position while this read was in flight (a reset).
        if (this.#closed || this.#readPos !== start) return this.#read();
        this.#frames.push(...frames);
        this.#readPos = end;
        this.#events.wake();
        this.#read();
      },
      (error: unknown) => {
        this.#reading = false;
        if (!this.#closed) this.#events.readFailed(error);
      },
    );
  }
}

/** Bytes of an outgoing file its recipients have stored, summed: the whole file for each who has it. */
export function outgoingBytesStored(row: StoredFile, uploads: readonly FileUpload[]): number {
  const size = row.info.size;
  let done = row.completedBy.length * size;
  for (const upload of uploads) {
    if (!row.completedBy.includes(upload.peer)) done += Math.min(upload.acked * row.info.chunkSize, size);
  }
  return done;
}
