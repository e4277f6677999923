/**
 * At most `permits` holders at once; up to `maxWaiting` more wait in line, each for at most
 * `maxWaitMs`. Used for scrypt: each run takes 32 MiB and a core for tens of milliseconds, so a burst of
 * registrations must queue (briefly) instead of running all at once and starving real logins.
 */
export class Semaphore {
  private held = 0;
  private readonly waiting: Array<{ grant: () => void; timer: NodeJS.Timeout }> = [];

  constructor(
    private readonly permits: number,
    private readonly maxWaiting: number,
    private readonly maxWaitMs: number,
  ) {
    if (!(permits >= 1) || !(maxWaiting >= 0) || !(maxWaitMs >= 0)) {
      throw new TypeError('Semaphore needs permits >= 1, maxWaiting >= 0 and maxWaitMs >= 0');
    }
  }

  /**
   * Runs `task` once a permit is free. Resolves null without running it when the line is full or the
   * wait ran out: the caller answers "busy, try again".
   */
  async run<T>(task: () => Promise<T>): Promise<T | null> {
    if (!(await this.acquire())) return null;
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<boolean> {
    if (this.held < this.permits) {
      this.held++;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = {
        // The permit passes straight from the releaser to this waiter: `held` does not change.
        grant: () => (clearTimeout(waiter.timer), resolve(true)),
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          resolve(false);
        }, this.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.grant();
    else this.held--;
  }
}
