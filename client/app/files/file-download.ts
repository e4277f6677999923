/**
 * One incoming file being received. Chunks from the current holder are checked here, on the page,
 * against the offer (the holder, the next index, the exact length); the accepted ones go straight on
 * to the file work (a `DownloadSink`, in the file worker where there is one), which hashes them in
 * order, writes them in batches with the hasher's state and reports what is stored. So the page's
 * main thread neither hashes nor writes a chunk, and a chunk's bytes are not copied on the way.
 */
import { CHUNK_HEADER_BYTES, chunkCount, chunkLength } from '../../../shared/file-protocol.js';
import type { FileInfo } from '../../../shared/file-protocol.js';
import type { DownloadEvents, DownloadSink, FileWork } from '../../workers/file-work.js';

export type { DownloadEvents } from '../../workers/file-work.js';

/** Why a chunk was refused. */
export type ChunkProblem = 'not-the-holder' | 'unexpected-index' | 'wrong-length';

export class FileDownload {
  readonly count: number;
  /** Who is sending it now, or null while no one is. */
  holder: string | null = null;
  /** Peers that said they cannot send it; cleared when they say they can again or reconnect. */
  readonly tried = new Set<string>();
  /** Chunks stored, as the file work last reported. */
  #have: number;
  /** Chunks accepted, stored or not: the index the next chunk must have. */
  #received: number;
  #closed = false;
  #sink: DownloadSink | null = null;

  private constructor(
    readonly id: string,
    readonly info: FileInfo,
    have: number,
  ) {
    this.count = chunkCount(info);
    this.#have = have;
    this.#received = have;
  }

  /**
   * Resumes from what is stored: `have` chunks and the hasher state after them. Rejects when that
   * state does not load (the caller then starts the file over).
   */
  static async resume(
    row: { id: string; info: FileInfo; have: number; hashState: Uint8Array | null },
    work: FileWork,
    events: DownloadEvents,
  ): Promise<FileDownload> {
    const have = row.hashState ? row.have : 0;
    const download = new FileDownload(row.id, row.info, have);
    download.#sink = await work.openDownload(
      { id: row.id, info: row.info, have, hashState: have > 0 ? row.hashState : null },
      {
        stored: (stored) => {
          if (download.#closed) return;
          download.#have = stored;
          events.stored(stored);
        },
        complete: (digest) => {
          if (download.#end()) events.complete(digest);
        },
        failed: (error) => {
          if (download.#end()) events.failed(error);
        },
      },
    );
    return download;
  }

  get have(): number {
    return this.#have;
  }

  /** Where a request to a new holder starts: after everything received, stored or not. */
  get nextIndex(): number {
    return this.#received;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Takes one chunk; refuses (storing nothing) a chunk that does not fit the offer. An accepted
   * chunk's buffer goes to the file work: the caller must not use `data` (or its frame) again.
   */
  accept(peer: string, index: number, data: Uint8Array): ChunkProblem | null {
    if (this.#closed || peer !== this.holder) return 'not-the-holder';
    if (index !== this.nextIndex) return 'unexpected-index';
    if (data.byteLength !== chunkLength(this.info, index)) return 'wrong-length';
    this.#received++;
    this.#sink!.chunk(ownBuffer(data));
    return null;
  }

  /** An empty file is complete at once. */
  finishIfEmpty(): void {
    if (!this.#closed) this.#sink!.finishIfEmpty();
  }

  /** Stops: nothing more is written (a write in progress completes, and is kept for a resume). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink?.close();
  }

  /** The file work is done with this download; false when it had been closed already. */
  #end(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    return true;
  }
}

/**
 * `data` in a buffer that holds nothing but it and its frame's header — a received frame's own
 * buffer, which may then move to the worker whole — or else in a copy of its own.
 */
function ownBuffer(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const { buffer } = data;
  if (buffer instanceof ArrayBuffer && buffer.byteLength <= data.byteLength + CHUNK_HEADER_BYTES)
    return data as Uint8Array<ArrayBuffer>;
  return data.slice();
}
