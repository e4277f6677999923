/**
 * What the page and the file worker say to each other (both ends are this app's own code, so these
 * are types; only `chunks`, which carries bytes a peer sent, is checked on arrival, by
 * `checkChunks`). A request with a `call` number is answered once, by `done` or `error` with the
 * same number; a download is named by the page's `key` for it, and its events carry that key.
 * Buffers travel as transferables: chunk buffers move to the worker, frame buffers back to the
 * page, neither is copied. The page posts a download's chunks in batches (those that arrived in one
 * turn of its event loop), so a fast transfer costs a message per batch, not one per chunk.
 */
import type { FileInfo, HashScheme } from '../../shared/file-protocol.js';
import type { DownloadStart } from './file-work.js';

export type FileWorkRequest =
  /** The first message: whose database the chunks go to. */
  | { type: 'open-store'; user: string }
  | { type: 'hash'; call: number; blob: Blob; scheme: HashScheme | undefined }
  | { type: 'hash-along'; call: number; blob: Blob; id: string; scheme: HashScheme | undefined }
  | { type: 'read'; call: number; blob: Blob; id: string; info: FileInfo; start: number; end: number }
  | { type: 'open'; call: number; key: number; start: DownloadStart }
  /** The next chunks of download `key`, in order, each already checked against the offer by the page. */
  | { type: 'chunks'; key: number; data: Uint8Array<ArrayBuffer>[] }
  | { type: 'finish-if-empty'; key: number }
  | { type: 'close'; key: number };

export type FileWorkReply =
  | { type: 'done'; call: number; value: string | Uint8Array[] | null }
  | { type: 'error'; call: number; error: SentError }
  | { type: 'stored'; key: number; have: number }
  | { type: 'complete'; key: number; digest: string }
  | { type: 'failed'; key: number; error: SentError }
  /** A request the worker did not take (see `checkChunks`): nothing of it was written. */
  | { type: 'refused'; detail: string };

/** An error as it crosses: the name is what callers test (`QuotaExceededError`), so it survives. */
export interface SentError {
  name: string;
  message: string;
  /** A DOMException (IndexedDB's errors are), rebuilt as one on the other side. */
  dom: boolean;
}

export function sentError(error: unknown): SentError {
  if (error instanceof Error || error instanceof DOMException)
    return { name: error.name, message: error.message, dom: error instanceof DOMException };
  return { name: 'Error', message: String(error), dom: false };
}

export function receivedError(sent: SentError): Error {
  if (sent.dom) return new DOMException(sent.message, sent.name);
  const error = new Error(sent.message);
  error.name = sent.name;
  return error;
}

/**
 * Why a `chunks` request cannot be taken, or null when it can: its key must name a download and its
 * data be a list of byte arrays that each own a whole ArrayBuffer (what the page transfers).
 */
export function checkChunks(request: { key?: unknown; data?: unknown }): string | null {
  if (typeof request.key !== 'number' || !Number.isSafeInteger(request.key) || request.key <= 0)
    return 'chunks: the key is not a download key';
  if (!Array.isArray(request.data)) return 'chunks: data is not a list';
  for (const data of request.data as unknown[]) {
    if (!(data instanceof Uint8Array) || !(data.buffer instanceof ArrayBuffer))
      return 'chunks: an item is not bytes';
  }
  return null;
}
