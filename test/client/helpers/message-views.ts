/**
 * Message views as the log receives them, for component tests: a received text by alice with no
 * reactions, each test overriding what its case is about.
 */
import type { MessageView } from '../../../client/app/conversations/message-view.js';

/** The view of message `id` (one hex digit, repeated to an id) saying `text`. */
export function messageView(id: string, text: string, overrides: Partial<MessageView> = {}): MessageView {
  return {
    id: id.repeat(32),
    author: 'alice',
    text,
    file: null,
    sentAt: 1_700_000_000_000,
    own: false,
    state: 'received',
    deliveredCount: 0,
    recipientCount: 0,
    readCount: 0,
    reactions: [],
    ...overrides,
  };
}
