/** Time as the network layer needs it; injected so tests can step time instead of sleeping. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Retry delays that double from `min` up to `max` (hydrogen-web's ExponentialRetryDelay). */
export class RetryDelay {
  #next: number;
  constructor(
    readonly min = 500,
    readonly max = 30_000,
  ) {
    this.#next = min;
  }
  /** The delay to wait now; the one after it doubles. */
  take(): number {
    const delay = this.#next;
    this.#next = Math.min(this.max, this.#next * 2);
    return delay;
  }
  reset(): void {
    this.#next = this.min;
  }
}
