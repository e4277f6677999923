/**
 * **Edit** and **Delete for everyone** of this user's own messages, as `ConversationSending` runs
 * them once it has checked the target is ours: an edit is a signed message naming its target and new
 * text; a deletion, a signed tombstone naming the target's place (so a member who never saw the
 * message can still hold its place), applied to this browser's storage at once.
 */
import { ErrorCode, ProtocolError } from '../../../shared/errors.js';
import { MessageText } from '../../../shared/peer-protocol.js';
import type { AccountStore } from '../../storage/account-store.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import { messageHash } from '../identity/message-signing.js';
import type { OutboxDelivery } from './outbox-delivery.js';

export interface OwnChangeDeps {
  readonly store: Pick<AccountStore, 'getMessage' | 'redactions'>;
  readonly delivery: Pick<OutboxDelivery, 'send'>;
}

/** Hears each stored message that changes what the conversation shows. */
type Shown = (message: StoredMessage) => void;

/** Sends the edit of message `target` to `text`. Throws `ProtocolError` for text the protocol refuses. */
export async function sendEdit(
  deps: OwnChangeDeps,
  conversation: string,
  target: string,
  text: string,
  shown: Shown,
): Promise<void> {
  checkText(text);
  await deps.delivery.send(conversation, { edit: { target, text } }, shown);
}

/** Sends the tombstone of message `target` and takes its text from this browser's storage. */
export async function sendDeletion(
  deps: OwnChangeDeps,
  conversation: string,
  target: string,
  shown: Shown,
): Promise<void> {
  const row = await deps.store.getMessage(target);
  if (!row || row.deleted) throw new TypeError(`message ${target} is not stored, or already deleted`);
  // Where it stood, signed with the tombstone: members who never saw it hold its place from that.
  const body = { target, seq: row.seq, sentAt: row.sentAt, hash: await messageHash(row) };
  let tombstone: StoredMessage | null = null;
  await deps.delivery.send(conversation, { tombstone: body }, (message) => {
    tombstone = message;
    shown(message);
  });
  if (!tombstone) return;
  const result = await deps.store.redactions.redact(tombstone);
  if (result.kind === 'redacted') shown(result.row);
}

/** Throws `ProtocolError` for text the protocol refuses (too long: its own code). */
export function checkText(text: string): void {
  const checked = MessageText.safeParse(text);
  if (checked.success) return;
  const tooLong = checked.error.issues.some((issue) => issue.message.includes('longer'));
  throw new ProtocolError(tooLong ? ErrorCode.TextTooLong : ErrorCode.BadFrame, checked.error.message);
}
