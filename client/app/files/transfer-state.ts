/**
 * What the sending and the receiving halves of file transfers share, behind one owner: the rows of
 * files in view or in motion, per-file notes and speeds, and redrawing. The halves read and change
 * them through these methods only, so who writes what stays visible here. It also carries the
 * feature's narrow dependencies (the peer port, the file store, the directory) to both halves.
 */
import type { FileStore } from '../../storage/file-store.js';
import type { FileWork } from '../../workers/file-work.js';
import type { StoredFile } from '../../storage/stored-file.js';
import type { PeerLinks } from '../peer-links.js';
import type { Directory } from '../roster/directory.js';
import type { FetchPolicy } from './fetch-policy.js';
import { TransferRate } from './transfer-rate.js';
import { startFileWork } from './worker-file-work.js';

/**
 * Progress redraws per file at most this often. Each redraw makes the open conversation's message
 * views again and renders its log, on both pages, and a chat frame that arrives meanwhile waits
 * behind that render: twice a second is smooth enough for a bar and a speed.
 */
const PROGRESS_EVERY_MS = 500;

/** What file transfers need from the rest of the app. */
export interface FileTransfersDeps {
  readonly links: PeerLinks;
  readonly directory: Directory;
  readonly files: FileStore;
  /** The view of file `id` changed. */
  changed(id: string): void;
  /** Free storage in bytes, or null when the browser does not say. */
  freeBytes(): Promise<number | null>;
  /** Own files up to this size are kept in storage (default `KEEP_OUTGOING_BYTES`). */
  readonly keepOutgoingBytes?: number;
  /** Which incoming files come without asking. */
  readonly fetchPolicy: FetchPolicy;
  /** Hashing, chunk storage and upload reads (default: the file worker, else in the page). */
  readonly work?: FileWork;
}

export class TransferState {
  readonly me: string;
  readonly links: PeerLinks;
  readonly directory: Directory;
  readonly files: FileStore;
  readonly keepOutgoingBytes: number | undefined;
  readonly freeBytes: () => Promise<number | null>;
  readonly fetchPolicy: FetchPolicy;
  /** Where bytes are hashed, stored and read: off the main thread where the page can start a Worker. */
  readonly work: FileWork;
  /** Rows of files in view or in motion; the store is the truth, this is what views read synchronously. */
  readonly #rows = new Map<string, StoredFile>();
  /** A sentence about a file that its row does not hold ("bob has no room for it"). */
  readonly #notes = new Map<string, string>();
  readonly #rates = new Map<string, TransferRate>();
  readonly #lastDrawn = new Map<string, number>();
  readonly #drawTimers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #changed: (id: string) => void;
  /** Called when the view of `id` must be made again, before the app hears of it. */
  readonly #invalidate: (id: string) => void;
  #closed = false;

  constructor(deps: FileTransfersDeps, invalidate: (id: string) => void) {
    this.me = deps.directory.me;
    this.links = deps.links;
    this.directory = deps.directory;
    this.files = deps.files;
    this.keepOutgoingBytes = deps.keepOutgoingBytes;
    this.freeBytes = () => deps.freeBytes();
    this.fetchPolicy = deps.fetchPolicy;
    this.work = deps.work ?? startFileWork(this.me, deps.files);
    this.#changed = (id) => deps.changed(id);
    this.#invalidate = invalidate;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The row of `id`, from memory or the store (then kept in memory). */
  async row(id: string): Promise<StoredFile | null> {
    const cached = this.#rows.get(id);
    if (cached) return cached;
    const row = await this.files.get(id);
    if (row && !this.#rows.has(id)) this.#rows.set(id, row);
    return this.#rows.get(id) ?? null;
  }

  /** The row of `id` if it is in memory. */
  rowInMemory(id: string): StoredFile | null {
    return this.#rows.get(id) ?? null;
  }

  /** Holds `row` in memory (replacing what was held for its id). */
  holdRow(row: StoredFile): void {
    this.#rows.set(row.id, row);
  }

  /** Holds `row` unless a row for its id is held already; true when it was taken. */
  holdRowIfNew(row: StoredFile): boolean {
    if (this.#rows.has(row.id)) return false;
    this.#rows.set(row.id, row);
    return true;
  }

  note(id: string): string | null {
    return this.#notes.get(id) ?? null;
  }

  setNote(id: string, text: string): void {
    this.#notes.set(id, text);
  }

  clearNote(id: string): void {
    this.#notes.delete(id);
  }

  /** The measured speed of `id`, or null before anything was measured. */
  rateOf(id: string): TransferRate | null {
    return this.#rates.get(id) ?? null;
  }

  /** Records that `bytes` of `id` are stored at the receiving end now. */
  recordProgress(id: string, bytes: number): void {
    let rate = this.#rates.get(id);
    if (!rate) this.#rates.set(id, (rate = new TransferRate()));
    rate.record(performance.now(), bytes);
  }

  /** The view of `id` changed: redraw now. */
  redraw(id: string): void {
    this.#invalidate(id);
    this.#lastDrawn.set(id, performance.now());
    const timer = this.#drawTimers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.#drawTimers.delete(id);
    if (!this.#closed) this.#changed(id);
  }

  /** Progress moved: redraw at most every PROGRESS_EVERY_MS, so a fast transfer does not redraw per batch. */
  progress(id: string): void {
    if (this.#drawTimers.has(id)) return;
    const wait = (this.#lastDrawn.get(id) ?? 0) + PROGRESS_EVERY_MS - performance.now();
    if (wait <= 0) return this.redraw(id);
    this.#drawTimers.set(
      id,
      setTimeout(() => {
        this.#drawTimers.delete(id);
        this.redraw(id);
      }, wait),
    );
  }

  /** Stops redrawing. The file work ends with `closeWork`, once the transfers have let go of it. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#drawTimers.values()) clearTimeout(timer);
  }

  closeWork(): void {
    this.work.close();
  }
}
