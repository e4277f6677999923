/**
 * The bounded path of relayed signals to other nodes. Frames for one node are joined into one
 * PUBLISH (lines of key, frame, key, frame…); at most `maxInFlight` publishes await Redis at once
 * and a new one is sent only when one is answered (Centrifugo's "smart batching": collect while the
 * previous pipeline is out, send what collected, capped per batch). What waits here and what is in
 * flight together never exceed `maxBacklogBytes`: past that, `offer` refuses the frame (shed) instead
 * of queueing it. Unbounded, a node offered more than Redis and the other node carry queued its
 * publishes past the command timeout, and then nearly every frame was lost, late, after costing
 * memory; bounded, what is accepted is sent within a fraction of the timeout and only the excess is
 * lost, at once and counted.
 */

export interface RelayWindowOptions {
  /** Sends one batch to `node`; settles when Redis answers or the command fails. */
  publish(node: string, payload: string): Promise<unknown>;
  /** Bytes queued here plus bytes in unanswered publishes, at most. */
  maxBacklogBytes: number;
  /** Publishes awaiting Redis' answer, at most. */
  maxInFlight: number;
  /** Bytes of one PUBLISH, at most (one frame larger than this goes alone). */
  maxBatchBytes: number;
}

/** Frames waiting for one node: key, frame, key, frame… and their bytes (lines with separators). */
interface Queue {
  lines: string[];
  bytes: number;
}

export class RelayWindow {
  private readonly queues = new Map<string, Queue>();
  private backlog = 0;
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly options: RelayWindowOptions) {
    const { maxBacklogBytes, maxInFlight, maxBatchBytes } = options;
    if (!(maxInFlight >= 1) || !(maxBatchBytes >= 1) || !(maxBacklogBytes >= maxBatchBytes)) {
      throw new TypeError('relay window: need maxInFlight ≥ 1 and maxBacklogBytes ≥ maxBatchBytes ≥ 1');
    }
  }

  /** Bytes queued and in flight now (never above `maxBacklogBytes`). */
  get backlogBytes(): number {
    return this.backlog;
  }

  /**
   * Queues `frame` for `key` on `node`, sent with the others of this event-loop turn. False if the
   * backlog is full: the frame is dropped (shed) and nothing is queued.
   */
  offer(node: string, key: string, frame: string): boolean {
    // Lengths in UTF-16 units: a bound on memory held, close enough to bytes for signals (ASCII JSON).
    const bytes = key.length + frame.length + 2;
    if (this.backlog + bytes > this.options.maxBacklogBytes) return false;
    let queue = this.queues.get(node);
    if (!queue) {
      queue = { lines: [], bytes: 0 };
      this.queues.set(node, queue);
    }
    queue.lines.push(key, frame);
    queue.bytes += bytes;
    this.backlog += bytes;
    if (!this.scheduled) {
      this.scheduled = true;
      // Once per turn, so the frames of one turn (many sockets read at once) share one PUBLISH.
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    }
    return true;
  }

  /** Sends batches while the window has room, taking nodes in turn. */
  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queues.size > 0) {
      for (const [node, queue] of this.queues) {
        if (this.inFlight >= this.options.maxInFlight) return;
        this.send(node, this.take(node, queue));
      }
    }
  }

  /** Takes up to one batch off `queue` (at least one frame); forgets the queue once empty. */
  private take(node: string, queue: Queue): { payload: string; bytes: number } {
    const { maxBatchBytes } = this.options;
    let bytes = 0;
    let end = 0;
    while (end < queue.lines.length) {
      const size = queue.lines[end]!.length + queue.lines[end + 1]!.length + 2;
      if (end > 0 && bytes + size > maxBatchBytes) break;
      bytes += size;
      end += 2;
    }
    const lines = end === queue.lines.length ? queue.lines : queue.lines.splice(0, end);
    if (lines === queue.lines) this.queues.delete(node);
    else queue.bytes -= bytes;
    // Neither a name key nor a JSON text holds a raw newline.
    return { payload: lines.join('\n'), bytes };
  }

  private send(node: string, batch: { payload: string; bytes: number }): void {
    this.inFlight++;
    // Failures are the caller's to log (publish settles either way); the window only needs the end.
    void this.options
      .publish(node, batch.payload)
      .catch(() => undefined)
      .finally(() => {
        this.inFlight--;
        this.backlog -= batch.bytes;
        this.pump();
      });
  }
}
