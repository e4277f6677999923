/** What the UI shows of one stored message. A file message's transfer view comes from files/. */
import { isSigned } from '../../storage/stored-message.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import type { FileView } from '../files/file-view.js';
import type { Amended } from './message-edits.js';
import type { ReactionSummary } from './reactions.js';

// Components read every view type of a message from here.
export type { FileState, FileView } from '../files/file-view.js';

/**
 * `sending`: not yet handed to a connection; `sent`: on its way; `delivered`: stored by every
 * recipient; `read`: on every recipient's screen.
 */
export type DeliveryState = 'sending' | 'sent' | 'delivered' | 'read' | 'received';

/**
 * What is known of who wrote it: `signed` (its author's key signed it: checked on arrival, or our
 * own), `unverified` (forwarded, signed, its author's key not known here yet: checked once it is),
 * `unsigned` (stored before messages were signed: shown as it always was).
 */
export type Authorship = 'signed' | 'unverified' | 'unsigned';

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
  /** Absent: `signed` (views made before signatures existed, in tests). */
  readonly authorship?: Authorship;
  /** Its author changed its text (the text above is the latest); absent: not edited. */
  readonly edited?: boolean;
  /** Its author deleted it for everyone: text and file are gone; absent: not deleted. */
  readonly deleted?: boolean;
  /** A reply: what it answers; absent or null: not a reply. */
  readonly replyTo?: ReplyQuote | null;
}

/** The message a reply answers, as the reply quotes it. */
export interface ReplyQuote {
  readonly id: string;
  /** Empty when the answered message is not loaded here. */
  readonly author: string;
  /** The start of its text (or file name); empty when not loaded or deleted. */
  readonly snippet: string;
}

/** How much of an answered message a quote shows. */
export const QUOTE_LENGTH = 80;

export function toMessageView(
  message: StoredMessage,
  me: string,
  file: FileView | null = null,
  reactions: readonly ReactionSummary[] = [],
  amended: Amended | null = null,
  replyTo: ReplyQuote | null = null,
): MessageView {
  const own = message.author === me;
  const deleted = amended?.deleted === true || message.deleted === true;
  return {
    id: message.id,
    author: message.author,
    text: deleted ? '' : (amended?.text ?? message.text ?? ''),
    file: deleted ? null : file,
    sentAt: message.sentAt,
    own,
    state: own ? deliveryState(message) : 'received',
    deliveredCount: message.deliveredTo.length,
    recipientCount: message.recipients.length,
    readCount: message.readBy?.filter((user) => message.recipients.includes(user)).length ?? 0,
    reactions,
    authorship: message.awaitingKey !== undefined ? 'unverified' : isSigned(message) ? 'signed' : 'unsigned',
    ...(amended?.edited && !deleted ? { edited: true } : {}),
    ...(deleted ? { deleted: true } : {}),
    ...(replyTo && !deleted ? { replyTo } : {}),
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
