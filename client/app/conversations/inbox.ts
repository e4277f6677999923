/**
 * Messages from others as they arrive: live from their author (checked, shown at once, stored,
 * acked) or in a catch-up batch (stored in one transaction). Decides what counts as unread and what
 * raises a notification; the messenger owns what is open and whether the page is in view.
 */
import { ErrorCode } from '../../../shared/errors.js';
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import type { AccountStore } from '../../storage/account-store.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import type { PeerLinks } from '../peer-links.js';
import type { ConversationList } from '../roster/conversation-list.js';
import type { Directory } from '../roster/directory.js';
import type { OpenConversation } from './open-conversation.js';
import { flagConflicts, sentAtProblem } from './arrival-checks.js';
import { raisesAttention } from './reactions.js';

export interface InboxDeps {
  readonly links: Pick<PeerLinks, 'send' | 'warn'>;
  readonly directory: Directory;
  readonly store: AccountStore;
  /** The unread counts and contacts beside the conversation. */
  readonly list: Pick<ConversationList, 'active' | 'addUnread'>;
  /** A file message someone else wrote was stored: its transfer starts. */
  fileArrived(message: StoredMessage): Promise<void>;
  /** These messages of `conversation` arrived unseen: a system notification may say so. */
  notify(conversation: string, messages: readonly ChatMessage[]): void;
  /** `author`'s message came: they are no longer typing in `conversation`. */
  typingStopped(conversation: string, author: string): void;
  /** The conversation on screen, if any. */
  open(): OpenConversation | null;
  /** Whether the page is in view. */
  visible(): boolean;
  /** The open conversation is on screen: report what was read. */
  seen(): void;
  changed(): void;
}

export class Inbox {
  readonly #deps: InboxDeps;

  constructor(deps: InboxDeps) {
    this.#deps = deps;
  }

  /** A live message from `peer`: checked, stored (shown first if open), acked. */
  async receive(peer: string, message: ChatMessage): Promise<void> {
    const problem = this.#problemWith(peer, message);
    if (problem) {
      this.#deps.links.warn(`${peer} sent a message ${problem} (${ErrorCode.ForbiddenConversation})`);
      return;
    }
    if ((await this.#store(message)) === 'duplicate') {
      await flagConflicts(this.#deps.store, this.#deps.links.warn, peer, [message]);
    }
    // Acked even when a duplicate: the sender keeps re-sending until it hears this.
    this.#deps.links.send(peer, { type: 'ack', ids: [message.id] });
    // After the ack, so the author has stored its own message by the time the receipt arrives.
    if (this.#deps.open()?.conversation === message.conversation) this.#deps.seen();
    if (message.file) void this.#deps.fileArrived(incomingRow(message, Date.now()));
  }

  /** Shows a live message in the open conversation before it is stored, if it may be shown at all. */
  showArriving(peer: string, message: ChatMessage): void {
    const open = this.#deps.open();
    if (!open || open.conversation !== message.conversation || open.has(message.id)) return;
    // `receive` warns about a message that may not be delivered; here it is just not shown.
    if (this.#problemWith(peer, message)) return;
    open.upsert(incomingRow(message, Date.now()));
    this.#deps.changed();
  }

  /**
   * Why a live message from `peer` may not be delivered, or null when it may: live messages come from
   * their author, who must be in the conversation with us.
   */
  #problemWith(peer: string, message: ChatMessage): string | null {
    const { directory } = this.#deps;
    const { me } = directory;
    if (message.author !== peer || !directory.isMember(message.conversation, peer)) return 'it may not send';
    if (!directory.isMember(message.conversation, me)) return 'into a conversation we are not in';
    return sentAtProblem(message, directory, Date.now());
  }

  /** Shows and stores a message someone else wrote, already checked; counts it unread if unseen. */
  async #store(message: ChatMessage): Promise<'stored' | 'duplicate'> {
    const open = this.#deps.open();
    const inView = open?.conversation === message.conversation;
    // A reaction is never unread: it only changes how its message looks.
    const seen = (inView && this.#deps.visible()) || !raisesAttention(message);
    const receivedAt = Date.now();
    // Shown at once, stored right after: the ack waits for the store, so a message that fails to
    // be stored is sent again.
    if (open && inView && !open.has(message.id)) {
      open.upsert(incomingRow(message, receivedAt));
      this.#deps.changed();
    }
    const result = await this.#deps.store.addIncomingMessage(message, { unread: !seen, receivedAt });
    if (result === 'duplicate') return result;
    // A reaction only changes how its message looks: it is not news, so it does not list the
    // conversation as active (nor stop its author's typing).
    if (!raisesAttention(message)) return result;
    this.#deps.typingStopped(message.conversation, message.author);
    if (!seen) this.#deps.notify(message.conversation, [message]);
    this.#deps.list.active(message.conversation);
    if (!seen) {
      this.#deps.list.addUnread(message.conversation, 1);
      this.#deps.changed();
    }
    return result;
  }

  /** Like `#store`, for a catch-up batch of one conversation from `peer`, in one transaction. */
  async storeBatch(peer: string, conversation: string, messages: readonly ChatMessage[]): Promise<void> {
    const open = this.#deps.open();
    const inView = open?.conversation === conversation;
    const seen = inView && this.#deps.visible();
    const receivedAt = Date.now();
    // Reactions are never unread: stored apart from the messages that count.
    const news = messages.filter(raisesAttention);
    const reactions = messages.filter((message) => !raisesAttention(message));
    const counted =
      news.length > 0
        ? await this.#deps.store.addIncomingBatch(conversation, news, { unread: !seen, receivedAt })
        : [];
    const stored =
      reactions.length > 0
        ? [
            ...counted,
            ...(await this.#deps.store.addIncomingBatch(conversation, reactions, {
              unread: false,
              receivedAt,
            })),
          ]
        : counted;
    const fresh = new Set(stored);
    const known = messages.filter((message) => !fresh.has(message.id));
    if (known.length > 0) await flagConflicts(this.#deps.store, this.#deps.links.warn, peer, known);
    if (stored.length === 0) return;
    if (!seen)
      this.#deps.notify(
        conversation,
        messages.filter((message) => fresh.has(message.id)),
      );
    for (const message of messages) {
      if (!fresh.has(message.id)) continue;
      if (open && inView) open.upsert(incomingRow(message, receivedAt));
      if (message.file) void this.#deps.fileArrived(incomingRow(message, receivedAt));
    }
    // Only new messages make a conversation active; a batch of reactions alone does not.
    if (counted.length > 0) this.#deps.list.active(conversation);
    if (!seen && counted.length > 0) this.#deps.list.addUnread(conversation, counted.length);
    this.#deps.changed();
    if (seen) this.#deps.seen();
  }
}

/** Someone else's message as stored here. */
export function incomingRow(message: ChatMessage, receivedAt: number): StoredMessage {
  return { ...message, recipients: [], deliveredTo: [], sent: false, receivedAt };
}
