/**
 * How many operations (or open connections) per key there are right now. Unlike a rate, this bounds
 * concurrency: sixty logins sent at once for one name cannot all be running scrypt at the same time.
 */
export class InFlight {
  private readonly running = new Map<string, number>();

  constructor(private readonly max: number) {
    if (!(max >= 1)) throw new TypeError('InFlight needs max >= 1');
  }

  /** Counts one more for `key` and returns true, or returns false when `max` are already running. */
  tryEnter(key: string): boolean {
    const count = this.running.get(key) ?? 0;
    if (count >= this.max) return false;
    this.running.set(key, count + 1);
    return true;
  }

  /** Ends one operation of `key` that `tryEnter` admitted. */
  leave(key: string): void {
    const count = (this.running.get(key) ?? 0) - 1;
    if (count > 0) this.running.set(key, count);
    else this.running.delete(key);
  }
}
