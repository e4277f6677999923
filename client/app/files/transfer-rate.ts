/**
 * Speed and time left of a transfer, from progress reports. Smoothed over about two seconds, so a
 * pause between acks does not make the estimate jump.
 */
const WINDOW_MS = 2000;

export class TransferRate {
  readonly #samples: Array<{ at: number; bytes: number }> = [];

  /** `bytes` done in total at `at` (ms). */
  record(at: number, bytes: number): void {
    const last = this.#samples.at(-1);
    if (last && bytes < last.bytes) this.#samples.length = 0;
    this.#samples.push({ at, bytes });
    while (this.#samples.length > 2 && at - this.#samples[0]!.at > WINDOW_MS) this.#samples.shift();
  }

  /** Bytes per second, or null until two reports at least 100 ms apart. */
  get bytesPerSecond(): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at - first.at < 100) return null;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }

  /** Seconds left for `remaining` bytes at the current speed, or null when unknown. */
  secondsLeft(remaining: number): number | null {
    const speed = this.bytesPerSecond;
    if (speed === null || speed <= 0) return null;
    return Math.ceil(remaining / speed);
  }
}
