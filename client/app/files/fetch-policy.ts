/**
 * Which incoming files are fetched without asking: only below a size (a setting, 16 MiB by default),
 * only from people this user has talked to (a direct conversation with a message from this user, or
 * a group this user is in, which it accepted), and only up to a total per peer. Anything else is
 * offered: its card shows the name and size and a **Download** button, and nothing moves until then.
 */

/** The default of the setting: files up to this size come without asking. */
export const AUTO_FETCH_BYTES = 16 * 1024 * 1024;

/** What one peer may have fetched here without asking, per session, before its files wait to be asked for. */
export const UNASKED_BYTES_PER_PEER = 256 * 1024 * 1024;

export interface FetchPolicyOptions {
  /** Files up to this size may come without asking (0: none do). */
  autoFetchBytes?: number;
  unaskedBytesPerPeer?: number;
  /** Whether this user has talked to `author` (in `conversation`, or directly). */
  talkedTo(author: string, conversation: string): Promise<boolean>;
}

export class FetchPolicy {
  readonly #autoFetchBytes: number;
  readonly #unaskedBytesPerPeer: number;
  readonly #talkedTo: FetchPolicyOptions['talkedTo'];
  /** Bytes fetched without asking, by author, this session. */
  readonly #unasked = new Map<string, number>();

  constructor(options: FetchPolicyOptions) {
    this.#autoFetchBytes = options.autoFetchBytes ?? AUTO_FETCH_BYTES;
    this.#unaskedBytesPerPeer = options.unaskedBytesPerPeer ?? UNASKED_BYTES_PER_PEER;
    this.#talkedTo = options.talkedTo;
  }

  /**
   * Whether `author`'s file of `size` bytes in `conversation` is fetched now without asking; a yes
   * counts toward the author's unasked total.
   */
  async fetchesUnasked(author: string, conversation: string, size: number): Promise<boolean> {
    if (size > this.#autoFetchBytes) return false;
    const taken = this.#unasked.get(author) ?? 0;
    if (taken + size > this.#unaskedBytesPerPeer) return false;
    if (!(await this.#talkedTo(author, conversation))) return false;
    this.#unasked.set(author, (this.#unasked.get(author) ?? 0) + size);
    return true;
  }
}
