/** What the UI shows of one stored message. */
import type { StoredMessage } from '../storage/stored-message.js';

/** `sending`: not yet handed to a connection; `sent`: on its way; `delivered`: stored by every recipient. */
export type DeliveryState = 'sending' | 'sent' | 'delivered' | 'received';

export interface MessageView {
  readonly id: string;
  readonly author: string;
  readonly text: string;
  readonly sentAt: number;
  readonly own: boolean;
  readonly state: DeliveryState;
  /** Own messages: how many recipients have it, of how many. */
  readonly deliveredCount: number;
  readonly recipientCount: number;
}

export function toMessageView(message: StoredMessage, me: string): MessageView {
  const own = message.author === me;
  return {
    id: message.id,
    author: message.author,
    text: message.text,
    sentAt: message.sentAt,
    own,
    state: own ? deliveryState(message) : 'received',
    deliveredCount: message.deliveredTo.length,
    recipientCount: message.recipients.length,
  };
}

function deliveryState(message: StoredMessage): DeliveryState {
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
