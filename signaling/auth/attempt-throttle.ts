import type { Clock } from '../clock.js';

/** At most `limit` failures within any `windowMs`. */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

/** How failed logins are throttled, per username key and per remote address. */
export interface LoginThrottleSettings {
  perName: WindowLimit;
  perAddress: WindowLimit;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = {
  perName: { limit: 5, windowMs: 5 * 60_000 },
  perAddress: { limit: 20, windowMs: 5 * 60_000 },
};

/**
 * A sliding-window counter of failures per key. Only failures are stored, so memory is bounded by
 * the failures of the last window (and `sweep` drops keys whose failures all left it).
 */
export class AttemptThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly settings: WindowLimit,
    private readonly clock: Clock,
  ) {
    if (!(settings.limit >= 1) || !(settings.windowMs > 0)) {
      throw new TypeError('WindowLimit needs limit >= 1 and windowMs > 0');
    }
  }

  /** 0 when another attempt is allowed now, otherwise the milliseconds until it is. */
  retryAfterMs(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.settings.limit) return 0;
    // The window frees a slot when the oldest failure that still counts leaves it.
    const oldest = recent[recent.length - this.settings.limit]!;
    return Math.max(1, oldest + this.settings.windowMs - this.clock.now());
  }

  recordFailure(key: string): void {
    const recent = this.recent(key);
    recent.push(this.clock.now());
    // Older entries can never matter again once `limit` newer ones exist.
    if (recent.length > this.settings.limit) recent.splice(0, recent.length - this.settings.limit);
    this.failures.set(key, recent);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  /** Forgets keys whose failures have all left the window. */
  sweep(): void {
    for (const key of [...this.failures.keys()]) {
      if (this.recent(key).length === 0) this.failures.delete(key);
    }
  }

  /** How many keys are remembered (for tests and metrics). */
  get size(): number {
    return this.failures.size;
  }

  private recent(key: string): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const cutoff = this.clock.now() - this.settings.windowMs;
    const firstInside = list.findIndex((at) => at > cutoff);
    if (firstInside === -1) {
      this.failures.delete(key);
      return [];
    }
    if (firstInside > 0) list.splice(0, firstInside);
    return list;
  }
}

/** Both throttles of a login: the name being attacked and the address attacking. */
export class LoginThrottle {
  private readonly byName: AttemptThrottle;
  private readonly byAddress: AttemptThrottle;

  constructor(settings: LoginThrottleSettings, clock: Clock) {
    this.byName = new AttemptThrottle(settings.perName, clock);
    this.byAddress = new AttemptThrottle(settings.perAddress, clock);
  }

  /** 0 when a login for `nameKey` from `address` may be tried now, otherwise the wait in milliseconds. */
  retryAfterMs(nameKey: string, address: string): number {
    return Math.max(this.byName.retryAfterMs(nameKey), this.byAddress.retryAfterMs(address));
  }

  recordFailure(nameKey: string, address: string): void {
    this.byName.recordFailure(nameKey);
    this.byAddress.recordFailure(address);
  }

  /**
   * A correct password clears the name's failures (its owner is back), but not the address's: one
   * valid account must not launder guesses against others from the same address.
   */
  recordSuccess(nameKey: string): void {
    this.byName.reset(nameKey);
  }

  sweep(): void {
    this.byName.sweep();
    this.byAddress.sweep();
  }
}
