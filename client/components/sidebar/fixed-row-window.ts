/**
 * Virtual scrolling for a list whose rows all have one height (a person's name on one line): only
 * the rows in view and a few either side are rendered, each placed at `index × rowHeight` in a
 * spacer as tall as all of them. With one height, where a row sits is a multiplication — none of
 * the estimating and measuring `conversation/virtual-layout.ts` needs for the message log.
 *
 * The height is measured from a rendered row (it grows at phone width, where rows are a touch
 * target tall), so the styles stay the one place it is set: once, and again whenever the scroller
 * is resized. The view's height and scroll position are kept from the resize and scroll events too,
 * not read at each render: a read there, with the rest of the page just changed, forced a layout of
 * the whole page on every update (an unread count going up, in every member's page of a group).
 */
import type { ReactiveController, ReactiveElement } from 'lit';

export interface RowRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The rows `[start, end)` of `count` that overlap the view `[top, top + viewport)`, with `overscan`
 * more on each side, so a short scroll shows rows already there. Exported for its tests.
 */
export function rowsInView(
  top: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan: number,
): RowRange {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0 };
  // A scroll position past the end is one from before the rows were fewer (filtered): the browser
  // brings it back to the end when it lays them out, so render the end.
  const at = Math.min(Math.max(0, top), Math.max(0, count * rowHeight - viewport));
  const first = Math.floor(at / rowHeight);
  const last = Math.ceil((at + viewport) / rowHeight);
  const start = Math.min(count, Math.max(0, first - overscan));
  return { start, end: Math.min(count, Math.max(start, last + overscan)) };
}

export interface FixedRowWindowOptions {
  /** The scroll container, once rendered. */
  readonly scroller: () => HTMLElement | null;
  /** Any rendered row, to measure the height of all. */
  readonly sampleRow: () => HTMLElement | null;
  /** The height assumed until a row has been measured. */
  readonly estimate: number;
  /** Rows rendered beyond each edge of the view. */
  readonly overscan: number;
}

export class FixedRowWindow implements ReactiveController {
  readonly #host: ReactiveElement;
  readonly #options: FixedRowWindowOptions;
  #rowHeight: number;
  #count = 0;
  #rendered: RowRange = { start: 0, end: 0 };
  #scroller: HTMLElement | null = null;
  /** The scroller's height and scroll position as last read; null: to be read (once laid out). */
  #viewport: number | null = null;
  #top = 0;
  /** Whether `#rowHeight` was measured since the scroller last changed size. */
  #measured = false;
  /** The scroller's size changes when the window does, and when a hidden pane is shown again. */
  #resizes: ResizeObserver | null = null;

  constructor(host: ReactiveElement, options: FixedRowWindowOptions) {
    if (options.estimate <= 0) throw new TypeError('a row height estimate must be positive');
    this.#host = host;
    this.#options = options;
    this.#rowHeight = options.estimate;
    host.addController(this);
  }

  /** The height of one row, in CSS pixels. */
  get rowHeight(): number {
    return this.#rowHeight;
  }

  /** The rows of `count` to render now; call it from `render`. */
  range(count: number): RowRange {
    this.#count = count;
    this.#rendered = this.#wanted();
    return this.#rendered;
  }

  /** Scrolls row `index` into view whole, moving as little as possible, and renders what is then in view. */
  scrollToRow(index: number): void {
    const scroller = this.#scroller;
    if (!scroller) return;
    const top = index * this.#rowHeight;
    const bottom = top + this.#rowHeight;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (bottom > scroller.scrollTop + scroller.clientHeight)
      scroller.scrollTop = bottom - scroller.clientHeight;
    else return;
    this.#top = scroller.scrollTop;
    // The scroll event comes a frame later: render the rows now in view before focus moves there.
    this.#host.requestUpdate();
  }

  hostConnected(): void {
    this.#resizes = new ResizeObserver(this.#onResize);
    if (this.#scroller) this.#watch(this.#scroller);
  }

  hostDisconnected(): void {
    this.#resizes?.disconnect();
    this.#resizes = null;
    this.#scroller?.removeEventListener('scroll', this.#onScroll);
  }

  hostUpdated(): void {
    const scroller = this.#options.scroller();
    if (scroller !== this.#scroller) {
      this.#scroller?.removeEventListener('scroll', this.#onScroll);
      if (this.#scroller) this.#resizes?.unobserve(this.#scroller);
      this.#scroller = scroller;
      this.#forget();
      if (scroller) this.#watch(scroller);
    }
    // A hidden list lays nothing out (height 0): that is no height to place rows by.
    const height = this.#measured ? 0 : (this.#options.sampleRow()?.getBoundingClientRect().height ?? 0);
    if (height > 0) this.#measured = true;
    if (height > 0 && Math.abs(height - this.#rowHeight) >= 0.1) {
      this.#rowHeight = height;
      this.#host.requestUpdate();
    } else if (!sameRange(this.#wanted(), this.#rendered)) {
      // The first render could not know the scroller's size.
      this.#host.requestUpdate();
    }
  }

  #watch(scroller: HTMLElement): void {
    scroller.addEventListener('scroll', this.#onScroll, { passive: true });
    this.#resizes?.observe(scroller);
  }

  #wanted(): RowRange {
    const scroller = this.#scroller;
    if (scroller && this.#viewport === null) {
      // Kept only once laid out: a hidden list (height 0) is read again at the next render.
      const height = scroller.clientHeight;
      if (height > 0) this.#viewport = height;
      this.#top = scroller.scrollTop;
    }
    // Before the first render, or while hidden: as if the list filled the window.
    const viewport = this.#viewport ?? window.innerHeight;
    return rowsInView(this.#top, viewport, this.#rowHeight, this.#count, this.#options.overscan);
  }

  /** The scroller changed size (or is another one): its height, position and row height are read again. */
  #forget(): void {
    this.#viewport = null;
    this.#measured = false;
  }

  readonly #onScroll = (): void => {
    this.#top = this.#scroller?.scrollTop ?? 0;
    if (!sameRange(this.#wanted(), this.#rendered)) this.#host.requestUpdate();
  };

  readonly #onResize = (): void => {
    this.#forget();
    // In the next frame: rendering inside the observer's callback can resize what it observes
    // within its own loop ("ResizeObserver loop completed with undelivered notifications").
    requestAnimationFrame(() => this.#host.requestUpdate());
  };
}

function sameRange(a: RowRange, b: RowRange): boolean {
  return a.start === b.start && a.end === b.end;
}
