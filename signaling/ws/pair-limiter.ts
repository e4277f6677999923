import type { Clock } from '../clock.js';
import { TokenBucket, type RateLimit } from '../limits/token-bucket.js';

/** Recipients remembered per sender; past this the oldest are forgotten (a sender of many is limited anyway). */
const MAX_RECIPIENTS = 64;

/**
 * One token bucket per recipient of one sender, so a sender may not flood one victim with `connect`
 * signals (each makes the victim's browser start a WebRTC connection) even within its overall rate.
 */
export class PairLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
  ) {}

  /** Takes a token for `recipient`: 0 when allowed, otherwise the milliseconds to wait. */
  take(recipient: string): number {
    let bucket = this.buckets.get(recipient);
    if (!bucket) {
      if (this.buckets.size >= MAX_RECIPIENTS) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = new TokenBucket(this.limit, this.clock);
      this.buckets.set(recipient, bucket);
    }
    return bucket.take();
  }
}
