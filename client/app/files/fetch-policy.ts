/**
 * Which incoming files are fetched without asking: only below a size (a setting, 16 MiB by default),
 * only from people this user has talked to (a direct conversation with a message from this user, or
 * a group this user is in, which it accepted), and only up to a total per peer. Anything else is
 * offered: its card shows the name and size and a **Download** button, and nothing moves until then.
 */
import { UnaskedLedger } from '../../storage/unasked-ledger.js';

/** The default of the setting: files up to this size come without asking. */
export const AUTO_FETCH_BYTES = 16 * 1024 * 1024;

/** What one peer may have fetched here without asking, per window, before its files wait to be asked for. */
export const UNASKED_BYTES_PER_PEER = 256 * 1024 * 1024;
/** The window: a day. Kept across reloads (unasked-ledger.ts), so a reload grants no new allowance. */
export const UNASKED_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Where the totals are kept: `UnaskedLedger`, or one in memory. */
export type UnaskedTotals = Pick<UnaskedLedger, 'taken' | 'add'>;

export interface FetchPolicyOptions {
  /** Files up to this size may come without asking (0: none do). */
  autoFetchBytes?: number;
  unaskedBytesPerPeer?: number;
  /** Where each peer's total is kept (default: in memory, for this page only). */
  ledger?: UnaskedTotals;
  now?: () => number;
  /** Whether this user has talked to `author` (in `conversation`, or directly). */
  talkedTo(author: string, conversation: string): Promise<boolean>;
}

export class FetchPolicy {
  readonly #autoFetchBytes: number;
  readonly #unaskedBytesPerPeer: number;
  readonly #talkedTo: FetchPolicyOptions['talkedTo'];
  /** Bytes fetched without asking, by author, in the current window. */
  readonly #ledger: UnaskedTotals;
  readonly #now: () => number;

  constructor(options: FetchPolicyOptions) {
    this.#autoFetchBytes = options.autoFetchBytes ?? AUTO_FETCH_BYTES;
    this.#unaskedBytesPerPeer = options.unaskedBytesPerPeer ?? UNASKED_BYTES_PER_PEER;
    this.#talkedTo = options.talkedTo;
    this.#ledger = options.ledger ?? new UnaskedLedger('', null);
    this.#now = options.now ?? Date.now;
  }

  /**
   * Whether `author`'s file of `size` bytes in `conversation` is fetched now without asking; a yes
   * counts toward the author's unasked total.
   */
  async fetchesUnasked(author: string, conversation: string, size: number): Promise<boolean> {
    if (size > this.#autoFetchBytes) return false;
    const windowStart = this.#now() - UNASKED_WINDOW_MS;
    if (this.#ledger.taken(author, windowStart) + size > this.#unaskedBytesPerPeer) return false;
    if (!(await this.#talkedTo(author, conversation))) return false;
    // Read again after the wait: another file of the same author may have been counted meanwhile.
    if (this.#ledger.taken(author, windowStart) + size > this.#unaskedBytesPerPeer) return false;
    this.#ledger.add(author, size, windowStart, this.#now());
    return true;
  }
}
