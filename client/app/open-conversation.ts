/** The messages of the conversation on screen, kept in view order, with their views cached. */
import type { StoredMessage } from '../storage/stored-message.js';
import { compareMessages, toMessageView } from './message-view.js';
import type { FileView, MessageView } from './message-view.js';

/** How many messages of a conversation are held in view. */
export const VIEW_LIMIT = 500;

export class OpenConversation {
  readonly conversation: string;
  readonly #me: string;
  #messages: StoredMessage[] = [];
  #views: readonly MessageView[] | null = null;
  readonly #viewCache = new WeakMap<StoredMessage, MessageView>();

  readonly #fileView: (message: StoredMessage) => FileView | null;

  /** `fileView` gives a file message's transfer view; views are immutable, so a new one means a change. */
  constructor(conversation: string, me: string, fileView: (message: StoredMessage) => FileView | null) {
    this.conversation = conversation;
    this.#me = me;
    this.#fileView = fileView;
  }

  /** A file's transfer changed: its message gets a new view. */
  fileChanged(id: string): boolean {
    if (!this.has(id)) return false;
    this.#views = null;
    return true;
  }

  set(messages: StoredMessage[]): void {
    this.#messages = messages;
    this.#views = null;
  }

  has(id: string): boolean {
    return this.#messages.some((m) => m.id === id);
  }

  /** Adds or replaces one message of this conversation; others are ignored. */
  upsert(message: StoredMessage): void {
    if (message.conversation !== this.conversation) return;
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
        if (!view || view.file !== file) {
          view = toMessageView(message, this.#me, file);
          this.#viewCache.set(message, view);
        }
        return view;
      });
    }
    return this.#views;
  }
}
