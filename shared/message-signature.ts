/**
 * What an author signs for each message: a canonical text of everything the message says — its id,
 * conversation, author, seq, date, body (text, file offer, voice details or reaction) and the hash
 * of the same author's previous message in that conversation. A forwarding member can withhold a
 * message but cannot invent one (it lacks the author's key), alter one (one changed byte fails the
 * signature) or slip one into another conversation or position. The chain of `prev` hashes makes two
 * histories of one author visible. Wire shapes and the text only: the crypto is in
 * client/app/identity/message-signing.ts.
 */
import * as z from 'zod';

/** Tells a message statement apart from anything else the same key signs (the hello, group changes). */
export const MESSAGE_CONTEXT = 'parley-msg-v1';

/** SHA-256 of the author's previous statement in the conversation, as 64 lowercase hex digits. */
export const PrevHash = z.string().regex(/^[0-9a-f]{64}$/, 'prev must be 64 hex digits');

/** The fields a statement covers; `sig` is not among them. */
export interface Authored {
  id: string;
  conversation: string;
  author: string;
  seq: number;
  sentAt: number;
  prev?: string | undefined;
  text?: string | undefined;
  file?: unknown;
  reaction?: unknown;
  edit?: unknown;
  tombstone?: unknown;
  replyTo?: string | undefined;
}

/**
 * The exact text signed (as UTF-8): a JSON array, so no field can run into the next, and the body as
 * canonical JSON (object keys sorted, absent fields left out), so every receiver builds the same
 * text from the fields it parsed, whatever order the sender wrote them in.
 */
export function messageStatement(message: Authored): string {
  return `[${[
    JSON.stringify(MESSAGE_CONTEXT),
    JSON.stringify(message.id),
    JSON.stringify(message.conversation),
    JSON.stringify(message.author),
    String(message.seq),
    String(message.sentAt),
    JSON.stringify(message.prev ?? null),
    canonicalJson(bodyOf(message)),
  ].join(',')}]`;
}

/**
 * The body as signed. `replyTo` rides with the text (absent members are left out, so a plain text's
 * statement is what it was before replies existed).
 */
function bodyOf(message: Authored): Record<string, unknown> {
  if (message.text !== undefined) return { text: message.text, replyTo: message.replyTo };
  if (message.file !== undefined) return { file: message.file };
  if (message.edit !== undefined) return { edit: message.edit };
  if (message.tombstone !== undefined) return { tombstone: message.tombstone };
  return { reaction: message.reaction };
}

/** JSON with object keys in code-unit order and `undefined` members left out (RFC 8785's shape). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
