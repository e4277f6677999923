import type { Clock } from '../clock.js';

/** A steady rate with room for bursts. */
export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many frames may arrive at once after a quiet period. */
  burst: number;
}

/** A token bucket: each frame takes one token; tokens refill continuously up to `burst`. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) {
      throw new TypeError('RateLimit needs perSecond > 0 and burst >= 1');
    }
    this.tokens = limit.burst;
    this.updatedAt = clock.now();
  }

  /** Takes one token. Returns 0 when allowed, otherwise the milliseconds until a token is available. */
  take(): number {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed * this.limit.perSecond) / 1000);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.limit.perSecond);
  }
}
