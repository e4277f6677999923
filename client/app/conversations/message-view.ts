/** What the UI shows of one stored message. */
import type { VoiceInfo } from '../../../shared/file-protocol.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import type { ReactionSummary } from './reactions.js';

/**
 * `sending`: not yet handed to a connection; `sent`: on its way; `delivered`: stored by every
 * recipient; `read`: on every recipient's screen.
 */
export type DeliveryState = 'sending' | 'sent' | 'delivered' | 'read' | 'received';

/**
 * Where a file is. `waiting`: incoming, and no one online has it to send (yet); `moving`: chunks are
 * flowing; `complete`: verified and stored (incoming) or stored by every recipient (outgoing);
 * `needs-file`: outgoing, the sender reloaded and must choose the file again; `failed`: cancelled,
 * corrupt or no room, with `detail` saying which in words.
 */
export type FileState = 'waiting' | 'moving' | 'complete' | 'needs-file' | 'failed';

/** A file message's transfer, as the log shows it. Immutable: a change makes a new view. */
export interface FileView {
  /** Safe to show and to save (shared `safeFileName`). */
  readonly name: string;
  readonly size: number;
  readonly type: string;
  readonly state: FileState;
  /** Bytes stored at the receiving end (outgoing, to several: summed over recipients, as is `total`). */
  readonly done: number;
  readonly total: number;
  /** While moving: measured speed, and seconds left at that speed; null until measured. */
  readonly bytesPerSecond: number | null;
  readonly secondsLeft: number | null;
  /** A sentence for a state that needs one: "Not enough storage: …", "alice cancelled it". */
  readonly detail: string | null;
  readonly canCancel: boolean;
  /** Incoming complete, or outgoing kept here: the file can be saved. */
  readonly canSave: boolean;
  /** Failed in a way that trying again may fix (corrupt, no room). */
  readonly canRetry: boolean;
  /** An object URL of the stored image, for a preview; the app revokes it when it goes. */
  readonly previewUrl: string | null;
  readonly voice: VoiceInfo | null;
}

export interface MessageView {
  readonly id: string;
  readonly author: string;
  /** Empty for a file message. */
  readonly text: string;
  readonly file: FileView | null;
  readonly sentAt: number;
  readonly own: boolean;
  readonly state: DeliveryState;
  /** Own messages: how many recipients have it, of how many. */
  readonly deliveredCount: number;
  readonly recipientCount: number;
  /** Own messages: how many recipients have had it on screen; absent: none. */
  readonly readCount?: number;
  /** The emoji people put on it, in order of appearance; the same array until they change. */
  readonly reactions: readonly ReactionSummary[];
}

export function toMessageView(
  message: StoredMessage,
  me: string,
  file: FileView | null = null,
  reactions: readonly ReactionSummary[] = [],
): MessageView {
  const own = message.author === me;
  return {
    id: message.id,
    author: message.author,
    text: message.text ?? '',
    file,
    sentAt: message.sentAt,
    own,
    state: own ? deliveryState(message) : 'received',
    deliveredCount: message.deliveredTo.length,
    recipientCount: message.recipients.length,
    readCount: message.readBy?.filter((user) => message.recipients.includes(user)).length ?? 0,
    reactions,
  };
}

function deliveryState(message: StoredMessage): DeliveryState {
  const readBy = message.readBy ?? [];
  if (message.recipients.length > 0 && message.recipients.every((r) => readBy.includes(r))) return 'read';
  if (message.recipients.length > 0 && message.recipients.every((r) => message.deliveredTo.includes(r))) {
    return 'delivered';
  }
  return message.sent ? 'sent' : 'sending';
}

/** The view's order: by time, then id, the same on every device. */
export function compareMessages(
  a: { sentAt: number; id: string },
  b: { sentAt: number; id: string },
): number {
  return a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
