/**
 * The page's end of the verification worker (client/workers/verify-worker.ts): a batch of
 * signatures goes to the worker in one message and its verdicts come back in one. The worker
 * starts on the first batch and lives as long as the page. Where no Worker can start, or once the
 * worker fails (an `error` or `messageerror`, a reply that does not parse or does not fit its
 * batch, a refusal, or no answer within `answerWithinMs`), it is let go and every batch still
 * waiting, and every later one, is checked on the page instead: slower for the page, never wrong,
 * and a catch-up never waits on a dead worker. Nothing is transferred: the page keeps each batch
 * until its verdicts arrive, to re-check it if they do not.
 */
import { parseVerifyReply } from '../../workers/verify-messages.js';
import type { SignatureCheck, VerifyRequest } from '../../workers/verify-messages.js';
import type { CryptoProvider } from './crypto-provider.js';
import { verifySignature } from './device-key.js';

export type { SignatureCheck } from '../../workers/verify-messages.js';

/** Checks a batch of signatures: one boolean per item, in order. Never rejects. */
export interface BatchVerifier {
  verify(items: readonly SignatureCheck[]): Promise<boolean[]>;
  /** Batches are coming: get ready for them now (a worker starts), not on the first. */
  warm?(): void;
}

/**
 * Where scripts/build.mjs puts the worker's bundle, beside app.js. The browser tests' runner serves
 * the same bundle at the same path (web-test-runner.config.mjs).
 */
export const VERIFY_WORKER_URL = '/verify-worker.js';

/** Checks `items` here, on the page, with `crypto` (this page's provider unless given). */
export function verifyOnPage(items: readonly SignatureCheck[], crypto?: CryptoProvider): Promise<boolean[]> {
  return Promise.all(items.map((item) => verifySignature(item.identity, item.sig, item.statement, crypto)));
}

export interface WorkerVerifierOptions {
  /** Starts the worker; throws (or is absent) where the page cannot start one. */
  readonly start?: () => Worker;
  /**
   * How long a batch may wait for its verdicts before the worker counts as dead. Generous: a batch
   * of 256 takes ~20 ms, and a worker that answers late only costs the page the checks it re-does.
   */
  readonly answerWithinMs?: number;
}

interface Pending {
  readonly items: readonly SignatureCheck[];
  resolve(verdicts: boolean[]): void;
}

export class WorkerVerifier implements BatchVerifier {
  readonly #start: (() => Worker) | undefined;
  readonly #answerWithinMs: number;
  #worker: Worker | null = null;
  /** Why the worker is not used any more, once it is not. */
  #broken: string | null = null;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #deadline: ReturnType<typeof setTimeout> | null = null;

  constructor(options: WorkerVerifierOptions = {}) {
    this.#start = options.start;
    this.#answerWithinMs = options.answerWithinMs ?? 5000;
  }

  /** Why the worker is not used any more (batches are checked on the page), or null while it is. */
  get broken(): string | null {
    return this.#broken;
  }

  /**
   * Starts the worker now, where it can run: loading its script took ~100 ms of the first catch-up
   * batch in bench:groups when it started on that batch.
   */
  warm(): void {
    this.#started();
  }

  verify(items: readonly SignatureCheck[]): Promise<boolean[]> {
    if (items.length === 0) return Promise.resolve([]);
    const worker = this.#started();
    if (!worker) return verifyOnPage(items);
    const call = ++this.#next;
    const request: VerifyRequest = { type: 'verify', call, items: [...items] };
    return new Promise((resolve) => {
      this.#pending.set(call, { items, resolve });
      this.#armDeadline();
      try {
        worker.postMessage(request);
      } catch (error) {
        this.#fail(`the batch could not be posted: ${String(error)}`);
      }
    });
  }

  /** The worker, started on first use; null where none can run. */
  #started(): Worker | null {
    if (this.#broken !== null) return null;
    if (this.#worker) return this.#worker;
    try {
      if (!this.#start) throw new TypeError('this page cannot start a Worker');
      const worker = this.#start();
      worker.addEventListener('message', (event: MessageEvent<unknown>) => this.#receive(event.data));
      worker.addEventListener('messageerror', () => this.#fail('a reply could not be read'));
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        this.#fail(`it failed: ${event.message || 'it did not start'}`);
      });
      this.#worker = worker;
      return worker;
    } catch (error) {
      this.#fail(`it could not start: ${String(error)}`);
      return null;
    }
  }

  #receive(data: unknown): void {
    const reply = parseVerifyReply(data);
    if (typeof reply === 'string') return this.#fail(reply);
    if (reply.type === 'refused') return this.#fail(`it refused a batch: ${reply.detail}`);
    const pending = this.#pending.get(reply.call);
    if (!pending) return this.#fail(`a reply to call ${reply.call}, which is not waiting`);
    if (reply.verdicts.length !== pending.items.length) {
      return this.#fail(`${reply.verdicts.length} verdicts for ${pending.items.length} signatures`);
    }
    this.#pending.delete(reply.call);
    this.#armDeadline();
    pending.resolve(reply.verdicts);
  }

  /** The deadline runs while a batch waits, counted afresh from the latest answer or batch. */
  #armDeadline(): void {
    if (this.#deadline !== null) clearTimeout(this.#deadline);
    this.#deadline = null;
    if (this.#pending.size === 0) return;
    this.#deadline = setTimeout(
      () => this.#fail(`no answer within ${this.#answerWithinMs} ms`),
      this.#answerWithinMs,
    );
  }

  /** Lets the worker go and checks every waiting batch on the page. */
  #fail(reason: string): void {
    if (this.#broken !== null) return;
    this.#broken = reason;
    console.warn(`[parley] the verify worker is not used any more (${reason}); signatures are checked here`);
    if (this.#deadline !== null) clearTimeout(this.#deadline);
    this.#deadline = null;
    this.#worker?.terminate();
    this.#worker = null;
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    for (const pending of waiting) void verifyOnPage(pending.items).then(pending.resolve);
  }
}

let shared: WorkerVerifier | undefined;

/** This page's verification worker, shared by every verifier, started on its first batch. */
export function pageWorkerVerifier(): WorkerVerifier {
  shared ??= new WorkerVerifier({
    ...(typeof Worker === 'undefined'
      ? {}
      : { start: () => new Worker(VERIFY_WORKER_URL, { type: 'module', name: 'parley-verify' }) }),
  });
  return shared;
}
