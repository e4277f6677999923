/**
 * The page's end of the file worker (client/workers/file-worker.ts): each `FileWork` call becomes a
 * message, each answer settles its call, and each download's events reach its `DownloadEvents`.
 * Chunk buffers move to the worker and frame buffers back as transferables, so no byte is copied
 * on the way. Where the page cannot start a Worker at all, the same work runs in the page
 * (`InProcessFileWork`): slower for chat, never wrong.
 */
import type { FileInfo, HashScheme } from '../../../shared/file-protocol.js';
import type { FileStore } from '../../storage/file-store.js';
import { InProcessFileWork } from '../../workers/file-work.js';
import type { DownloadEvents, DownloadSink, DownloadStart, FileWork } from '../../workers/file-work.js';
import { receivedError } from '../../workers/file-work-messages.js';
import type { FileWorkReply, FileWorkRequest } from '../../workers/file-work-messages.js';

/**
 * Where scripts/build.mjs puts the worker's bundle, beside app.js. The browser tests' runner serves
 * the same bundle at the same path (web-test-runner.config.mjs).
 */
export const FILE_WORKER_URL = '/file-worker.js';

/** The file work of `user`'s account: in a Worker where the page can start one, else in the page. */
export function startFileWork(user: string, files: FileStore): FileWork {
  if (typeof Worker === 'undefined') return new InProcessFileWork(files);
  return new WorkerFileWork(new Worker(FILE_WORKER_URL, { type: 'module', name: 'parley-files' }), user);
}

/**
 * A download's chunks go to the worker at least this often, in bytes (else once per turn of the
 * event loop): a batch that cannot wait for the turn to end still moves in one message.
 */
const POST_BYTES = 1024 * 1024;

interface Call {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class WorkerFileWork implements FileWork {
  readonly #worker: Worker;
  readonly #calls = new Map<number, Call>();
  readonly #downloads = new Map<number, DownloadEvents>();
  #next = 0;
  /** Chunks accepted but not yet posted, by download key, in order. */
  readonly #queued = new Map<number, { data: Uint8Array<ArrayBuffer>[]; bytes: number }>();
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Why the worker is gone, once it is: every call after that fails with it. */
  #broken: Error | null = null;

  constructor(worker: Worker, user: string) {
    this.#worker = worker;
    worker.addEventListener('message', (event: MessageEvent<FileWorkReply>) => this.#receive(event.data));
    // A worker that cannot start (its script missing or refused) or that threw: every transfer in
    // it fails in words ("Could not store it here") instead of waiting forever.
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#break(new Error(`the file worker failed: ${event.message || 'it did not start'}`));
    });
    this.#post({ type: 'open-store', user });
  }

  hash(blob: Blob, scheme: HashScheme | undefined): Promise<string> {
    return this.#call((call) => ({ type: 'hash', call, blob, scheme })) as Promise<string>;
  }

  hashAlong(blob: Blob, id: string, scheme: HashScheme | undefined): Promise<string> {
    return this.#call((call) => ({ type: 'hash-along', call, blob, id, scheme })) as Promise<string>;
  }

  readFrames(blob: Blob, id: string, info: FileInfo, start: number, end: number): Promise<Uint8Array[]> {
    return this.#call((call) => ({ type: 'read', call, blob, id, info, start, end })) as Promise<
      Uint8Array[]
    >;
  }

  async openDownload(start: DownloadStart, events: DownloadEvents): Promise<DownloadSink> {
    const key = ++this.#next;
    await this.#call((call) => ({ type: 'open', call, key, start }));
    this.#downloads.set(key, events);
    return {
      chunk: (data) => this.#queue(key, data),
      finishIfEmpty: () => this.#post({ type: 'finish-if-empty', key }),
      close: () => {
        // Chunks not posted yet would be dropped by the worker's close anyway.
        this.#queued.delete(key);
        this.#downloads.delete(key);
        this.#post({ type: 'close', key });
      },
    };
  }

  close(): void {
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    this.#queued.clear();
    this.#worker.terminate();
    this.#break(new Error('the file worker was closed'));
  }

  #call(request: (call: number) => FileWorkRequest): Promise<unknown> {
    if (this.#broken) return Promise.reject(this.#broken);
    const call = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#calls.set(call, { resolve, reject });
      this.#post(request(call));
    });
  }

  /**
   * Holds `data` for download `key` until the chunks that arrive in this turn of the event loop
   * (each data channel message is a task of its own) can go in one message, or a batch is full.
   */
  #queue(key: number, data: Uint8Array<ArrayBuffer>): void {
    let queued = this.#queued.get(key);
    if (!queued) this.#queued.set(key, (queued = { data: [], bytes: 0 }));
    queued.data.push(data);
    queued.bytes += data.byteLength;
    if (queued.bytes >= POST_BYTES) return this.#postChunks(key);
    if (this.#flushTimer === null) this.#flushTimer = setTimeout(() => this.#flush(), 0);
  }

  #flush(): void {
    this.#flushTimer = null;
    for (const key of [...this.#queued.keys()]) this.#postChunks(key);
  }

  #postChunks(key: number): void {
    const queued = this.#queued.get(key);
    this.#queued.delete(key);
    if (!queued) return;
    this.#post(
      { type: 'chunks', key, data: queued.data },
      queued.data.map((data) => data.buffer),
    );
  }

  #post(request: FileWorkRequest, transfer: Transferable[] = []): void {
    if (!this.#broken) this.#worker.postMessage(request, transfer);
  }

  #receive(reply: FileWorkReply): void {
    switch (reply.type) {
      case 'done':
      case 'error': {
        const call = this.#calls.get(reply.call);
        this.#calls.delete(reply.call);
        if (reply.type === 'done') call?.resolve(reply.value);
        else call?.reject(receivedError(reply.error));
        return;
      }
      case 'stored':
        this.#downloads.get(reply.key)?.stored(reply.have);
        return;
      case 'complete': {
        const events = this.#downloads.get(reply.key);
        this.#downloads.delete(reply.key);
        events?.complete(reply.digest);
        return;
      }
      case 'failed': {
        const events = this.#downloads.get(reply.key);
        this.#downloads.delete(reply.key);
        events?.failed(receivedError(reply.error));
        return;
      }
      case 'refused':
        // This page's own request, refused: a bug here, not a peer's doing.
        console.warn(`[parley] the file worker refused a request: ${reply.detail}`);
        return;
      default: {
        const unreachable: never = reply;
        return unreachable;
      }
    }
  }

  #break(error: Error): void {
    if (this.#broken) return;
    this.#broken = error;
    for (const call of this.#calls.values()) call.reject(error);
    this.#calls.clear();
    for (const events of this.#downloads.values()) events.failed(error);
    this.#downloads.clear();
  }
}
