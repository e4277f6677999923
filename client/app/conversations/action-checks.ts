/**
 * What an edit or a tombstone ("delete for everyone") must satisfy before it is stored: only the
 * author of a message may change or delete it. Called by the inbox (live) and group catch-up
 * (forwarded) beside the arrival checks. A target not stored here yet cannot be checked: the
 * message is stored, and the view's fold (message-edits.ts) counts it only if the authors match. A
 * tombstone must also name its target's place (seq, date, statement hash) as stored.
 */
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import { isLogEntry } from '../../storage/stored-message.js';
import { messageHash } from '../identity/message-signing.js';

/** Why `message` (an edit or tombstone) may not be stored, or null; null for any other message. */
export async function actionProblem(
  message: ChatMessage,
  getMessage: (id: string) => Promise<StoredMessage | undefined>,
): Promise<string | null> {
  const target = message.edit?.target ?? message.tombstone?.target;
  if (target === undefined) return null;
  const stored = await getMessage(target);
  if (!stored) return null;
  if (stored.conversation !== message.conversation) return 'that changes a message of another conversation';
  if (!isLogEntry(stored)) return 'that changes a reaction, edit or deletion';
  if (stored.author !== message.author) return `that changes a message of ${stored.author}'s`;
  const tombstone = message.tombstone;
  if (!tombstone) return null;
  // A tombstone names where its target stood (members who lack it hold the place from that): it
  // must be where the target is.
  if (tombstone.seq !== stored.seq || tombstone.sentAt !== stored.sentAt) return 'that names another place';
  if (tombstone.hash !== (await messageHash(stored))) return 'that names another statement hash';
  return null;
}
