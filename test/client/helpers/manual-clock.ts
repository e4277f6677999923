/** A `Clock` stepped by hand, for tests that must not sleep: timers run when `advance` passes them. */
import type { Clock } from '../../../client/net/clock.js';

export class ManualClock implements Clock {
  time = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const handle = this.#next++;
    this.#timers.set(handle, { at: this.time + ms, fn });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  advance(ms: number): void {
    this.time += ms;
    for (const [handle, timer] of [...this.#timers]) {
      if (timer.at > this.time) continue;
      this.#timers.delete(handle);
      timer.fn();
    }
  }
}
