/**
 * The messages of the conversation on screen, kept in view order, with their views cached. Reaction,
 * edit and tombstone messages are not shown as messages: they are folded into the messages they target.
 *
 * A long history is held as a window of pages: the newest page (or the one around a message opened
 * from a search or a reply's quote), pages before or after it as the person scrolls, never more than
 * `VIEW_LIMIT` messages: taking in a page drops as many from the far end. `older` and `newer` say
 * whether the store holds messages beyond either end of the window.
 */
import { isLogEntry } from '../../storage/stored-message.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import { EditFold } from './message-edits.js';
import { QUOTE_LENGTH, compareMessages, toMessageView } from './message-view.js';
import type { FileView, MessageView, ReplyQuote } from './message-view.js';
import { ReactionFold } from './reactions.js';

/** How many messages of a conversation are held in view at most (reactions not counted). */
export const VIEW_LIMIT = 500;

/** How many shown messages one page read from the store brings. */
export const PAGE_SIZE = 100;

/** Whether the store holds messages beyond the window's first (`older`) and last (`newer`) message. */
export interface WindowEnds {
  older: boolean;
  newer: boolean;
}

export class OpenConversation {
  readonly conversation: string;
  readonly #me: string;
  #messages: StoredMessage[] = [];
  #views: readonly MessageView[] | null = null;
  readonly #viewCache = new WeakMap<StoredMessage, MessageView>();
  readonly #reactions: ReactionFold;
  /** Ids of the reaction messages taken in, so `has` knows them too. */
  readonly #reactionIds = new Set<string>();
  #ends: WindowEnds = { older: false, newer: false };
  /** Edits and deletions, by target. */
  readonly #edits = new EditFold();

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

  /** Someone came online or went: a file's card names who it waits for, so file messages get new views. */
  presenceChanged(): void {
    if (this.#messages.some((message) => message.file !== undefined)) this.#views = null;
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

  /** Replaces what is held with one page (the newest, or the one around a message). */
  set(messages: StoredMessage[], ends: WindowEnds = { older: false, newer: false }): void {
    const held = this.#messages;
    this.#reactions.clear();
    this.#reactionIds.clear();
    this.#edits.clear();
    const page = this.#takeIn(messages);
    // A message that arrived while the page was read is shown already, but may be missing from the
    // page: the read can begin before its write commits. Newer than all the page holds, in a window
    // that reaches the newest end, it stays (else it vanished until the conversation was reopened).
    const newest = page[page.length - 1];
    const arrived = ends.newer
      ? []
      : held.filter(
          (row) =>
            !page.some((m) => m.id === row.id) && (newest === undefined || compareMessages(row, newest) > 0),
        );
    this.#messages = [...page, ...arrived];
    this.#ends = { ...ends };
    this.#views = null;
  }

  /**
   * Adds the page just before the window (`older`: whether there are more before it), dropping the
   * newest messages beyond `VIEW_LIMIT`.
   */
  prepend(page: StoredMessage[], older: boolean): void {
    const first = this.#messages[0];
    const fresh = this.#takeIn(page).filter((m) => !first || compareMessages(m, first) < 0);
    this.#messages = [...fresh, ...this.#messages];
    this.#ends.older = older;
    const extra = this.#messages.length - VIEW_LIMIT;
    if (extra > 0) {
      this.#messages.splice(VIEW_LIMIT, extra);
      this.#ends.newer = true;
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

  /**
   * Adds the page just after the window (`newer`: whether there are more after it), dropping the
   * oldest messages beyond `VIEW_LIMIT`.
   */
  append(page: StoredMessage[], newer: boolean): void {
    const last = this.#messages[this.#messages.length - 1];
    const fresh = this.#takeIn(page).filter((m) => !last || compareMessages(m, last) > 0);
    this.#messages.push(...fresh);
    this.#ends.newer = newer;
    this.#trimOldest();
    this.#views = null;
  }

  /** Whether the store holds messages beyond either end of the window. */
  get ends(): Readonly<WindowEnds> {
    return this.#ends;
  }

  /** The window's first and last message: where the pages before and after it start. */
  get first(): StoredMessage | undefined {
    return this.#messages[0];
  }

  get last(): StoredMessage | undefined {
    return this.#messages[this.#messages.length - 1];
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
    if (!isLogEntry(message)) {
      if (this.#addAction(message) !== null) this.#views = null;
      return;
    }
    this.#views = null;
    const index = this.#messages.findIndex((m) => m.id === message.id);
    if (index >= 0) {
      this.#messages[index] = message;
      return;
    }
    // Beyond an end the store has more of: it shows when the person pages there, in its place.
    if (!this.#within(message)) return;
    this.#messages.push(message);
    // Usually the newest: only re-sort when it arrived out of order.
    const previous = this.#messages[this.#messages.length - 2];
    if (previous && compareMessages(previous, message) > 0) this.#messages.sort(compareMessages);
    this.#trimOldest();
  }

  /** The views, rebuilt only after a change; unchanged messages keep their view object. */
  get views(): readonly MessageView[] {
    if (!this.#views) {
      this.#views = this.#messages.map((message) => {
        let view = this.#viewCache.get(message);
        const file = message.file ? this.#fileView(message) : null;
        const reactions = this.#reactions.summaryOf(message.id);
        const amended = this.#amend(message);
        const quote = message.replyTo === undefined ? null : this.#quoteOf(message.replyTo);
        if (
          !view ||
          view.file !== file ||
          view.reactions !== reactions ||
          view.text !== amended.text ||
          (view.edited ?? false) !== amended.edited ||
          (view.deleted ?? false) !== amended.deleted ||
          view.replyTo?.snippet !== quote?.snippet
        ) {
          view = toMessageView(message, this.#me, file, reactions, amended, quote);
          this.#viewCache.set(message, view);
        }
        return view;
      });
    }
    return this.#views;
  }

  /** The shown messages of `page`, its reactions folded in. */
  #takeIn(page: StoredMessage[]): StoredMessage[] {
    const shown: StoredMessage[] = [];
    for (const message of page) {
      if (message.reaction) this.#addReaction(message);
      else if (!isLogEntry(message)) this.#addAction(message);
      else if (message.conversation === this.conversation) shown.push(message);
    }
    return shown;
  }

  /** Whether a message not held belongs in the window: not beyond an end the store has more past. */
  #within(message: StoredMessage): boolean {
    const first = this.first;
    const last = this.last;
    if (this.#ends.older && first && compareMessages(message, first) < 0) return false;
    return !(this.#ends.newer && last && compareMessages(message, last) > 0);
  }

  #trimOldest(): void {
    const extra = this.#messages.length - VIEW_LIMIT;
    if (extra <= 0) return;
    this.#messages.splice(0, extra);
    this.#ends.older = true;
  }

  /** The author of a shown message, or null: whom an edit or deletion of it must come from. */
  authorOf(id: string): string | null {
    return this.#messages.find((m) => m.id === id)?.author ?? null;
  }

  #amend(message: StoredMessage): ReturnType<EditFold['amend']> {
    return this.#edits.amend(message.id, message.author, message.text ?? '', message.deleted === true);
  }

  /** What a reply to `id` quotes: the answered message as it reads now, if it is loaded. */
  #quoteOf(id: string): ReplyQuote {
    const target = this.#messages.find((m) => m.id === id);
    if (!target) return { id, author: '', snippet: '' };
    const amended = this.#amend(target);
    const text = amended.deleted ? '' : amended.text || (target.file?.name ?? '');
    return { id, author: target.author, snippet: text.slice(0, QUOTE_LENGTH) };
  }

  #addAction(message: StoredMessage): string | null {
    this.#reactionIds.add(message.id);
    return this.#edits.add(message);
  }

  #addReaction(message: StoredMessage): string | null {
    this.#reactionIds.add(message.id);
    return this.#reactions.add(message);
  }
}
