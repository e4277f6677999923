/**
 * Acks from one peer that come in a burst are written together once the burst pauses, instead of
 * one transaction each. A catch-up acks each batch as it is stored (every 50–100 ms), and each ack's
 * marks — a read, a write and an outbox delete per message — are the author's writes racing the
 * member's storing of the next batch for the same two cores (and, with both in one browser, the
 * same IndexedDB). bench:groups, 4 members: the returning member stored 1,000 messages in ~250 ms
 * with no marks written meanwhile, ~400–600 ms with them. An ack after a quiet spell — a live
 * message's — is written at once, so a message shows delivered as soon as before, and so is the
 * ack that ends a catch-up stream, with the rest of its burst (`last`): nothing else is coming.
 */
import { systemClock } from '../../net/clock.js';
import type { Clock } from '../../net/clock.js';

/** An ack this soon after the peer's last one joins the burst; the burst is written this long after its last ack. */
export const ACK_GATHER_MS = 150;
/** …or this long after its first, whichever comes first: a steady stream of acks is still written. */
export const ACK_HOLD_MAX_MS = 1000;

interface Gathering {
  ids: string[];
  since: number;
  timer: unknown;
  done: Promise<void>;
  settle(error?: unknown): void;
}

export class AckGatherer {
  readonly #write: (peer: string, ids: readonly string[]) => Promise<void>;
  readonly #clock: Clock;
  /** peer → when its last ack came. */
  readonly #last = new Map<string, number>();
  readonly #gathering = new Map<string, Gathering>();

  /** `write` marks `peer`'s acked `ids` (one transaction). */
  constructor(write: (peer: string, ids: readonly string[]) => Promise<void>, clock: Clock = systemClock) {
    this.#write = write;
    this.#clock = clock;
  }

  /**
   * `peer` acked `ids`: written now, or with the rest of its burst; `last`: the burst ends here,
   * written now with it. Settles once written.
   */
  add(peer: string, ids: readonly string[], last = false): Promise<void> {
    const now = this.#clock.now();
    const previous = this.#last.get(peer);
    this.#last.set(peer, now);
    let gathering = this.#gathering.get(peer);
    if (!gathering && (last || previous === undefined || now - previous >= ACK_GATHER_MS)) {
      return this.#write(peer, ids);
    }
    if (!gathering) {
      gathering = this.#start(now);
      this.#gathering.set(peer, gathering);
    }
    gathering.ids.push(...ids);
    this.#clock.clearTimeout(gathering.timer);
    if (last) {
      this.#flush(peer);
      return gathering.done;
    }
    const wait = Math.max(0, Math.min(ACK_GATHER_MS, gathering.since + ACK_HOLD_MAX_MS - now));
    gathering.timer = this.#clock.setTimeout(() => this.#flush(peer), wait);
    return gathering.done;
  }

  /** Nothing more is written; acks still gathered settle unwritten (their messages stay in the outbox, sent again). */
  close(): void {
    for (const gathering of this.#gathering.values()) {
      this.#clock.clearTimeout(gathering.timer);
      gathering.settle();
    }
    this.#gathering.clear();
  }

  #start(now: number): Gathering {
    let settle!: (error?: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      settle = (error?: unknown) => (error === undefined ? resolve() : reject(error));
    });
    return { ids: [], since: now, timer: undefined, done, settle };
  }

  #flush(peer: string): void {
    const gathering = this.#gathering.get(peer);
    if (!gathering) return;
    this.#gathering.delete(peer);
    this.#write(peer, gathering.ids).then(
      () => gathering.settle(),
      (error: unknown) => gathering.settle(error ?? new Error('writing acks failed')),
    );
  }
}
