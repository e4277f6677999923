/**
 * The tab's title (`(3) Parley`), written at most once per `intervalMs`. Each write is a change the
 * browser process acts on (and screen readers may announce); in a busy group the unread total
 * changes with every message, 16 pages of one browser at once in bench:groups. A change within the
 * interval is written when it ends, so the title is never more than that late, and a write that
 * would not change the title is skipped.
 */
export class TabTitle {
  readonly #target: { title: string };
  readonly #intervalMs: number;
  #wanted: string | null = null;
  #lastWriteAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(target: { title: string }, intervalMs: number) {
    this.#target = target;
    this.#intervalMs = intervalMs;
  }

  /** The title to show: now, or at the end of the interval since the last write. */
  set(title: string): void {
    this.#wanted = title;
    if (this.#timer !== null) return;
    const wait = this.#lastWriteAt + this.#intervalMs - performance.now();
    if (wait <= 0) this.#write();
    else this.#timer = setTimeout(() => this.#write(), wait);
  }

  /** Drops a write still waiting for its interval: nothing more is written. */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #write(): void {
    this.#timer = null;
    const title = this.#wanted;
    if (title === null || title === this.#target.title) return;
    this.#target.title = title;
    this.#lastWriteAt = performance.now();
  }
}
