/**
 * Group commit for small writes that come in bursts: a group message sent to 16 members brings 16
 * acks (and, with the group open, 16 read receipts) back within a few milliseconds, each from its
 * own peer. Written one transaction each, they cost 16 transactions and, since each caller hears
 * back in its own task, 16 renders of the sender's view. Here the requests made in one task are
 * written together on the next microtask, and those made while that write runs wait for it and go
 * together in the next one: a burst costs a transaction or two, and its callers hear back in the
 * same task (the view renders once). A burst whose requests come over a few milliseconds (each
 * member acks once it has stored the message) can be given that long to gather (`gatherMs`).
 */
interface Queued<Request, Result> {
  request: Request;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export class WriteBatch<Request, Result> {
  readonly #write: (requests: readonly Request[]) => Promise<Result[]>;
  #queued: Queued<Request, Result>[] = [];
  #running = false;

  readonly #gatherMs: number;

  /**
   * `write` stores every request in one transaction and answers each in order. If it rejects, the
   * requests of that batch are written again one at a time, so a bad one fails only its own caller.
   * `gatherMs`: how long the first request of a burst waits for others to join it (0: until the
   * end of its task only).
   */
  constructor(write: (requests: readonly Request[]) => Promise<Result[]>, gatherMs = 0) {
    this.#write = write;
    this.#gatherMs = gatherMs;
  }

  /** Writes `request` with the others of its burst; settles with its own answer once committed. */
  run(request: Request): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#queued.push({ request, resolve, reject });
      if (this.#running) return;
      this.#running = true;
      // Without a wait, a microtask: requests made in the same task join without delaying the first.
      if (this.#gatherMs > 0) setTimeout(() => void this.#drain(), this.#gatherMs);
      else queueMicrotask(() => void this.#drain());
    });
  }

  async #drain(): Promise<void> {
    for (let batch = this.#take(); batch.length > 0; batch = this.#take()) {
      try {
        const results = await this.#write(batch.map((entry) => entry.request));
        batch.forEach((entry, i) => entry.resolve(results[i]!));
      } catch (error) {
        if (batch.length === 1) batch[0]!.reject(error);
        else
          for (const entry of batch) {
            await this.#write([entry.request]).then(
              ([result]) => entry.resolve(result!),
              (single: unknown) => entry.reject(single),
            );
          }
      }
    }
    this.#running = false;
  }

  #take(): Queued<Request, Result>[] {
    const batch = this.#queued;
    this.#queued = [];
    return batch;
  }
}
