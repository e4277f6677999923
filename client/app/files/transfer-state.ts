/**
 * What the sending and the receiving halves of file transfers share: the host (network, storage,
 * directory), the rows of files in view or in motion, per-file notes and speeds, and redrawing.
 */
import type { PeerFrame } from '../../../shared/peer-protocol.js';
import type { BulkSource } from '../../net/bulk-scheduler.js';
import type { FileStore } from '../../storage/file-store.js';
import type { StoredFile } from '../../storage/stored-file.js';
import type { Directory } from '../roster/directory.js';
import { TransferRate } from './transfer-rate.js';

/** Progress redraws per file at most this often. */
const PROGRESS_EVERY_MS = 250;

export interface FileTransfersHost {
  readonly directory: Directory;
  readonly files: FileStore;
  send(peer: string, frame: PeerFrame): boolean;
  addBulk(peer: string, source: BulkSource): boolean;
  removeBulk(peer: string, source: BulkSource): void;
  wakeBulk(peer: string): void;
  isOpen(peer: string): boolean;
  /** Start connecting to an online peer. */
  want(peer: string): void;
  /** The view of file `id` changed. */
  changed(id: string): void;
  warn(message: string, error?: unknown): void;
  /** Free storage in bytes, or null when the browser does not say. */
  freeBytes(): Promise<number | null>;
  /** Own files up to this size are kept in storage (default `KEEP_OUTGOING_BYTES`). */
  readonly keepOutgoingBytes?: number;
}

export class FileContext {
  readonly me: string;
  /** Rows of files in view or in motion; the store is the truth, this is what views read synchronously. */
  readonly rows = new Map<string, StoredFile>();
  /** A sentence about a file that its row does not hold ("bob has no room for it"). */
  readonly notes = new Map<string, string>();
  readonly rates = new Map<string, TransferRate>();
  readonly #lastDrawn = new Map<string, number>();
  readonly #drawTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #closed = false;

  constructor(
    readonly host: FileTransfersHost,
    /** Called when the view of `id` must be made again, before the host hears of it. */
    private readonly invalidate: (id: string) => void,
  ) {
    this.me = host.directory.me;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The row of `id`, from memory or the store (then kept in memory). */
  async row(id: string): Promise<StoredFile | null> {
    const cached = this.rows.get(id);
    if (cached) return cached;
    const row = await this.host.files.get(id);
    if (row && !this.rows.has(id)) this.rows.set(id, row);
    return this.rows.get(id) ?? null;
  }

  rate(id: string): TransferRate {
    let rate = this.rates.get(id);
    if (!rate) this.rates.set(id, (rate = new TransferRate()));
    return rate;
  }

  /** The view of `id` changed: redraw now. */
  touch(id: string): void {
    this.invalidate(id);
    this.#lastDrawn.set(id, performance.now());
    const timer = this.#drawTimers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.#drawTimers.delete(id);
    if (!this.#closed) this.host.changed(id);
  }

  /** Progress moved: redraw at most every PROGRESS_EVERY_MS, so a fast transfer does not redraw per batch. */
  progress(id: string): void {
    if (this.#drawTimers.has(id)) return;
    const wait = (this.#lastDrawn.get(id) ?? 0) + PROGRESS_EVERY_MS - performance.now();
    if (wait <= 0) return this.touch(id);
    this.#drawTimers.set(
      id,
      setTimeout(() => {
        this.#drawTimers.delete(id);
        this.touch(id);
      }, wait),
    );
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#drawTimers.values()) clearTimeout(timer);
  }
}
