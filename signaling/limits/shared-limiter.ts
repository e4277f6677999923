/**
 * The cluster's `Limiter`: counts in Redis through rate-limiter-flexible, so failed logins alternating
 * between nodes meet one limit. When Redis is away each call falls to an in-memory insurance limiter
 * with the same settings: the cluster then limits per node (degraded), it never lets everyone in, and
 * since commands fail at once (`rejectIfRedisNotReady`), logins do not hang on it either.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { LimitDecision, LimitSettings, Limiter } from './limiter.js';

/** Whatever `RateLimiterRedis` takes as `storeClient` (a node-redis client). */
type StoreClient = object;

function insured(
  client: StoreClient,
  keyPrefix: string,
  points: number,
  durationS: number,
): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: client,
    useRedisPackage: true,
    rejectIfRedisNotReady: true,
    keyPrefix,
    points,
    duration: durationS,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: durationS }),
  });
}

/**
 * Counts and blocks live apart: rate-limiter-flexible's `block` overwrites a key's count and window,
 * which would reset the very count the login throttle doubles its delays by.
 */
export class SharedLimiter implements Limiter {
  private readonly counts: RateLimiterRedis;
  private readonly blocks: RateLimiterRedis;

  /** @param name distinguishes this limiter's keys from the other limiters' */
  constructor(client: StoreClient, name: string, settings: LimitSettings, prefix = 'parley') {
    if (!(settings.points >= 1) || !(settings.windowMs >= 1000)) {
      throw new TypeError('SharedLimiter needs points >= 1 and windowMs >= 1000');
    }
    this.counts = insured(client, `${prefix}:limit:${name}`, settings.points, settings.windowMs / 1000);
    this.blocks = insured(client, `${prefix}:block:${name}`, 1, 1);
  }

  async consume(key: string, points = 1): Promise<LimitDecision> {
    const [blocked, counted] = await Promise.all([
      this.blocks.get(key),
      this.counts.consume(key, points).catch((refusal: unknown) => {
        if (refusal instanceof RateLimiterRes) return refusal;
        throw refusal;
      }),
    ]);
    const count = counted.consumedPoints;
    if (blocked && blocked.consumedPoints > 1 && blocked.msBeforeNext > 0) {
      return { allowed: false, count, retryAfterMs: blocked.msBeforeNext };
    }
    if (count > this.counts.points) {
      return { allowed: false, count, retryAfterMs: Math.max(1, counted.msBeforeNext) };
    }
    return { allowed: true, count, retryAfterMs: 0 };
  }

  async block(key: string, ms: number): Promise<void> {
    // Whole seconds, rounded up: rate-limiter-flexible stores a block of under a second as forever.
    await this.blocks.block(key, Math.max(1, Math.ceil(ms / 1000)));
  }

  async reset(key: string): Promise<void> {
    await Promise.all([this.counts.delete(key), this.blocks.delete(key)]);
  }
}
