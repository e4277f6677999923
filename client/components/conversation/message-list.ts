import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { DeliveryState, MessageView, ReplyQuote } from '../../app/conversations/message-view.js';
import { currentLanguage } from '../../i18n/locale.js';
import { MessageShowEvent, MessagesPageEvent } from '../events.js';
import { isEmojiOnly } from './emoji-only.js';
import { LogScroller } from './log-scroller.js';
import { type LogEntry, sentDate, timeTexts, withDays } from './message-days.js';
import './file-card.js';
import './message-reactions.js';
import './message-actions.js';

/** An own message's state in words (the UI contract: `sending`, `sent`, `delivered`, `read`). */
function stateText(state: DeliveryState): string {
  switch (state) {
    case 'sending':
      return msg('sending');
    case 'sent':
      return msg('sent');
    case 'delivered':
      return msg('delivered');
    case 'read':
      return msg('read');
    case 'received':
      return '';
  }
}

/** What a message's authorship mark says; signed messages (nearly all) carry none. */
const AUTHORSHIP_MARK = {
  unverified: {
    text: 'unverified',
    title: 'Forwarded by another member; its signature is checked once you have connected to its author',
  },
  unsigned: { text: 'unsigned', title: 'Stored before messages were signed' },
} as const;

function authorshipMark(message: MessageView) {
  const authorship = message.authorship ?? 'signed';
  if (authorship === 'signed') return nothing;
  const mark = AUTHORSHIP_MARK[authorship];
  return html`<span class="authorship" title=${mark.title}>${mark.text}</span>`;
}

function stateWithCounts(message: MessageView): string {
  if (!message.own || message.recipientCount === 0) return stateText(message.state);
  const count = message.recipientCount;
  if (message.state === 'read') return msg(str`read by all ${count}`);
  // Reading is shown beside delivery, not instead of it: "delivered to all 3, read by 1".
  const readCount = message.readCount;
  const read = readCount ? msg(str`, read by ${readCount}`) : '';
  if (message.state === 'delivered') return msg(str`delivered to all ${count}`) + read;
  const delivered = message.deliveredCount;
  if (delivered > 0) return msg(str`delivered to ${delivered} of ${count}`) + read;
  return stateText(message.state);
}

/**
 * The conversation's messages: a role `log` named **Messages**, one `article` per message; a file
 * message holds a `<file-card>` instead of text. A line with the day ("Today", "Yesterday", a date)
 * stands before the first message of each day. It follows new messages while scrolled to the end.
 *
 * A long history is virtualized: only the articles in view and a buffer around them are in the DOM
 * (`LogScroller`), and `older` / `newer` say that storage holds more beyond the messages given;
 * scrolling near that end asks for the next page. Prepended pages keep the view where it was. While
 * the whole conversation is held, each article says its place in it (`aria-posinset`/`-setsize`);
 * with more in storage the size is unknown (`aria-setsize="-1"`).
 *
 * @fires file-action - `FileActionEvent`, from a message's `<file-card>`.
 * @fires reaction - `ReactionEvent`, from a message's `<message-reactions>`.
 * @fires message-action - `MessageActionEvent`, from a message's `<message-actions>`.
 * @fires message-show - `MessageShowEvent`: a reply's quote was activated (shown at once if held).
 * @fires messages-page - `MessagesPageEvent`: scrolled near an end with `older` / `newer` set.
 * @property messages - The conversation's messages, oldest first (views are immutable).
 * @property showCounts - Groups: say how many recipients have each own message.
 * @property highlight - A message to scroll to and highlight (`aria-current`), e.g. a search result.
 * @property older - Storage holds messages before the first of `messages`.
 * @property newer - Storage holds messages after the last of `messages`.
 */
@localized()
@customElement('message-list')
export class MessageList extends LitElement {
  static override styles = css`
    :host {
      display: block;
      overflow-y: auto;
      padding: 1rem;
      /* Where the view stays is this list's own business (LogScroller), not the browser's guess. */
      overflow-anchor: none;
    }
    .row {
      display: flex;
      flex-direction: column;
      padding-bottom: 0.5rem;
    }
    article {
      max-width: min(36rem, 80%);
      padding: 0.45rem 0.7rem;
      border-radius: var(--parley-radius-large);
      background: var(--parley-surface);
      box-shadow: var(--parley-shadow-card);
      align-self: flex-start;
    }
    article.own {
      align-self: flex-end;
      background: var(--parley-own-message);
    }
    .meta {
      display: flex;
      gap: 0.5rem;
      font-size: 0.75rem;
      color: var(--parley-text-muted);
    }
    .author {
      font-weight: 600;
      color: var(--parley-text);
    }
    .text {
      margin: 0.2rem 0 0;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .text.emoji-only {
      font-size: 2.4rem;
      line-height: 1.2;
    }
    .state-sending {
      color: var(--parley-pending);
    }
    .authorship {
      color: var(--parley-pending);
      font-style: italic;
    }
    .day {
      align-self: center;
      margin: 0.4rem 0 0.1rem;
      padding: 0.1rem 0.7rem;
      border-radius: var(--parley-radius-pill);
      background: var(--parley-highlight);
      color: var(--parley-text-muted);
      font-size: var(--parley-font-x-small);
      font-weight: 600;
    }
    article.focused {
      outline: 2px solid var(--parley-accent);
      outline-offset: 2px;
    }
    .quote {
      display: block;
      width: 100%;
      margin: 0.2rem 0;
      padding: 0.1rem 0.5rem;
      border: 0;
      border-left: 3px solid var(--parley-accent);
      background: var(--parley-highlight);
      font: inherit;
      font-size: 0.85rem;
      text-align: start;
      cursor: pointer;
    }
    .deleted,
    .edited {
      font-style: italic;
      color: var(--parley-text-muted);
    }
    .empty {
      color: var(--parley-text-faint);
      text-align: center;
    }
  `;

  @property({ attribute: false }) messages: readonly MessageView[] = [];
  /** Groups: say how many recipients have each own message (`delivered to 2 of 3`). */
  @property({ type: Boolean }) showCounts = false;
  /** The message to scroll to and highlight; null for none. */
  @property({ attribute: false }) highlight: string | null = null;

  @property({ type: Boolean }) older = false;
  @property({ type: Boolean }) newer = false;

  readonly #scroller = new LogScroller(
    this,
    (edge) => {
      if (edge === 'start' && this.older) this.dispatchEvent(new MessagesPageEvent('older'));
      if (edge === 'end' && this.newer) this.dispatchEvent(new MessagesPageEvent('newer'));
    },
    isMessageKey,
  );
  #entries: LogEntry[] = [];
  /** Each message's place among the messages (1-based), by id. */
  #positions = new Map<string, number>();
  #language = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    const language = currentLanguage();
    if (changed.has('messages') || language !== this.#language) {
      this.#language = language;
      this.#entries = withDays(this.messages);
      this.#positions = new Map(this.messages.map((message, i) => [message.id, i + 1]));
      const entries = this.#entries;
      this.#scroller.setRows(
        entries.map((entry) => entry.key),
        (i) => estimatedHeight(entries[i]),
      );
    }
    if (changed.has('newer')) this.#scroller.endIsNewest = !this.newer;
    // Opened at a message: show it, and stop following the newest until the reader scrolls down.
    if (changed.has('highlight') && this.highlight !== null) this.#scroller.focus(this.highlight);
  }

  override render() {
    const { start, end } = this.#scroller.rows;
    return html`
      <div role="log" aria-label=${msg('Messages')} aria-live="polite">
        ${this.messages.length === 0 ? html`<p class="empty">${msg('No messages yet. Say hello!')}</p>` : ''}
        <div data-spacer style=${styleMap({ height: `${this.#scroller.topSpace}px` })}></div>
        ${repeat(
          this.#entries.slice(start, end),
          (entry) => entry.key,
          (entry) => html`<div class="row" data-row=${entry.key}>${this.#renderEntry(entry)}</div>`,
        )}
        <div style=${styleMap({ height: `${this.#scroller.bottomSpace}px` })}></div>
      </div>
    `;
  }

  #renderEntry(entry: LogEntry) {
    if (entry.kind === 'day') {
      return html`<div class="day">
        ${entry.datetime ? html`<time datetime=${entry.datetime}>${entry.label}</time>` : entry.label}
      </div>`;
    }
    const message = entry.message;
    const focused = message.id === this.highlight;
    const place = this.older || this.newer ? null : (this.#positions.get(message.id) ?? null);
    // The article's own attributes are cheap and change with every new message (its place in the
    // set); what is inside is rendered again only when its view, the count display or the language
    // changed. Views are immutable, so an unchanged one is not rendered again (long histories stay
    // cheap, and a new message does not re-render the whole window); a file's progress re-renders
    // only its own message, whose view is new.
    return html`<article
      class=${`${message.own ? 'own' : 'theirs'}${focused ? ' focused' : ''}`}
      data-id=${message.id}
      aria-current=${focused ? 'true' : nothing}
      aria-posinset=${place ?? nothing}
      aria-setsize=${place === null ? -1 : this.messages.length}
    >
      ${guard([message, this.showCounts, currentLanguage()], () => this.#renderMessage(message))}
    </article>`;
  }

  #renderMessage(message: MessageView) {
    const state = this.showCounts ? stateWithCounts(message) : stateText(message.state);
    const time = sentDate(message.sentAt);
    return html`
      <div class="meta">
        <span class="author">${message.author}</span>
        ${time ? renderTime(time) : nothing}
        ${state ? html`<span class="state state-${message.state}" title=${msg(str`Message ${state}`)}>${state}</span>` : ''}
        ${authorshipMark(message)}
        ${message.edited ? html`<span class="edited">${msg('edited')}</span>` : nothing}
      </div>
      ${
        // Activating the quote shows what it answers, paged in if it is not held (as a search result).
        message.replyTo ? this.#renderQuote(message.replyTo) : nothing
      }
      ${
        message.deleted
          ? html`<p class="text deleted">${msg('message deleted')}</p>`
          : message.file
            ? html`<file-card .file=${message.file} .messageId=${message.id}></file-card>`
            : html`<p class=${isEmojiOnly(message.text) ? 'text emoji-only' : 'text'}>${message.text}</p>`
      }
      <message-reactions .messageId=${message.id} .reactions=${message.reactions}></message-reactions>
      ${message.deleted ? nothing : html`<message-actions .messageId=${message.id} ?own=${message.own}></message-actions>`}
    `;
  }

  #renderQuote(quote: ReplyQuote) {
    // Empty author: the answered message is not among those held; its page is read when asked for.
    const text = quote.author
      ? html`<strong>${quote.author}</strong> ${quote.snippet || msg('message deleted')}`
      : msg('Show the message this answers');
    return html`<button type="button" class="quote" @click=${() => this.#showAnswered(quote.id)}>
      ${text}
    </button>`;
  }

  /** Held: centred at once (again, if it is already the highlight). The app hears of it either way. */
  #showAnswered(id: string): void {
    if (this.#positions.has(id)) {
      this.highlight = id;
      this.#scroller.focus(id);
    }
    this.dispatchEvent(new MessageShowEvent(id));
  }
}

/** Whether a log entry's key is a message's (a day's key names its first message, which a page may change). */
function isMessageKey(key: string): boolean {
  return !key.startsWith('day:');
}

/** A guess of an entry's height until it has rendered: a line of day, a text by its length, a file. */
function estimatedHeight(entry: LogEntry | undefined): number {
  if (!entry) return 0;
  if (entry.kind === 'day') return 36;
  const { message } = entry;
  // Each message has a line of actions (22) and a reply its quote (28).
  const extra = 22 + (message.replyTo ? 28 : 0);
  if (message.file) return extra + (message.file.voice ? 110 : 140);
  const lines = Math.max(1, Math.ceil(message.text.length / 60));
  return extra + 62 + 20 * lines;
}

function renderTime(time: Date) {
  const { short, full } = timeTexts(time);
  return html`<time datetime=${time.toISOString()} title=${full}>${short}</time>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'message-list': MessageList;
  }
}
