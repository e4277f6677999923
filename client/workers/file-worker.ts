/**
 * The file worker: a dedicated module Worker (bundled by scripts/build.mjs as /file-worker.js) that
 * hashes and stores incoming chunks, hashes files and reads upload chunks, so the page's main thread
 * only checks frames, schedules and renders. It opens the account's database itself (IndexedDB and
 * hash-wasm both work in workers) and answers the page's `WorkerFileWork`
 * (client/app/files/worker-file-work.ts); file-work-messages.ts says what each message means.
 */
import { openAccountDb } from '../storage/account-db.js';
import { FileStore } from '../storage/file-store.js';
import { StoreConnection } from '../storage/store-connection.js';
import { InProcessFileWork } from './file-work.js';
import type { DownloadEvents, DownloadSink } from './file-work.js';
import { checkChunks, sentError } from './file-work-messages.js';
import type { FileWorkReply, FileWorkRequest } from './file-work-messages.js';

/*
 * The little of a dedicated worker's global scope used here. The client compiles against the DOM
 * library, whose `self` is a Window; the whole WebWorker library would change every module's types.
 */
interface WorkerScope {
  postMessage(message: FileWorkReply, options?: { transfer: Transferable[] }): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<FileWorkRequest>) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
let work: InProcessFileWork | null = null;
const sinks = new Map<number, DownloadSink>();

scope.addEventListener('message', (event) => void handle(event.data));

async function handle(request: FileWorkRequest): Promise<void> {
  switch (request.type) {
    case 'open-store':
      work = new InProcessFileWork(openFileStore(request.user));
      return;
    case 'hash':
      return answer(request.call, () => started().hash(request.blob, request.scheme));
    case 'hash-along':
      return answer(request.call, () => started().hashAlong(request.blob, request.id, request.scheme));
    case 'read':
      return answer(
        request.call,
        () => started().readFrames(request.blob, request.id, request.info, request.start, request.end),
        (frames) => frames.map((frame) => frame.buffer),
      );
    case 'open':
      return answer(request.call, async () => {
        sinks.set(request.key, await started().openDownload(request.start, eventsOf(request.key)));
        return null;
      });
    case 'chunks': {
      const problem = checkChunks(request);
      if (problem !== null) {
        console.warn(`[parley] file worker: ${problem}`);
        scope.postMessage({ type: 'refused', detail: problem });
        return;
      }
      const sink = sinks.get(request.key);
      for (const data of request.data) sink?.chunk(data);
      return;
    }
    case 'finish-if-empty':
      sinks.get(request.key)?.finishIfEmpty();
      return;
    case 'close':
      sinks.get(request.key)?.close();
      sinks.delete(request.key);
      return;
    default: {
      const unreachable: never = request;
      return unreachable;
    }
  }
}

function started(): InProcessFileWork {
  if (!work) throw new TypeError('the file worker was asked for work before open-store');
  return work;
}

/** Runs `task` and answers call `call` with its value (moving the buffers `transfer` names) or its error. */
async function answer<T extends string | Uint8Array[] | null>(
  call: number,
  task: () => Promise<T>,
  transfer: (value: T) => ArrayBufferLike[] = () => [],
): Promise<void> {
  try {
    const value = await task();
    scope.postMessage({ type: 'done', call, value }, { transfer: transfer(value) as ArrayBuffer[] });
  } catch (error) {
    scope.postMessage({ type: 'error', call, error: sentError(error) });
  }
}

function eventsOf(key: number): DownloadEvents {
  const ended = (): void => void sinks.delete(key);
  return {
    stored: (have) => scope.postMessage({ type: 'stored', key, have }),
    complete: (digest) => {
      ended();
      scope.postMessage({ type: 'complete', key, digest });
    },
    failed: (error) => {
      ended();
      scope.postMessage({ type: 'failed', key, error: sentError(error) });
    },
  };
}

/**
 * The account's file store, on a connection of the worker's own. It lets go of the database when
 * another tab upgrades or deletes it, as the page's does; a write after that fails and says so.
 */
async function openFileStore(user: string): Promise<FileStore> {
  const db = await openAccountDb(user, { onBlocked: () => undefined, onClosed: () => undefined });
  return new FileStore(
    new StoreConnection(db, (error) => console.warn(`[parley] file worker: ${error.message}`)),
  );
}
