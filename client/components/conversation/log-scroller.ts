/**
 * Virtual scrolling for a chat log (its host is the scroll container): only the rows in view and a
 * buffer around them are in the DOM, between two spacers that stand for the rest. Three habits of
 * a chat log are kept through re-renders, page loads and rows that change height as they render:
 * at the bottom it stays at the bottom as rows arrive; elsewhere the row at the top of the view
 * stays where it is (rows prepended above it, or measured taller, do not move what is read); and a
 * row asked for with `focus` is centred. It tells its owner when the view nears either end.
 *
 * The host renders `rows` (`data-row=${key}` on each row's element) between two spacer elements of
 * heights `topSpace` and `bottomSpace`, `data-spacer` on the first.
 */
import type { ReactiveController, ReactiveElement } from 'lit';
import { VirtualLayout } from './virtual-layout.js';

/** Pixels rendered beyond each edge of the view, so a scroll shows rows already laid out. */
const BUFFER_PX = 800;
/** Within this many rows of an end the owner hears of it (to read the next page in time). */
const EDGE_ROWS = 15;
/** Within this many pixels of the bottom counts as at the bottom. */
const BOTTOM_SLACK_PX = 40;

type Edge = 'start' | 'end';

export class LogScroller implements ReactiveController {
  readonly #host: ReactiveElement;
  readonly #nearEdge: (edge: Edge) => void;
  readonly #steady: (key: string) => boolean;
  readonly #layout = new VirtualLayout();
  #range = { start: 0, end: 0 };
  #stickToBottom = true;
  /** The row the view is kept on (the one at its top, or a focused one) and how far into it the view starts. */
  #anchor: { key: string; delta: number } | null = null;
  /** A row to centre once it is held. */
  #focus: string | null = null;
  /** `#viewport()` as last read; null once the host or the window was resized. */
  #viewportHeight: number | null = null;
  /** Where the first row starts in the host's scroll area (its padding). */
  #origin = 0;
  readonly #observed = new Set<HTMLElement>();
  /** Rows that change height later (a photo loaded, a reaction added). */
  #resizes: ResizeObserver | null = null;
  /** Whether the last row is the newest there is: only then does the view follow the bottom. */
  #endIsNewest = true;
  /** The spacers' heights as last rendered. */
  #spaces = { top: 0, bottom: 0 };
  /** Rows were given or measured anew, or the view was asked to move, since it was last placed. */
  #moved = true;
  /** The key of the first and last row when the owner was last told of that end. */
  readonly #told: Record<Edge, string | null> = { start: null, end: null };

  /**
   * `nearEdge` hears when the rendered rows come near an end. `steady` says whether a row keeps its
   * key wherever it goes (a day separator's key may change when a page comes in before it): only
   * those hold the view in place.
   */
  constructor(
    host: ReactiveElement,
    nearEdge: (edge: Edge) => void,
    steady: (key: string) => boolean = () => true,
  ) {
    this.#host = host;
    this.#nearEdge = nearEdge;
    this.#steady = steady;
    host.addController(this);
  }

  /** The rows in order, with a guess of each one's height; call before the render that shows them. */
  setRows(keys: readonly string[], estimate: (index: number) => number): void {
    if (!this.#layout.setRows(keys, estimate)) return;
    this.#moved = true;
    this.#host.requestUpdate();
  }

  /**
   * Whether the last row given is the newest there is. When it is not, reaching the bottom asks for
   * more instead of following new rows there.
   */
  set endIsNewest(newest: boolean) {
    this.#endIsNewest = newest;
    this.#moved = true;
    if (!newest) this.#stickToBottom = false;
  }

  /** Centres row `key` (now, or once it is held) and stops following the bottom. */
  focus(key: string): void {
    this.#focus = key;
    this.#moved = true;
    this.#stickToBottom = false;
    this.#host.requestUpdate();
  }

  /** The rows to render: indexes `[start, end)` of those given to `setRows`. */
  get rows(): { start: number; end: number } {
    return this.#range;
  }

  get topSpace(): number {
    return this.#layout.offsetAt(this.#range.start);
  }

  get bottomSpace(): number {
    return this.#layout.total - this.#layout.offsetAt(this.#range.end);
  }

  hostConnected(): void {
    this.#host.addEventListener('scroll', this.#onScroll, { passive: true });
    window.addEventListener('resize', this.#forgetViewport);
    this.#resizes = new ResizeObserver((entries) => this.#onResize(entries));
    this.#resizes.observe(this.#host);
    for (const row of this.#observed) this.#resizes.observe(row);
  }

  hostDisconnected(): void {
    this.#host.removeEventListener('scroll', this.#onScroll);
    window.removeEventListener('resize', this.#forgetViewport);
    this.#resizes?.disconnect();
    this.#resizes = null;
    this.#viewportHeight = null;
  }

  /** Whether the rows now measured would render other rows, or other spacers, than those rendered. */
  #wouldRenderOtherwise(): boolean {
    const { start, end } = this.#range;
    const top = this.#targetTop() ?? this.#host.scrollTop - this.#origin;
    const next = this.#layout.range(top - BUFFER_PX, top + this.#viewport() + BUFFER_PX);
    return (
      next.start !== start ||
      next.end !== end ||
      this.topSpace !== this.#spaces.top ||
      this.bottomSpace !== this.#spaces.bottom
    );
  }

  /** Before each render: where the view will be, hence which rows to render. */
  hostUpdate(): void {
    const focus = this.#focus;
    const index = focus === null ? undefined : this.#layout.indexOf(focus);
    if (focus !== null && index !== undefined) {
      this.#focus = null;
      const height = this.#layout.heightAt(index);
      this.#anchor = { key: focus, delta: (height - this.#viewport()) / 2 };
    }
    const top = this.#targetTop() ?? this.#host.scrollTop - this.#origin;
    const before = { ...this.#range, ...this.#spaces };
    this.#range = this.#layout.range(top - BUFFER_PX, top + this.#viewport() + BUFFER_PX);
    this.#spaces = { top: this.topSpace, bottom: this.bottomSpace };
    // Other rows, or spacers of other heights: what is rendered moves, and the view is placed again.
    const { start, end } = this.#range;
    if (start !== before.start || end !== before.end) this.#moved = true;
    if (this.#spaces.top !== before.top || this.#spaces.bottom !== before.bottom) this.#moved = true;
  }

  /**
   * After each render: measure the rows it added, put the view where it belongs, look at the ends.
   * New rows are measured once the elements inside them have rendered too (a message's reactions
   * and actions are elements of their own, which render after the log): measured before, a row
   * came out short, and the log rendered twice more to correct it. A render that added no row and
   * moved none (a message's state changed: the sender's view, as acks come in) reads no layout at
   * all: rows already there report their own changes of height (`#onResize`).
   */
  hostUpdated(): void {
    const added = this.#observeRows();
    if (added.length > 0) void this.#measure(added);
    else if (this.#moved) this.#settle();
    else this.#checkEdges();
  }

  /** Measures `rows` once what is inside them has rendered (still before paint), then places the view. */
  async #measure(rows: readonly HTMLElement[]): Promise<void> {
    const inner = rows.flatMap((row) => [...row.querySelectorAll('*')]);
    await Promise.allSettled(inner.map((element) => (element as Partial<ReactiveElement>).updateComplete));
    let moved = false;
    for (const row of rows) {
      const key = row.dataset['row'];
      if (key === undefined || !row.isConnected) continue;
      if (this.#layout.measure(key, row.getBoundingClientRect().height)) moved = true;
    }
    if (moved) {
      this.#moved = true;
      if (this.#wouldRenderOtherwise()) this.#host.requestUpdate();
    }
    this.#settle();
  }

  /** Puts the view where it belongs after rows moved, and looks at the ends. */
  #settle(): void {
    this.#moved = false;
    const spacer = this.#host.renderRoot.querySelector('[data-spacer]');
    if (spacer) {
      const box = this.#host.getBoundingClientRect();
      this.#origin = spacer.getBoundingClientRect().top - box.top + this.#host.scrollTop;
    }
    this.#place();
    this.#checkEdges();
  }

  /** The view's top, in layout pixels, that the rules ask for; null: where the reader left it. */
  #targetTop(): number | null {
    if (this.#stickToBottom) return Math.max(0, this.#layout.total - this.#viewport());
    const anchor = this.#anchor;
    const index = anchor ? this.#layout.indexOf(anchor.key) : undefined;
    if (!anchor || index === undefined) return null;
    return this.#layout.offsetAt(index) + anchor.delta;
  }

  /** Scrolls to the target, then renders again if that shows rows not rendered. */
  #place(): void {
    const host = this.#host;
    if (this.#stickToBottom) host.scrollTop = host.scrollHeight;
    else {
      const top = this.#targetTop();
      if (top !== null && Math.abs(host.scrollTop - this.#origin - top) >= 1) {
        host.scrollTop = this.#origin + top;
      }
    }
    this.#remember();
    const now = host.scrollTop - this.#origin;
    const wanted = this.#layout.range(now, now + this.#viewport());
    if (wanted.start < this.#range.start || wanted.end > this.#range.end) host.requestUpdate();
  }

  /**
   * The view's height: the host's, but never more than the window's (a host not given a height).
   * Kept until the host or the window is resized: read before each render, where other elements'
   * updates have just changed the DOM, it forced a layout of the whole page for every message.
   */
  #viewport(): number {
    this.#viewportHeight ??= Math.min(this.#host.clientHeight, window.innerHeight);
    return this.#viewportHeight;
  }

  readonly #forgetViewport = (): void => {
    this.#viewportHeight = null;
    this.#moved = true;
  };

  /** Notes the row at the top of the view, so a change above it does not move it. */
  #remember(): void {
    const top = this.#host.scrollTop - this.#origin;
    let { start } = this.#layout.range(top, top + 1);
    while (start + 1 < this.#layout.count && !this.#steady(this.#layout.keyAt(start) ?? '')) start += 1;
    const key = this.#layout.keyAt(start);
    this.#anchor = key === undefined ? null : { key, delta: top - this.#layout.offsetAt(start) };
  }

  readonly #onScroll = (): void => {
    const host = this.#host;
    this.#stickToBottom =
      this.#endIsNewest && host.scrollHeight - host.scrollTop - host.clientHeight < BOTTOM_SLACK_PX;
    this.#remember();
    const top = host.scrollTop - this.#origin;
    const wanted = this.#layout.range(top - BUFFER_PX / 2, top + this.#viewport() + BUFFER_PX / 2);
    if (wanted.start < this.#range.start || wanted.end > this.#range.end) host.requestUpdate();
    this.#checkEdges();
  };

  #onResize(entries: readonly ResizeObserverEntry[]): void {
    let moved = false;
    for (const entry of entries) {
      if (entry.target === this.#host) {
        // The view shows more or fewer rows now: render for the new height.
        this.#viewportHeight = null;
        moved = true;
        continue;
      }
      const row = entry.target as HTMLElement;
      const key = row.dataset['row'];
      // A row just taken out of the DOM reports a size of 0: it is not a height.
      if (key === undefined || !row.isConnected) continue;
      const height = entry.borderBoxSize[0]?.blockSize ?? row.offsetHeight;
      if (this.#layout.measure(key, height)) moved = true;
    }
    if (moved) this.#moved = true;
    // In the next frame: rendering now would observe new rows within this observer's own loop.
    if (moved) requestAnimationFrame(() => this.#host.requestUpdate());
  }

  /** Observes the rows rendered now (and no others); returns those not observed before. */
  #observeRows(): HTMLElement[] {
    const rows = new Set(this.#host.renderRoot.querySelectorAll<HTMLElement>('[data-row]'));
    for (const row of this.#observed) {
      if (rows.has(row)) continue;
      this.#resizes?.unobserve(row);
      this.#observed.delete(row);
    }
    const added: HTMLElement[] = [];
    for (const row of rows) {
      if (this.#observed.has(row)) continue;
      this.#resizes?.observe(row);
      this.#observed.add(row);
      added.push(row);
    }
    return added;
  }

  /** Tells the owner once per first (last) row when the rendered rows come near the start (end). */
  #checkEdges(): void {
    const count = this.#layout.count;
    if (count === 0) return;
    const first = this.#layout.keyAt(0) ?? null;
    const last = this.#layout.keyAt(count - 1) ?? null;
    if (this.#range.start < EDGE_ROWS && this.#told.start !== first) {
      this.#told.start = first;
      this.#nearEdge('start');
    }
    if (this.#range.end > count - EDGE_ROWS && this.#told.end !== last) {
      this.#told.end = last;
      this.#nearEdge('end');
    }
  }
}
