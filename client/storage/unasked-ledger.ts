/**
 * How many bytes each peer has had fetched here without being asked, in the current window, kept
 * in `localStorage` so that a reload does not hand a peer a fresh allowance (fetch-policy.ts caps
 * it). One small JSON value per account; a damaged value counts as nothing taken yet, since only
 * this origin's own pages can write it.
 */
import * as z from 'zod';
import { nameKey } from '../../shared/names.js';
import { browserStorage, parseStoredJson } from './local-storage.js';
import type { NoteStorage } from './local-storage.js';

const PREFIX = 'parley:unasked:';
/** How many peers are remembered at most: the oldest windows are forgotten first. */
const MAX_PEERS = 500;

const Entries = z.record(
  z.string().max(64),
  z.strictObject({ bytes: z.number().nonnegative(), since: z.number() }),
);
type Entries = z.infer<typeof Entries>;

export class UnaskedLedger {
  readonly #key: string;
  readonly #storage: Pick<NoteStorage, 'getItem' | 'setItem'> | null;
  /** The value as last read or written: read once per page, since only this page writes it. */
  #entries: Entries | null = null;

  constructor(user: string, storage?: Pick<NoteStorage, 'getItem' | 'setItem'> | null) {
    this.#key = PREFIX + nameKey(user);
    this.#storage = storage === undefined ? browserStorage() : storage;
  }

  /** Bytes `peer` has had fetched unasked since `windowStart` (ms). */
  taken(peer: string, windowStart: number): number {
    const entry = this.#read()[peer];
    return entry && entry.since >= windowStart ? entry.bytes : 0;
  }

  /** Adds `bytes` to `peer`'s total; a window older than `windowStart` starts again at `now`. */
  add(peer: string, bytes: number, windowStart: number, now: number): void {
    const entries = { ...this.#read() };
    const entry = entries[peer];
    entries[peer] =
      entry && entry.since >= windowStart
        ? { bytes: entry.bytes + bytes, since: entry.since }
        : { bytes, since: now };
    const peers = Object.keys(entries);
    if (peers.length > MAX_PEERS) {
      peers.sort((a, b) => entries[a]!.since - entries[b]!.since);
      for (const old of peers.slice(0, peers.length - MAX_PEERS)) delete entries[old];
    }
    this.#entries = entries;
    try {
      this.#storage?.setItem(this.#key, JSON.stringify(entries));
    } catch {
      // Full or refused: the total still holds for this page.
    }
  }

  #read(): Entries {
    if (this.#entries) return this.#entries;
    const parsed = Entries.safeParse(parseStoredJson(this.#raw()));
    this.#entries = parsed.success ? parsed.data : {};
    return this.#entries;
  }

  #raw(): string | null {
    try {
      return this.#storage?.getItem(this.#key) ?? null;
    } catch {
      return null;
    }
  }
}
