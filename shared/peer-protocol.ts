/**
 * What peers send each other, over the signaling relay (to set up a connection) and over the data
 * channel (everything people say). A remote peer is as untrusted as the network: every frame goes
 * through `parsePeerFrame` / `parseSignalPayload` before anything else looks at it.
 */
import * as z from 'zod';
import { USERNAME_MAX_LENGTH } from './names.js';
import { FileAck, FileCancel, FileHash, FileInfo, FileReady, FileRequest } from './file-protocol.js';
import { HelloFrame, HelloProofFrame, SignatureHex } from './identity-protocol.js';
import { PrevHash } from './message-signature.js';
import { frameParser } from './protocol.js';

/**
 * 2: the hello carries a device key and nonce, and a `hello-proof` binds them to the DTLS session.
 * 3: every message is signed by its author (`prev`, `sig`: shared/message-signature.ts).
 */
export const PEER_PROTOCOL_VERSION = 3;

/** The largest message text, in UTF-8 bytes, enforced by the sender's composer and by every receiver. */
export const MAX_TEXT_BYTES = 16 * 1024;

/** How many ids one `ack` frame may carry. */
export const MAX_ACK_IDS = 256;

const Username = z
  .string()
  .min(1)
  .max(USERNAME_MAX_LENGTH * 4);

/** 128 random bits as 32 lowercase hex digits. */
export const MessageId = z.string().regex(/^[0-9a-f]{32}$/, 'id must be 32 hex digits');

/** Counts UTF-8 bytes without TextEncoder, which shared/ (no DOM, no Node) cannot assume. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export const MessageText = z
  .string()
  .min(1)
  .refine((text) => utf8ByteLength(text) <= MAX_TEXT_BYTES, `text is longer than ${MAX_TEXT_BYTES} bytes`)
  .refine((text) => text.trim().length > 0, 'text is blank');

/** A conversation id: `dm:<a>:<b>` for two people (names in code-unit order), or a group's id. */
export const ConversationId = z.string().min(1).max(200);

/** One emoji as a reaction: a short grapheme sequence (skin tones and ZWJ sequences included). */
export const ReactionEmoji = z
  .string()
  .min(1)
  .max(32)
  .refine((text) => !/[\s\p{Cc}]/u.test(text), 'a reaction is one emoji');

/**
 * A reaction, carried as a message body so it is stored, acked and caught up like any message: the
 * author sets (`on`) or removes `emoji` on message `target` of the same conversation. The latest
 * (by the author's seq) of an author's reactions with one emoji on one target wins.
 */
export const ReactionBody = z.strictObject({ target: MessageId, emoji: ReactionEmoji, on: z.boolean() });
export type ReactionBody = z.infer<typeof ReactionBody>;

/**
 * An edit, carried as a message body like a reaction: the author replaces the text of their own
 * message `target`. Receivers count it only when its author is the target's (the latest by seq wins).
 */
export const EditBody = z.strictObject({ target: MessageId, text: MessageText });
export type EditBody = z.infer<typeof EditBody>;

/**
 * "Delete for everyone", carried as a message body: the author's signed tombstone for their own
 * message `target`. Each member removes the target's text or file from its storage on receipt.
 * It also names where the target stood — its `seq`, `sentAt` and the `hash` of its statement (what
 * the author's next message names as `prev`) — so a member who never saw the target can hold its
 * place from the tombstone alone, on nobody else's word (`sync-deleted`).
 */
export const TombstoneBody = z.strictObject({
  target: MessageId,
  seq: z.number().int().positive(),
  sentAt: z.number().int().nonnegative(),
  hash: PrevHash,
});
export type TombstoneBody = z.infer<typeof TombstoneBody>;

/**
 * The fields of a message as authored. `seq` counts the author's messages in this conversation from
 * 1, with no gaps, so a receiver can tell what it lacks. A message carries exactly one body: `text`
 * (with `replyTo`, the id of the message it answers), a `file` (whose id is the message's id), a
 * `reaction`, an `edit` or a `tombstone`. `sig` is the author's signature of
 * `messageStatement` (shared/message-signature.ts), `prev` the hash of the author's previous message
 * in the conversation (absent for the first). Both are optional in the shape only because rows stored
 * before signing lack them: a receiver refuses a message from a peer without `sig`.
 */
export const CHAT_MESSAGE_FIELDS = {
  id: MessageId,
  conversation: ConversationId,
  author: Username,
  seq: z.number().int().min(1),
  sentAt: z.number().int().nonnegative(),
  text: MessageText.optional(),
  file: FileInfo.optional(),
  reaction: ReactionBody.optional(),
  edit: EditBody.optional(),
  tombstone: TombstoneBody.optional(),
  replyTo: MessageId.optional(),
  prev: PrevHash.optional(),
  sig: SignatureHex.optional(),
};

/**
 * Exactly one of `text`, `file`, `reaction`, `edit` and `tombstone`, and `replyTo` only on text: the
 * rule every message, sent, received or stored, keeps.
 */
export function hasOneBody(message: {
  text?: string | undefined;
  file?: unknown;
  reaction?: unknown;
  edit?: unknown;
  tombstone?: unknown;
  replyTo?: string | undefined;
}): boolean {
  if (message.replyTo !== undefined && message.text === undefined) return false;
  const bodies = [message.text, message.file, message.reaction, message.edit, message.tombstone];
  return bodies.filter((body) => body !== undefined).length === 1;
}

export const ChatMessage = z
  .strictObject(CHAT_MESSAGE_FIELDS)
  .refine(hasOneBody, 'a message has exactly one body (a reply is text)');
export type ChatMessage = z.infer<typeof ChatMessage>;

/** A message from its author, sent live to each recipient. */
const MessageFrame = z.strictObject({ type: z.literal('message'), message: ChatMessage });
/**
 * "I have these messages" (`ids`: stored, or held already). Of a forwarded batch, the ids not taken
 * (a check failed, or past what the receiver holds) come as `refused`: the sender's stream goes on,
 * but nothing of those counts as delivered.
 */
const Ack = z
  .strictObject({
    type: z.literal('ack'),
    ids: z.array(MessageId).max(MAX_ACK_IDS),
    refused: z.array(MessageId).min(1).max(MAX_ACK_IDS).optional(),
  })
  .refine((ack) => ack.ids.length > 0 || ack.refused !== undefined, 'an ack names at least one id');

/**
 * How many messages one `sync-batch` may carry (packed to about `SYNC_BATCH_TARGET_BYTES`, so small
 * ones fill it): each batch costs the receiver a few storage round trips whatever its size, so a
 * catch-up of 1,000 takes four, not sixteen.
 */
export const MAX_SYNC_BATCH = 256;
/** How many deleted places one `sync-deleted` may carry: each holds a whole tombstone message. */
export const MAX_SYNC_DELETED = 64;
/** How many authors one `sync-heads` may list. */
export const MAX_SYNC_AUTHORS = 1024;

/**
 * "Of this group's messages I hold, from each author, every seq up to `seq`": sent for each shared
 * group when a connection opens, so the other side can send what is missing.
 */
const SyncHeads = z.strictObject({
  type: z.literal('sync-heads'),
  conversation: ConversationId,
  heads: z
    .array(z.strictObject({ author: Username, seq: z.number().int().nonnegative() }))
    .max(MAX_SYNC_AUTHORS),
});
/** Messages the other side lacked, by any author: forwarded, so a member catches up from whoever is online. */
const SyncBatch = z.strictObject({
  type: z.literal('sync-batch'),
  conversation: ConversationId,
  messages: z.array(ChatMessage).min(1).max(MAX_SYNC_BATCH),
});

/**
 * A message its author deleted for everyone, forwarded in a catch-up instead of what it said: its
 * place (id, author, seq, date and statement hash, what the author's next message links to) and
 * the author's signed `tombstone` naming exactly that place. A receiver who lacks the message keeps
 * a deleted row there, so the author's seqs have no hole and later messages still chain to it.
 */
export const DeletedMessage = z.strictObject({
  id: MessageId,
  conversation: ConversationId,
  author: Username,
  seq: z.number().int().positive(),
  sentAt: z.number().int().nonnegative(),
  hash: PrevHash,
  tombstone: ChatMessage,
});
export type DeletedMessage = z.infer<typeof DeletedMessage>;
/** Deleted messages the other side lacked, in their place among a `sync-batch` stream; acked by id. */
const SyncDeleted = z.strictObject({
  type: z.literal('sync-deleted'),
  conversation: ConversationId,
  deleted: z.array(DeletedMessage).min(1).max(MAX_SYNC_DELETED),
});

/**
 * "I have sent you everything you lacked of `conversation`": the end of a catch-up stream (at once
 * when nothing was missing), so the asker asks the other members now instead of after a silence.
 */
const SyncDone = z.strictObject({ type: z.literal('sync-done'), conversation: ConversationId });

/** "I am typing in `conversation`": sent at most every few seconds while typing; never stored. */
const Typing = z.strictObject({ type: z.literal('typing'), conversation: ConversationId });
/** "I have read these messages of yours" (they were on my screen): the author marks them `read`. */
const Read = z.strictObject({
  type: z.literal('read'),
  conversation: ConversationId,
  ids: z.array(MessageId).min(1).max(MAX_ACK_IDS),
});

export const PeerFrame = z.discriminatedUnion('type', [
  HelloFrame,
  HelloProofFrame,
  MessageFrame,
  Ack,
  SyncHeads,
  SyncBatch,
  SyncDeleted,
  SyncDone,
  FileRequest,
  FileAck,
  FileCancel,
  FileHash,
  FileReady,
  Typing,
  Read,
]);
export type PeerFrame = z.infer<typeof PeerFrame>;
/** Everything but the handshake, which the peer layer runs before the app sees a connection. */
export type AppFrame = Exclude<PeerFrame, { type: 'hello' | 'hello-proof' }>;

/** Parses one text frame from a peer's data channel. Throws `ProtocolError`. */
/**
 * The largest peer frame, in UTF-8 bytes: under a data channel's 256 KiB `maxMessageSize`, and room
 * for one message of 16 KiB whose every character JSON escapes to six (`\u0001`).
 */
export const MAX_PEER_FRAME_BYTES = 192 * 1024;
/** What a sender aims for when packing a `sync-batch`; a single message may exceed it. */
export const SYNC_BATCH_TARGET_BYTES = 96 * 1024;

export const parsePeerFrame: (raw: string) => PeerFrame = frameParser(PeerFrame, MAX_PEER_FRAME_BYTES);

// ── connection set-up, carried opaquely by the signaling relay ────────────────────────────────

export { SignalPayload, parseSignalPayload } from './signal-payload.js';

/**
 * The one glare rule: of two users, the one whose name sorts first (by UTF-16 code units, the same
 * everywhere) starts the connection. The other asks with a `connect` signal.
 */
export function isInitiator(me: string, peer: string): boolean {
  return me < peer;
}

/** The Lobby: everyone online. Its members change with presence; it has no history to catch up. */
export const LOBBY_CONVERSATION = 'lobby';

/** The conversation id of a server-made group. */
export function groupConversationId(groupId: string): string {
  return `group:${groupId}`;
}

/** The group id of a group conversation, or null for any other conversation. */
export function groupIdOf(conversation: string): string | null {
  return conversation.startsWith('group:') ? conversation.slice(6) : null;
}

/** The conversation id of two people, the same on both sides. */
export function directConversationId(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

/** The other participant of a direct conversation, or null when `me` is not in it. */
export function directPeerOf(conversation: string, me: string): string | null {
  if (!conversation.startsWith('dm:')) return null;
  const [a, b, ...rest] = conversation.slice(3).split(':');
  if (a === undefined || b === undefined || rest.length > 0) return null;
  if (a === me) return b;
  if (b === me) return a;
  return null;
}
