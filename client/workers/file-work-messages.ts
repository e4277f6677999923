/**
 * What the page and the file worker say to each other (both ends are this app's own code, so these
 * are types, not a validated protocol). A request with a `call` number is answered once, by `done`
 * or `error` with the same number; a download is named by the page's `key` for it, and its events
 * carry that key. Buffers travel as transferables: a chunk's buffer moves to the worker, a frame's
 * buffer back to the page, neither is copied.
 */
import type { FileInfo } from '../../shared/file-protocol.js';
import type { DownloadStart } from './file-work.js';

export type FileWorkRequest =
  /** The first message: whose database the chunks go to. */
  | { type: 'open-store'; user: string }
  | { type: 'hash'; call: number; blob: Blob }
  | { type: 'read'; call: number; blob: Blob; id: string; info: FileInfo; start: number; end: number }
  | { type: 'open'; call: number; key: number; start: DownloadStart }
  | { type: 'chunk'; key: number; data: Uint8Array<ArrayBuffer> }
  | { type: 'finish-if-empty'; key: number }
  | { type: 'close'; key: number };

export type FileWorkReply =
  | { type: 'done'; call: number; value: string | Uint8Array[] | null }
  | { type: 'error'; call: number; error: SentError }
  | { type: 'stored'; key: number; have: number }
  | { type: 'complete'; key: number; digest: string }
  | { type: 'failed'; key: number; error: SentError };

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
