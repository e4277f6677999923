/**
 * Messages from others as they arrive: live from their author (checked, shown at once, stored,
 * acked) or in a catch-up batch (stored in one transaction). Decides what counts as unread and what
 * raises a notification; the messenger owns what is open and whether the page is in view.
 */
import { ErrorCode } from '../../../shared/errors.js';
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import type { AccountStore } from '../../storage/account-store.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import type { ConversationList } from '../roster/conversation-list.js';
import type { Directory } from '../roster/directory.js';
import type { FileTransfers } from '../files/file-transfers.js';
import type { Notifier } from '../attention/notifier.js';
import type { OpenConversation } from './open-conversation.js';
import { raisesAttention } from './reactions.js';
import type { TypingIndicator } from '../attention/typing-indicator.js';

export interface InboxHost {
  readonly me: string;
  readonly directory: Directory;
  readonly store: AccountStore;
  readonly list: ConversationList;
  readonly files: FileTransfers;
  readonly notifier: Notifier;
  readonly typing: TypingIndicator;
  /** The conversation on screen, if any. */
  open(): OpenConversation | null;
  /** Whether the page is in view. */
  visible(): boolean;
  /** Tells `peer` these messages are stored. */
  ack(peer: string, ids: string[]): void;
  /** The open conversation is on screen: report what was read. */
  seen(): void;
  changed(): void;
  warn(message: string): void;
}

export class Inbox {
  readonly #host: InboxHost;

  constructor(host: InboxHost) {
    this.#host = host;
  }

  /** A live message from `peer`: checked, stored (shown first if open), acked. */
  async receive(peer: string, message: ChatMessage): Promise<void> {
    const problem = this.#problemWith(peer, message);
    if (problem) {
      this.#host.warn(`${peer} sent a message ${problem} (${ErrorCode.ForbiddenConversation})`);
      return;
    }
    await this.#store(message);
    // Acked even when a duplicate: the sender keeps re-sending until it hears this.
    this.#host.ack(peer, [message.id]);
    // After the ack, so the author has stored its own message by the time the receipt arrives.
    if (this.#host.open()?.conversation === message.conversation) this.#host.seen();
    if (message.file) void this.#host.files.incoming(incomingRow(message, Date.now()));
  }

  /** Shows a live message in the open conversation before it is stored, if it may be shown at all. */
  showArriving(peer: string, message: ChatMessage): void {
    const open = this.#host.open();
    if (!open || open.conversation !== message.conversation || open.has(message.id)) return;
    // `receive` warns about a message that may not be delivered; here it is just not shown.
    if (this.#problemWith(peer, message)) return;
    open.upsert(incomingRow(message, Date.now()));
    this.#host.changed();
  }

  /**
   * Why a live message from `peer` may not be delivered, or null when it may: live messages come from
   * their author, who must be in the conversation with us.
   */
  #problemWith(peer: string, message: ChatMessage): string | null {
    const { directory, me } = this.#host;
    if (message.author !== peer || !directory.isMember(message.conversation, peer)) return 'it may not send';
    if (!directory.isMember(message.conversation, me)) return 'into a conversation we are not in';
    return null;
  }

  /** Shows and stores a message someone else wrote, already checked; counts it unread if unseen. */
  async #store(message: ChatMessage): Promise<'stored' | 'duplicate'> {
    const open = this.#host.open();
    const inView = open?.conversation === message.conversation;
    // A reaction is never unread: it only changes how its message looks.
    const seen = (inView && this.#host.visible()) || !raisesAttention(message);
    const receivedAt = Date.now();
    // Shown at once, stored right after: the ack waits for the store, so a message that fails to
    // be stored is sent again.
    if (open && inView && !open.has(message.id)) {
      open.upsert(incomingRow(message, receivedAt));
      this.#host.changed();
    }
    const result = await this.#host.store.addIncomingMessage(message, { unread: !seen, receivedAt });
    if (result === 'duplicate') return result;
    if (message.reaction === undefined) this.#host.typing.stopped(message.conversation, message.author);
    if (!seen) this.#host.notifier.notify(message.conversation, [message]);
    this.#host.list.active(message.conversation);
    if (!seen) {
      this.#host.list.addUnread(message.conversation, 1);
      this.#host.changed();
    }
    return result;
  }

  /** Like `#storeIncoming`, for a catch-up batch of one conversation, in one transaction. */
  async storeBatch(conversation: string, messages: readonly ChatMessage[]): Promise<void> {
    const open = this.#host.open();
    const inView = open?.conversation === conversation;
    const seen = inView && this.#host.visible();
    const receivedAt = Date.now();
    // Reactions are never unread: stored apart from the messages that count.
    const loud = messages.filter(raisesAttention);
    const quiet = messages.filter((message) => !raisesAttention(message));
    const counted =
      loud.length > 0
        ? await this.#host.store.addIncomingBatch(conversation, loud, { unread: !seen, receivedAt })
        : [];
    const stored =
      quiet.length > 0
        ? [
            ...counted,
            ...(await this.#host.store.addIncomingBatch(conversation, quiet, { unread: false, receivedAt })),
          ]
        : counted;
    if (stored.length === 0) return;
    const fresh = new Set(stored);
    const news = messages.filter((message) => fresh.has(message.id));
    if (!seen) this.#host.notifier.notify(conversation, news);
    for (const message of messages) {
      if (!fresh.has(message.id)) continue;
      if (open && inView) open.upsert(incomingRow(message, receivedAt));
      if (message.file) void this.#host.files.incoming(incomingRow(message, receivedAt));
    }
    this.#host.list.active(conversation);
    if (!seen && counted.length > 0) this.#host.list.addUnread(conversation, counted.length);
    this.#host.changed();
    if (seen) this.#host.seen();
  }
}

/** Someone else's message as stored here. */
export function incomingRow(message: ChatMessage, receivedAt: number): StoredMessage {
  return { ...message, recipients: [], deliveredTo: [], sent: false, receivedAt };
}
