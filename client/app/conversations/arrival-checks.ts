/**
 * What a message from another peer must satisfy before it is stored, beyond its shape: a date this
 * device can believe, and — for a message forwarded in a catch-up — an author who was in the group
 * when it was written and a seq that author could have reached. Pure functions over the directory,
 * called by the inbox (live messages) and group catch-up (`sync-batch`), so the receive path keeps
 * one place for these rules. Author signatures (identity/message-signing.ts) come on top; these
 * stand regardless (a member can sign nonsense in their own name).
 */
import { MAX_SYNC_BATCH } from '../../../shared/peer-protocol.js';
import type { ChatMessage, DeletedMessage } from '../../../shared/peer-protocol.js';
import type { Verdict } from '../identity/message-signing.js';
import type { Directory } from '../roster/directory.js';
import type { Warn } from '../warn.js';

/**
 * How far another device's clock may differ from this one's. A message dated further ahead than
 * this is refused: its date would sort it (and, before, break rendering) for as long as it is stored.
 */
export const CLOCK_MARGIN_MS = 10 * 60_000;

/**
 * How far past what this side holds of an author (its contiguous head plus the batch's own run) a
 * forwarded seq may reach: room for a forwarder's own gaps, but no `seq: 999999`.
 */
export const SEQ_SLACK = MAX_SYNC_BATCH;

/**
 * Why `message`'s `sentAt` cannot be right, or null: not after `now` plus the clock margin, and in a
 * group not before the group was created nor before its author joined. The server's clock dates
 * those, the author's the message: both less the margin. A direct conversation has no known start.
 */
export function sentAtProblem(message: ChatMessage, directory: Directory, now: number): string | null {
  if (message.sentAt > now + CLOCK_MARGIN_MS) return 'dated in the future';
  const group = directory.group(message.conversation);
  if (!group) return null;
  if (message.sentAt < group.createdAt - CLOCK_MARGIN_MS) return 'dated before its group existed';
  if (message.sentAt < directory.memberSince(message.conversation, message.author) - CLOCK_MARGIN_MS) {
    return 'dated before its author joined';
  }
  return null;
}

/**
 * Why a message forwarded into group `conversation` may not be stored, or null: it belongs to that
 * group, is not in this user's name (nobody may tell us what we said), its author is a member who
 * had joined before writing it, and it was written after this user joined.
 */
export function forwardedProblem(
  conversation: string,
  message: ChatMessage,
  directory: Directory,
  now: number,
): string | null {
  if (message.conversation !== conversation) return 'of another conversation';
  if (message.author === directory.me) return 'in our own name';
  if (!directory.isMember(conversation, message.author)) return 'by someone who is not in the group';
  const dated = sentAtProblem(message, directory, now);
  if (dated) return dated;
  // Exactly, as the forwarder selects what it sends: nothing from before we joined is ours to have.
  if (message.sentAt < directory.memberSince(conversation, directory.me)) return 'from before we joined';
  return null;
}

/**
 * The messages of a forwarded batch whose seq is past what this side holds of their author (`held`:
 * each author's highest seq stored here) plus the batch's own contiguous run from there plus
 * `SEQ_SLACK`: a seq the author could not have reached as far as this side knows. (A hole below
 * the highest does not hold a batch back: catch-up asks from the contiguous head, and fills it.)
 */
export function seqReach(
  messages: readonly ChatMessage[],
  held: ReadonlyMap<string, number>,
): { beyond: Set<ChatMessage> } {
  const byAuthor = new Map<string, ChatMessage[]>();
  for (const message of messages) {
    const list = byAuthor.get(message.author) ?? [];
    list.push(message);
    byAuthor.set(message.author, list);
  }
  const beyond = new Set<ChatMessage>();
  for (const [author, list] of byAuthor) {
    const head = held.get(author) ?? 0;
    const seqs = new Set(list.map((message) => message.seq));
    let run = head;
    while (seqs.has(run + 1)) run += 1;
    for (const message of list) if (message.seq > run + SEQ_SLACK) beyond.add(message);
  }
  return { beyond };
}

/**
 * Why a forwarded deleted message's place is not what its tombstone names, or null: the tombstone
 * must be one (a `tombstone` body), by the same author in the same conversation, for this message
 * id at this seq and date with this statement hash. Its signature is checked on top.
 */
export function placeProblem(deleted: DeletedMessage): string | null {
  const { tombstone } = deleted;
  const body = tombstone.tombstone;
  if (!body) return 'without a tombstone';
  if (tombstone.author !== deleted.author) return `with a tombstone by ${tombstone.author}`;
  if (tombstone.conversation !== deleted.conversation) return 'with a tombstone of another conversation';
  if (body.target !== deleted.id) return 'with a tombstone for another message';
  const samePlace = body.seq === deleted.seq && body.sentAt === deleted.sentAt && body.hash === deleted.hash;
  return samePlace ? null : 'with a tombstone naming another place';
}

/** A deleted message's place as a bodiless message: what the arrival checks read of it. */
export function placeAsMessage(deleted: DeletedMessage): ChatMessage {
  const { id, conversation, author, seq, sentAt } = deleted;
  return { id, conversation, author, seq, sentAt };
}

export function warnConflict(warn: Warn, peer: string, id: string): void {
  warn(`${peer} sent message ${id} with another body than the one stored: the stored one stays`);
}

/** Whether two copies of one message id say different things. */
export function differsFrom(stored: ChatMessage, incoming: ChatMessage): boolean {
  return bodyKey(stored) !== bodyKey(incoming);
}

function bodyKey(message: ChatMessage): string {
  const { conversation, author, seq, sentAt, text, file, reaction, edit, tombstone, replyTo } = message;
  const body = [text, file, reaction, edit, tombstone, replyTo].map((part) => part ?? null);
  return JSON.stringify([conversation, author, seq, sentAt, ...body]);
}

/** Why a signature verdict refuses a message from a peer, or null when it is good. */
export function signatureProblem(verdict: Verdict): string | null {
  switch (verdict) {
    case 'valid':
      return null;
    case 'unsigned':
      return 'without a signature';
    case 'invalid':
      return 'whose signature does not verify';
    case 'unknown-key':
      return 'by an author whose key is not known';
  }
}
