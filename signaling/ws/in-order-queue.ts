/**
 * Runs a connection's frames strictly in order. Most handlers finish synchronously; one that returns a
 * promise (a login awaiting scrypt, a group change awaiting the database) holds the frames after it
 * in a backlog until it settles, bounded in items and, with `sizeOf`, in bytes: a client setting up
 * a group's mesh sends hundreds of small signals meanwhile, a flood sends big frames.
 */
export class InOrderQueue<T> {
  private busy = false;
  private readonly backlog: T[] = [];
  private backlogBytes = 0;

  constructor(
    /** Handles one item; returns a promise only when it must finish before the next item starts. */
    private readonly handle: (item: T) => Promise<void> | undefined,
    /**
     * Called when a handler throws or its promise rejects. The queue goes on with the next item; the
     * owner decides whether there is one (a connection closes itself).
     */
    private readonly onFailure: (error: unknown) => void,
    private readonly maxBacklog: number,
    private readonly maxBacklogBytes = Infinity,
    private readonly sizeOf: (item: T) => number = () => 0,
  ) {}

  /** Runs `item` now or after the pending one. False when the backlog is full and `item` was dropped. */
  push(item: T): boolean {
    if (!this.busy) {
      this.run(item);
      return true;
    }
    const size = this.sizeOf(item);
    if (this.backlog.length >= this.maxBacklog || this.backlogBytes + size > this.maxBacklogBytes)
      return false;
    this.backlog.push(item);
    this.backlogBytes += size;
    return true;
  }

  /** Drops whatever waits (the connection closed). */
  clear(): void {
    this.backlog.length = 0;
    this.backlogBytes = 0;
  }

  private next(): T {
    const item = this.backlog.shift()!;
    this.backlogBytes -= this.sizeOf(item);
    return item;
  }

  private run(item: T): void {
    let pending: Promise<void> | undefined;
    try {
      pending = this.handle(item);
    } catch (error) {
      // A handler's bug must stay this connection's problem: thrown from a socket's 'message' event it
      // would be an uncaught exception, and Node would end the process and everyone's connection.
      this.onFailure(error);
      return;
    }
    if (!pending) return;
    this.busy = true;
    pending.catch(this.onFailure).finally(() => {
      this.busy = false;
      while (!this.busy && this.backlog.length > 0) this.run(this.next());
    });
  }
}
