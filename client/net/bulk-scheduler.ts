/**
 * Bulk data (file chunks) on one link, paced by the channel's queue and shared fairly among
 * sources. Text and control frames never pass through here: they go on the link's text lane (see
 * peer-connection.ts), so a chat message waits behind no chunk at all; `highWater` bounds memory.
 */

/**
 * How many bytes the channel may hold queued before bulk sending pauses. Chromium throws when its
 * send queue reaches 16 MiB; far below that, this was what a chat message waited behind while text
 * shared the channel with chunks (the table below is from then; text now has a lane of its own),
 * while throughput depends on the low mark (below) and not on this.
 *
 * Measured once while building this (a throwaway harness; bench:files now measures chat during a
 * transfer), 64 MiB of 64 KiB chunk frames, both ends in one
 * page on the busy 2-core machine, ~11–14 MB/s whatever the marks; a text frame every 20 ms):
 *   high / low      chat median   chat p99
 *   256 /  64 KiB     24–26 ms     50–78 ms   throughput dipped to 6–10 MB/s in some runs
 *   512 / 256 KiB     38–43 ms     71–84 ms
 *     1 MiB / 256     62–75 ms    116–150 ms
 *     4 MiB / 1 MiB  195–222 ms   310–500 ms
 * The scheduler moved as fast as a raw RTCDataChannel loop with the same marks at each of them
 * (within run-to-run noise). Latency is roughly the queued bytes over throughput, so on a quiet
 * machine (~45 MB/s) 512 KiB means a text waits ≤ ~12 ms. 512 / 256 KiB halves the latency of
 * 1 MiB / 256 KiB at no measured cost; 256 / 64 KiB gives the queue one frame of slack when JS is
 * busy, and that showed as the only throughput dips.
 */
export const BULK_HIGH_WATER = 512 * 1024;
/**
 * The channel's `bufferedAmountLowThreshold`: bulk sending resumes when the queue falls to this.
 * Its size is how long the sender's JS may be busy before the channel runs dry (~6 ms at 45 MB/s).
 */
export const BULK_LOW_WATER = 256 * 1024;

/**
 * A pass sends for at most this long in one task, then goes on in a later task, so what waits on the
 * page (a chat message being typed and sent) runs in between. `send` can block for milliseconds
 * while the browser's WebRTC thread is busy: in bench:files a sending page spent a fifth of a
 * transfer inside it, in passes of up to ~8 frames.
 */
export const BULK_SLICE_MS = 8;

export interface BulkSource {
  /** Next frame, or null when it has none ready now; it calls wake() when it has. */
  next(): Uint8Array | null;
}

/** What the scheduler needs of a connection; `PeerConnection` in the app. */
export interface BulkLink {
  readonly bufferedAmount: number;
  sendBinary(data: Uint8Array): boolean;
}

export interface BulkSchedulerOptions {
  /** Sending pauses while the link holds this many bytes queued; default `BULK_HIGH_WATER`. */
  highWater?: number;
  /** Longest a pass sends in one task, in ms; default `BULK_SLICE_MS`. */
  sliceMs?: number;
  /** The clock passes are timed by (ms); default `performance.now`. */
  now?: () => number;
}

export class BulkScheduler {
  readonly #link: BulkLink;
  readonly #highWater: number;
  readonly #sources: BulkSource[] = [];
  /** Index in `#sources` of the source whose turn is next: round robin. */
  #turn = 0;
  readonly #sliceMs: number;
  readonly #now: () => number;
  #wakeQueued = false;
  /** A pass that used up its slice goes on in a later task. */
  #laterQueued = false;
  #pumping = false;
  #closed = false;

  constructor(link: BulkLink, options: BulkSchedulerOptions = {}) {
    const highWater = options.highWater ?? BULK_HIGH_WATER;
    if (!Number.isInteger(highWater) || highWater <= 0)
      throw new TypeError('highWater must be a positive byte count');
    const sliceMs = options.sliceMs ?? BULK_SLICE_MS;
    if (!(sliceMs > 0)) throw new TypeError('sliceMs must be a positive number of ms');
    this.#link = link;
    this.#highWater = highWater;
    this.#sliceMs = sliceMs;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Starts pulling frames from `source`, in turn with the others. Adding it twice is a no-op. */
  add(source: BulkSource): void {
    if (this.#closed || this.#sources.includes(source)) return;
    this.#sources.push(source);
    this.wake();
  }

  /** Stops pulling from `source`; its `next` is not called again. */
  remove(source: BulkSource): void {
    const index = this.#sources.indexOf(source);
    if (index < 0) return;
    this.#sources.splice(index, 1);
    // Keep the turn on the source that had it, or on the one after a removed current source.
    if (index < this.#turn) this.#turn--;
    if (this.#turn >= this.#sources.length) this.#turn = 0;
  }

  /** A source has frames again. Many wakes in one task cost one pass, in a microtask. */
  wake(): void {
    if (this.#closed || this.#wakeQueued) return;
    this.#wakeQueued = true;
    queueMicrotask(() => {
      this.#wakeQueued = false;
      this.#pump();
    });
  }

  /** The link's queue fell to its low-water mark. */
  drained(): void {
    this.#pump();
  }

  /** Forgets every source and sends nothing more. */
  close(): void {
    this.#closed = true;
    this.#sources.length = 0;
  }

  /**
   * Sends frames, one source at a time in turn, until the queue is full or no source has one — or
   * until the pass has taken its slice of time; it then goes on in a later task.
   */
  #pump(): void {
    // A source's `next` may add, remove or wake; a nested pass would break the turn order.
    if (this.#pumping) return;
    this.#pumping = true;
    const started = this.#now();
    let sent = 0;
    try {
      // `idle` counts sources in a row that had nothing: once all have been asked, stop.
      let idle = 0;
      while (!this.#closed && idle < this.#sources.length && this.#link.bufferedAmount < this.#highWater) {
        if (sent > 0 && this.#now() - started >= this.#sliceMs) return this.#pumpLater();
        const source = this.#sources[this.#turn]!;
        this.#turn = (this.#turn + 1) % this.#sources.length;
        const frame = source.next();
        if (!frame) {
          idle++;
          continue;
        }
        idle = 0;
        // False: the link is closing; whoever owns it closes this scheduler when it hears so.
        if (!this.#link.sendBinary(frame)) return;
        sent++;
      }
    } finally {
      this.#pumping = false;
    }
  }

  #pumpLater(): void {
    if (this.#laterQueued) return;
    this.#laterQueued = true;
    setTimeout(() => {
      this.#laterQueued = false;
      if (!this.#closed) this.#pump();
    }, 0);
  }
}
