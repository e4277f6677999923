/**
 * Messages signed the way a real author signs them (shared/message-signature.ts), by test keys held
 * in memory: a hostile peer in a test can then forward honest messages of others, and sign its own.
 */
import { messageStatement } from '../../../shared/message-signature.js';
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import { testKey } from './test-gate.js';
import type { TestKey } from './test-gate.js';

let drafted = 0;

/**
 * A text message of `conversation` by bob at seq 1, sent a second ago, with a fresh id: what the
 * catch-up tests forward, each overriding what its case is about.
 */
export function draft(conversation: string, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: (0xd0000 + ++drafted).toString(16).padStart(32, '0'),
    conversation,
    author: 'bob',
    seq: 1,
    sentAt: Date.now() - 1_000,
    text: 'the real thing',
    ...overrides,
  };
}

/** `message` with the signature of `key` over its statement (any `sig` it had is replaced). */
export async function signedBy(key: TestKey, message: ChatMessage): Promise<ChatMessage> {
  const { sig: _old, ...fields } = message;
  return { ...fields, sig: await key.sign(messageStatement(fields)) };
}

/** One test key per user, made on first use: `sign` signs each message with its author's key. */
export class TestKeys {
  readonly #keys = new Map<string, Promise<TestKey>>();

  of(user: string): Promise<TestKey> {
    let key = this.#keys.get(user);
    if (!key) this.#keys.set(user, (key = testKey()));
    return key;
  }

  /** Each message signed by its author's key. */
  sign(messages: readonly ChatMessage[]): Promise<ChatMessage[]> {
    return Promise.all(messages.map(async (message) => signedBy(await this.of(message.author), message)));
  }
}
