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
import { cryptoProvider } from './crypto-provider.js';
import type { CryptoProvider } from './crypto-provider.js';
import { verifySignature } from './device-key.js';
import type { DeviceKey } from './device-key.js';

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
  /** Checks the signatures; this page's provider unless given. */
  readonly crypto?: CryptoProvider;
}

export class MessageVerifier {
  readonly #deps: MessageVerifierDeps;

  constructor(deps: MessageVerifierDeps) {
    this.#deps = deps;
  }

  /**
   * The verdict on each message, in order. A batch is checked at once: WebCrypto runs the
   * verifications in parallel off the main thread, and each author's key is imported once
   * (webcrypto-provider.ts keeps imported keys as `CryptoKey`s).
   */
  check(messages: readonly ChatMessage[]): Promise<Verdict[]> {
    const keys = new Map<string, Promise<PublicIdentity | null>>();
    const keyOf = (author: string): Promise<PublicIdentity | null> => {
      let key = keys.get(author);
      if (!key) keys.set(author, (key = this.#deps.pinned(author)));
      return key;
    };
    return Promise.all(
      messages.map(async (message): Promise<Verdict> => {
        if (message.sig === undefined) return 'unsigned';
        const key = await keyOf(message.author);
        if (!key) return 'unknown-key';
        return (await verifySignature(key, message.sig, messageStatement(message), this.#deps.crypto))
          ? 'valid'
          : 'invalid';
      }),
    );
  }
}
