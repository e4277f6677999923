/**
 * Signing own messages and checking others' (shared/message-signature.ts says what is signed). One
 * place on the way out (`MessageSigner.seal`, called by the outbox before a message is stored, so
 * the stored row, every re-send and every catch-up carry the same signed fields) and one on the way
 * in (`MessageVerifier.check`, called by the inbox and group catch-up before anything is stored).
 */
import { bytesToHex } from '../../../shared/identity-protocol.js';
import type { PublicIdentity } from '../../../shared/identity-protocol.js';
import { messageStatement } from '../../../shared/message-signature.js';
import type { Authored } from '../../../shared/message-signature.js';
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import { vouchers } from './chain-vouching.js';
import { cryptoProvider } from './crypto-provider.js';
import type { CryptoProvider } from './crypto-provider.js';
import type { DeviceKey } from './device-key.js';
import { pageWorkerVerifier, verifyOnPage } from './worker-verifier.js';
import type { BatchVerifier, SignatureCheck } from './worker-verifier.js';

const encoder = new TextEncoder();

/**
 * SHA-256 of a message's statement: what the author's next message names as its `prev`. A deleted
 * row's statement went with its text: it keeps the hash its author's tombstone named. Computed by
 * `crypto` (this page's provider unless a test injects one).
 */
export async function messageHash(
  message: Authored & { deleted?: true; hash?: string },
  crypto?: CryptoProvider,
): Promise<string> {
  if (message.deleted && message.hash !== undefined) return message.hash;
  const provider = crypto ?? (await cryptoProvider());
  return bytesToHex(await provider.digest('SHA-256', encoder.encode(messageStatement(message))));
}

export interface MessageSignerDeps {
  readonly key: Pick<DeviceKey, 'sign'>;
  /** This user's own message at `seq` of `conversation` as stored: where a chain resumes after a reload. */
  ownAt(conversation: string, seq: number): Promise<ChatMessage | undefined>;
  /** Hashes the chain; this page's provider unless given. */
  readonly crypto?: CryptoProvider;
}

export class MessageSigner {
  readonly #deps: MessageSignerDeps;
  /** conversation → the last message sealed here: its seq and (the promise of) its hash. */
  readonly #heads = new Map<string, { seq: number; hash: Promise<string> }>();

  constructor(deps: MessageSignerDeps) {
    this.#deps = deps;
  }

  /**
   * `message` with its `prev` (the hash of this author's message at seq − 1, none for seq 1) and its
   * `sig`. Calls for one conversation must come in seq order, as the outbox numbers them; the chain
   * is taken at the call, so a second seal need not wait for the first.
   */
  seal<T extends Authored>(message: T): Promise<T & { prev?: string; sig: string }> {
    const prev = this.#prevOf(message.conversation, message.seq);
    const linked = prev.then((hash) => (hash === undefined ? { ...message } : { ...message, prev: hash }));
    const hash = linked.then((sealed) => messageHash(sealed, this.#deps.crypto));
    this.#heads.set(message.conversation, { seq: message.seq, hash });
    return linked.then(async (sealed) => ({
      ...sealed,
      sig: await this.#deps.key.sign(messageStatement(sealed)),
    }));
  }

  #prevOf(conversation: string, seq: number): Promise<string | undefined> {
    if (seq <= 1) return Promise.resolve(undefined);
    const head = this.#heads.get(conversation);
    if (head?.seq === seq - 1) return head.hash;
    return this.#deps
      .ownAt(conversation, seq - 1)
      .then((row) => (row ? messageHash(row, this.#deps.crypto) : undefined));
  }
}

/**
 * What a message's signature says: `valid` (its author's pinned key signed exactly this), `invalid`
 * (it did not), `unsigned` (no `sig`: refused from peers), `unknown-key` (the author never proved a
 * key to this browser in a hello: nothing to check against yet).
 */
export type Verdict = 'valid' | 'invalid' | 'unsigned' | 'unknown-key';

export interface MessageVerifierDeps {
  /** The key pinned for `author` (identity-book.ts), or null when none is. */
  pinned(author: string): Promise<PublicIdentity | null>;
  /** Checks the signatures; this page's provider unless given (and then always on the page). */
  readonly crypto?: CryptoProvider;
  /**
   * Checks batches of at least `OFF_PAGE_BATCH` signatures: this page's verification worker
   * (worker-verifier.ts) unless given, or the page itself when only `crypto` is given.
   */
  readonly batches?: BatchVerifier;
}

/**
 * From this many signatures on, a batch is checked in the verification worker. Below it (a live
 * message, a short batch) the round trip to the worker costs more than the checks.
 */
export const OFF_PAGE_BATCH = 8;

export class MessageVerifier {
  readonly #deps: MessageVerifierDeps;

  constructor(deps: MessageVerifierDeps) {
    this.#deps = deps;
  }

  /**
   * The verdict on each message, in order; each author's key is looked up once. Chromium runs
   * `crypto.subtle.verify` synchronously on the calling thread (~0.06 ms each when measured: a
   * 1,000-message catch-up was one 60–100 ms task on the page's main thread), so a batch of
   * `OFF_PAGE_BATCH` or more goes to the verification worker in one message; fewer are checked here.
   */
  async check(messages: readonly ChatMessage[]): Promise<Verdict[]> {
    const keys = new Map<string, Promise<PublicIdentity | null>>();
    const keyOf = (author: string): Promise<PublicIdentity | null> => {
      let key = keys.get(author);
      if (!key) keys.set(author, (key = this.#deps.pinned(author)));
      return key;
    };
    const found = await Promise.all(
      messages.map((message) => (message.sig === undefined ? null : keyOf(message.author))),
    );
    const verdicts: Verdict[] = [];
    const candidates: number[] = [];
    messages.forEach((message, index) => {
      if (message.sig === undefined) verdicts.push('unsigned');
      else if (!found[index]) verdicts.push('unknown-key');
      else {
        verdicts.push('invalid');
        candidates.push(index);
      }
    });
    const checkOwn = async (indices: readonly number[]): Promise<void> => {
      const answers = await this.#verify(
        indices.map((index) => {
          const message = messages[index]!;
          return { identity: found[index]!, sig: message.sig!, statement: messageStatement(message) };
        }),
      );
      // Only an answer of exactly `true` makes a message valid.
      indices.forEach((index, at) => {
        if (answers[at] === true) verdicts[index] = 'valid';
      });
    };
    // One signature per run of an author's consecutive messages; the others in it are vouched for by
    // the next one's `prev` (chain-vouching.ts says why that is as good).
    const vouched =
      candidates.length < 2
        ? new Map<number, number[]>()
        : await vouchers(messages, candidates, (message) => messageHash(message, this.#deps.crypto));
    await checkOwn(candidates.filter((index) => !vouched.has(index)));
    // Highest seq first: the next message of each has its verdict by then.
    const linked = [...vouched.keys()].sort((a, b) => messages[b]!.seq - messages[a]!.seq);
    const unvouched: number[] = [];
    for (const index of linked) {
      if (vouched.get(index)!.some((next) => verdicts[next] === 'valid')) verdicts[index] = 'valid';
      else unvouched.push(index);
    }
    // Where the signature that would vouch failed, each message answers for itself (a forgery's path).
    if (unvouched.length > 0) await checkOwn(unvouched);
    return verdicts;
  }

  /** A catch-up is about to bring batches: whatever checks them gets ready now. */
  expectBatches(): void {
    this.#batchVerifier()?.warm?.();
  }

  #verify(checks: readonly SignatureCheck[]): Promise<boolean[]> {
    const batches = checks.length < OFF_PAGE_BATCH ? null : this.#batchVerifier();
    return batches ? batches.verify(checks) : verifyOnPage(checks, this.#deps.crypto);
  }

  /** What checks a big batch: the one given, else this page's worker — none when only `crypto` was given. */
  #batchVerifier(): BatchVerifier | null {
    const { crypto, batches } = this.#deps;
    return batches ?? (crypto ? null : pageWorkerVerifier());
  }
}
