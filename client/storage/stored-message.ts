/**
 * The rows this folder keeps, and their validation. IndexedDB lives outside the type system: a row
 * may have been written by an older version of the app, edited in devtools or damaged, so every row
 * read back goes through these schemas before the app sees it.
 */
import * as z from 'zod';
import { CHAT_MESSAGE_FIELDS, ChatMessage, hasOneBody } from '../../shared/peer-protocol.js';
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import { SignatureHex } from '../../shared/identity-protocol.js';
import { PrevHash } from '../../shared/message-signature.js';

const Username = ChatMessage.shape.author;
const Timestamp = z.number().int().nonnegative();

/**
 * A message as this browser stores it. `z.object` (not strict) on purpose: an unknown extra field in
 * a stored row is dropped rather than hiding the whole message from its owner. The annotation makes
 * the compiler hold the schema to the interface below.
 */
export const StoredMessage: z.ZodType<StoredMessage> = z
  .object({
    ...CHAT_MESSAGE_FIELDS,
    // Before v7 the field was reserved as any short string: such a row stays readable (and is
    // never forwarded with it, see `toWire`).
    sig: z.string().max(512).optional(),
    recipients: z.array(Username),
    deliveredTo: z.array(Username),
    sent: z.boolean(),
    receivedAt: Timestamp.optional(),
    readBy: z.array(Username).optional(),
    awaitingKey: Username.optional(),
    deleted: z.literal(true).optional(),
    hash: PrevHash.optional(),
    deletedBy: ChatMessage.shape.id.optional(),
    proof: ChatMessage.optional(),
  })
  .refine(
    (row) => (row.deleted ? isBodiless(row) : hasOneBody(row)),
    'a message has exactly one body (text, file, reaction, edit or tombstone), a deleted one none',
  );

/** A deleted message keeps its place (id, author, seq) and nothing it said. */
function isBodiless(row: Partial<ChatMessage>): boolean {
  const parts = [row.text, row.file, row.replyTo, row.reaction, row.edit, row.tombstone];
  return parts.every((part) => part === undefined);
}

/** One message with its delivery state. */
export interface StoredMessage extends ChatMessage {
  /** Own messages: the users who must receive it. Incoming: []. */
  recipients: string[];
  /** Own messages: recipients who stored it (acked). */
  deliveredTo: string[];
  /** Own messages: handed to an open data channel at least once. */
  sent: boolean;
  /** Incoming: when it arrived here (ms since epoch). */
  receivedAt?: number;
  /** Own messages: recipients who had it on their screen (a `read` receipt); absent when none yet. */
  readBy?: string[];
  /**
   * Incoming, forwarded: signed, but its author's key is not known here yet (no hello with them), so
   * the signature is unchecked: the author's name (indexed, `by-awaiting-key`), until a hello pins
   * their key and the signature is checked (docs/identity.md). Absent: checked, or from before
   * signing (no `sig`: shown as unsigned).
   */
  awaitingKey?: string;
  /**
   * Its author deleted it for everyone (a `tombstone` message): its text, file and reply reference
   * are gone from this row — or never came: a row held for a message deleted before it reached this
   * browser (`sync-deleted`). Never forwarded as a message: its signature no longer covers what it
   * holds; a catch-up forwards its place with `deletedBy` instead.
   */
  deleted?: true;
  /**
   * Deleted rows: the hash of the statement the author signed for it, as its tombstone names it. The
   * author's next message links to it (`prev`); the text it was made from is gone.
   */
  hash?: string;
  /** Deleted rows: the id of the author's tombstone, forwarded with its place in a catch-up. */
  deletedBy?: string;
  /**
   * A deleted row held from a forwarded place while its author's key is not known here
   * (`awaitingKey`): the tombstone that vouches for it, checked once the key is; then dropped.
   */
  proof?: ChatMessage;
}

/**
 * "`to` has not acked message `id` yet": one row per recipient still lacking a message. Rows
 * written since issue 14 also name the message's `conversation`, so that a reader can pass over a
 * group's rows without reading each message (older rows lack it: their message is read).
 */
export interface OutboxRow {
  to: string;
  id: string;
  conversation?: string;
}

/** The outbox's rows; its key path is [to, id], so a damaged row still has both, just not as names. */
export const OutboxRow: z.ZodType<OutboxRow> = z.object({
  to: Username,
  id: ChatMessage.shape.id,
  conversation: ChatMessage.shape.conversation.optional(),
});

/** One row per conversation that has messages: what the conversation list shows. */
export const ConversationSummary: z.ZodType<ConversationSummary> = z.object({
  id: ChatMessage.shape.conversation,
  unread: z.number().int().nonnegative(),
  lastActivity: Timestamp,
  lastReadAt: Timestamp,
  muted: z.boolean().optional(),
});

/** A conversation's unread count and activity, for the conversation list and the tab title. */
export interface ConversationSummary {
  id: string;
  unread: number;
  /** The newest message's time (ms since epoch). */
  lastActivity: number;
  /** When the user last read it (ms since epoch); 0 when never. */
  lastReadAt: number;
  /** The user silenced its notifications; absent means not muted. */
  muted?: boolean;
}

/**
 * The row of a message from someone else, field by field: the caller's object may carry more (a
 * frame's own fields), and none of it may reach the database.
 */
export function toIncomingRow(message: ChatMessage, receivedAt: number): StoredMessage {
  return {
    ...toWire(message),
    recipients: [],
    deliveredTo: [],
    sent: false,
    receivedAt,
  };
}

/**
 * The authored message alone, without what this device stored about its delivery: what goes to a
 * peer. The other half of `toIncomingRow`, kept beside it so a new message field is added to both.
 */
export function toWire(message: ChatMessage): ChatMessage {
  const wire: ChatMessage = {
    id: message.id,
    conversation: message.conversation,
    author: message.author,
    seq: message.seq,
    sentAt: message.sentAt,
  };
  if (message.text !== undefined) wire.text = message.text;
  if (message.file !== undefined) wire.file = message.file;
  if (message.reaction !== undefined) wire.reaction = message.reaction;
  if (message.edit !== undefined) wire.edit = message.edit;
  if (message.tombstone !== undefined) wire.tombstone = message.tombstone;
  if (message.replyTo !== undefined) wire.replyTo = message.replyTo;
  if (message.prev !== undefined) wire.prev = message.prev;
  if (isSigned(message)) wire.sig = message.sig;
  return wire;
}

/** Whether a message is an entry of the log, not one folded into another (reaction, edit, tombstone). */
export function isLogEntry(message: Pick<ChatMessage, 'reaction' | 'edit' | 'tombstone'>): boolean {
  return message.reaction === undefined && message.edit === undefined && message.tombstone === undefined;
}

/** Whether a message carries a signature (rows from before v7 may hold something else in `sig`). */
export function isSigned(message: ChatMessage): message is ChatMessage & { sig: string } {
  return message.sig !== undefined && SignatureHex.safeParse(message.sig).success;
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(row)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Checks one stored row. Returns the typed row, or a `ProtocolError` (`ERR_BAD_ROW`) naming the
 * store and key, for the caller to report and skip.
 */
export function parseRow<T>(
  schema: z.ZodType<T>,
  store: string,
  key: IDBValidKey,
  raw: unknown,
): T | ProtocolError {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  return new ProtocolError(ErrorCode.BadRow, `${store} ${JSON.stringify(key)}: ${describe(result.error)}`);
}
