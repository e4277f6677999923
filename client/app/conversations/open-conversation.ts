/**
 * The messages of the conversation on screen, kept in view order, with their views cached. Reaction
 * messages are not shown as messages: they are folded into the reactions of the messages they target.
 */
import type { StoredMessage } from '../../storage/stored-message.js';
import { compareMessages, toMessageView } from './message-view.js';
import type { FileView, MessageView } from './message-view.js';
import { ReactionFold } from './reactions.js';

/** How many messages of a conversation are held in view (reactions not counted). */
export const VIEW_LIMIT = 500;

export class OpenConversation {
  readonly conversation: string;
  readonly #me: string;
  #messages: StoredMessage[] = [];
  #views: readonly MessageView[] | null = null;
  readonly #viewCache = new WeakMap<StoredMessage, MessageView>();
  readonly #reactions: ReactionFold;
  /** Ids of the reaction messages taken in, so `has` knows them too. */
  readonly #reactionIds = new Set<string>();

  readonly #fileView: (message: StoredMessage) => FileView | null;
  /** What the conversation says above its log (equivocation found in it), oldest first. */
  #notices: readonly string[] = [];

  /**
   * `fileView` gives a file message's transfer view; views are immutable, so a new one means a change.
   * `mayReact` says whether an author's reactions count here (a member of the conversation).
   */
  constructor(
    conversation: string,
    me: string,
    fileView: (message: StoredMessage) => FileView | null,
    mayReact: (author: string) => boolean = () => true,
  ) {
    this.conversation = conversation;
    this.#me = me;
    this.#fileView = fileView;
    this.#reactions = new ReactionFold(me, mayReact);
  }

  /** A file's transfer changed: its message gets a new view. */
  fileChanged(id: string): boolean {
    if (!this.has(id)) return false;
    this.#views = null;
    return true;
  }

  /** Who may react changed (a group's members): reactions are counted again. */
  membershipChanged(): void {
    this.#reactions.membershipChanged();
    this.#views = null;
  }

  /** Whether this user has `emoji` on message `target` now. */
  reactedByMe(target: string, emoji: string): boolean {
    return this.#reactions.isOn(target, emoji);
  }

  set(messages: StoredMessage[]): void {
    this.#reactions.clear();
    this.#reactionIds.clear();
    this.#messages = [];
    for (const message of messages) {
      if (message.reaction) this.#addReaction(message);
      else this.#messages.push(message);
    }
    this.#views = null;
  }

  get notices(): readonly string[] {
    return this.#notices;
  }

  /** Adds a notice (once). */
  notice(text: string): void {
    if (!this.#notices.includes(text)) this.#notices = [...this.#notices, text];
  }

  /** Takes a message out of view (a held one whose signature failed once its author's key was known). */
  remove(id: string): void {
    const index = this.#messages.findIndex((m) => m.id === id);
    if (index < 0) return;
    this.#messages.splice(index, 1);
    this.#views = null;
  }

  /** Whether a message (or a reaction message) with this id is held. */
  has(id: string): boolean {
    return this.#reactionIds.has(id) || this.#messages.some((m) => m.id === id);
  }

  /** Whether a message shown in the log has this id (a reaction's possible target). */
  shows(id: string): boolean {
    return this.#messages.some((m) => m.id === id);
  }

  /** Adds or replaces one message of this conversation; others are ignored. */
  upsert(message: StoredMessage): void {
    if (message.conversation !== this.conversation) return;
    if (message.reaction) {
      // Only a change to a shown message's reactions makes new views; a reaction to a message not
      // loaded (yet) is kept for when it is.
      const target = this.#addReaction(message);
      if (target !== null && this.shows(target)) this.#views = null;
      return;
    }
    this.#views = null;
    const index = this.#messages.findIndex((m) => m.id === message.id);
    if (index >= 0) {
      this.#messages[index] = message;
      return;
    }
    this.#messages.push(message);
    // Usually the newest: only re-sort when it arrived out of order.
    const previous = this.#messages[this.#messages.length - 2];
    if (previous && compareMessages(previous, message) > 0) this.#messages.sort(compareMessages);
    if (this.#messages.length > VIEW_LIMIT) this.#messages.splice(0, this.#messages.length - VIEW_LIMIT);
  }

  /** The views, rebuilt only after a change; unchanged messages keep their view object. */
  get views(): readonly MessageView[] {
    if (!this.#views) {
      this.#views = this.#messages.map((message) => {
        let view = this.#viewCache.get(message);
        const file = message.file ? this.#fileView(message) : null;
        const reactions = this.#reactions.summaryOf(message.id);
        if (!view || view.file !== file || view.reactions !== reactions) {
          view = toMessageView(message, this.#me, file, reactions);
          this.#viewCache.set(message, view);
        }
        return view;
      });
    }
    return this.#views;
  }

  #addReaction(message: StoredMessage): string | null {
    this.#reactionIds.add(message.id);
    return this.#reactions.add(message);
  }
}
