/**
 * How much of each cheap-to-send, costly-to-handle frame one peer may send: a token bucket per peer
 * and frame kind. `typing` and `read` each cost a lookup or a write; every `sync-heads` re-reads a
 * group's history. The limits sit well above what a polite peer sends (typing at most every 3 s per
 * conversation, one read per message shown, one sync-heads per shared group when a connection
 * opens), so only a flood is cut; what is cut is dropped, never queued.
 */
import { systemClock } from '../net/clock.js';
import type { Clock } from '../net/clock.js';

/** A steady rate with room for bursts. */
export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many frames may arrive at once after a quiet period. */
  burst: number;
}

export type LimitedKind = 'typing' | 'read' | 'sync-heads';

export const INBOUND_LIMITS: Readonly<Record<LimitedKind, RateLimit>> = {
  typing: { perSecond: 2, burst: 20 },
  // One per message of ours the peer shows: an outbox flush of hundreds comes back as hundreds.
  read: { perSecond: 50, burst: 512 },
  // One per shared group when a connection opens, again when a group changes.
  'sync-heads': { perSecond: 1, burst: 300 },
};

/**
 * How many frames of one peer may wait for their turn. A polite peer's largest burst is its outbox
 * (sent whole when the connection opens) and its acks; past this, frames are dropped: a message then
 * lacks its ack and is sent again on the next connection.
 */
export const MAX_QUEUED_FRAMES = 4096;

/** A token bucket: each frame takes one token; tokens refill continuously up to `burst`. */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly limit: RateLimit,
    readonly clock: Pick<Clock, 'now'>,
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) {
      throw new TypeError('RateLimit needs perSecond > 0 and burst >= 1');
    }
    this.#tokens = limit.burst;
    this.#updatedAt = clock.now();
  }

  /** Takes a token if there is one. */
  take(): boolean {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.limit.burst, this.#tokens + (elapsed * this.limit.perSecond) / 1000);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** The buckets of every peer, by frame kind. */
export class InboundLimiter {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #limits: Readonly<Record<LimitedKind, RateLimit>>;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(clock: Pick<Clock, 'now'> = systemClock, limits = INBOUND_LIMITS) {
    this.#clock = clock;
    this.#limits = limits;
  }

  /** Whether `peer` may have one more frame of `kind` handled now. */
  allow(peer: string, kind: LimitedKind): boolean {
    const key = `${kind}\n${peer}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.#limits[kind], this.#clock);
      this.#buckets.set(key, bucket);
    }
    return bucket.take();
  }
}

export function isLimited(kind: string): kind is LimitedKind {
  return kind in INBOUND_LIMITS;
}
