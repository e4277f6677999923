import type { Clock } from '../clock.js';

/** At most `points` within a fixed window of `windowMs`, per key. */
export interface LimitSettings {
  points: number;
  windowMs: number;
}

export interface LimitDecision {
  /** Whether this consumption stayed within the limit (and no block is in force). */
  allowed: boolean;
  /** Points consumed in the current window, this one included. */
  count: number;
  /** When refused, how long until trying again can succeed; 0 when allowed. */
  retryAfterMs: number;
}

/**
 * A counter of attempts per key, shared by everything the server throttles. Every call counts first and
 * decides after, atomically per key, so concurrent callers cannot all slip through before the first one
 * is recorded. The shape is rate-limiter-flexible's (`consume` → consumedPoints/msBeforeNext, `block`,
 * `delete`), so a Redis-backed implementation for a cluster can wrap its `RateLimiterRedis`.
 */
export interface Limiter {
  consume(key: string, points?: number): Promise<LimitDecision>;
  /** Refuses `key` for `ms` from now, whatever its count. */
  block(key: string, ms: number): Promise<void>;
  /** Forgets `key` (its owner proved itself). */
  reset(key: string): Promise<void>;
}

interface Entry {
  count: number;
  resetAt: number;
  blockedUntil: number;
}

/** Above this many keys, a consume first drops those whose window and block have passed. */
const SWEEP_ABOVE = 10_000;

/**
 * The single-process `Limiter`. Not rate-limiter-flexible's `RateLimiterMemory`: that reads `Date.now()`
 * and arms a timer per key, so tests could not step an injected clock and a flood of keys would hold a
 * flood of timers; here expired keys are dropped by `sweep` (housekeeping) or when the map grows.
 */
export class MemoryLimiter implements Limiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly settings: LimitSettings,
    private readonly clock: Clock,
  ) {
    if (!(settings.points >= 1) || !(settings.windowMs > 0)) {
      throw new TypeError('LimitSettings needs points >= 1 and windowMs > 0');
    }
  }

  consume(key: string, points = 1): Promise<LimitDecision> {
    return Promise.resolve(this.consumeNow(key, points));
  }

  block(key: string, ms: number): Promise<void> {
    const entry = this.entry(key);
    entry.blockedUntil = Math.max(entry.blockedUntil, this.clock.now() + ms);
    return Promise.resolve();
  }

  reset(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  /** Drops keys whose window and block have both passed. */
  sweep(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.resetAt <= now && entry.blockedUntil <= now) this.entries.delete(key);
    }
  }

  /** How many keys are remembered (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /** Synchronous, which is what makes it atomic: nothing else runs between the count and the decision. */
  private consumeNow(key: string, points: number): LimitDecision {
    if (this.entries.size > SWEEP_ABOVE) this.sweep();
    const now = this.clock.now();
    const entry = this.entry(key);
    entry.count += points;
    if (entry.blockedUntil > now) {
      return { allowed: false, count: entry.count, retryAfterMs: entry.blockedUntil - now };
    }
    if (entry.count > this.settings.points) {
      return { allowed: false, count: entry.count, retryAfterMs: Math.max(1, entry.resetAt - now) };
    }
    return { allowed: true, count: entry.count, retryAfterMs: 0 };
  }

  private entry(key: string): Entry {
    const now = this.clock.now();
    let entry = this.entries.get(key);
    if (!entry || (entry.resetAt <= now && entry.blockedUntil <= now)) {
      entry = { count: 0, resetAt: now + this.settings.windowMs, blockedUntil: 0 };
      this.entries.set(key, entry);
    } else if (entry.resetAt <= now) {
      // A block outlived the window: a new window starts, the block stays.
      entry.count = 0;
      entry.resetAt = now + this.settings.windowMs;
    }
    return entry;
  }
}
