/** A source of "now" in milliseconds since the epoch; injected so tests can step time instead of sleeping. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
