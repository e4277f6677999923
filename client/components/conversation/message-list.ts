import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { DeliveryState, MessageView } from '../../app/conversations/message-view.js';
import { currentLanguage } from '../../i18n/locale.js';
import { isEmojiOnly } from './emoji-only.js';
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
 * @fires file-action - `FileActionEvent`, from a message's `<file-card>`.
 * @fires reaction - `ReactionEvent`, from a message's `<message-reactions>`.
 * @property messages - The conversation's messages, oldest first (views are immutable).
 * @property showCounts - Groups: say how many recipients have each own message.
 * @property highlight - A message to scroll to and highlight (`aria-current`), e.g. a search result.
 */
@localized()
@customElement('message-list')
export class MessageList extends LitElement {
  static override styles = css`
    :host {
      display: block;
      overflow-y: auto;
      padding: 1rem;
    }
    [role='log'] {
      display: flex;
      flex-direction: column;
      gap: 0.5rem;
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

  #stickToBottom = true;
  #scrollQueued = false;

  override render() {
    return html`
      <div role="log" aria-label=${msg('Messages')} aria-live="polite">
        ${this.messages.length === 0 ? html`<p class="empty">${msg('No messages yet. Say hello!')}</p>` : ''}
        ${repeat(
          withDays(this.messages),
          (entry) => entry.key,
          (entry) => this.#renderEntry(entry),
        )}
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
    // Views are immutable: an unchanged one is not rendered again (long histories stay cheap), and a
    // file's progress re-renders only its own message, whose view is new.
    const focused = message.id === this.highlight;
    // The language too: a message's state and time are words in it.
    return guard([message, this.showCounts, focused, currentLanguage()], () =>
      this.#renderMessage(message, focused),
    );
  }

  #renderMessage(message: MessageView, focused: boolean) {
    const state = this.showCounts ? stateWithCounts(message) : stateText(message.state);
    const time = sentDate(message.sentAt);
    return html`<article
      class=${`${message.own ? 'own' : 'theirs'}${focused ? ' focused' : ''}`}
      data-id=${message.id}
      aria-current=${focused ? 'true' : nothing}
    >
      <div class="meta">
        <span class="author">${message.author}</span>
        ${time ? renderTime(time) : nothing}
        ${state ? html`<span class="state state-${message.state}" title=${msg(str`Message ${state}`)}>${state}</span>` : ''}
        ${authorshipMark(message)}
        ${message.edited ? html`<span class="edited">${msg('edited')}</span>` : nothing}
      </div>
      ${
        // Activating the quote opens the log at what it answers, as a search result does.
        message.replyTo
          ? html`<button type="button" class="quote" @click=${() => (this.highlight = message.replyTo!.id)}>
              <strong>${message.replyTo.author}</strong> ${message.replyTo.snippet}
            </button>`
          : nothing
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
    </article>`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('scroll', this.#onScroll, { passive: true });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('scroll', this.#onScroll);
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Opened at a message: show it, and stop following the newest until the reader scrolls down.
    if (changed.has('highlight') && this.highlight !== null) {
      this.#stickToBottom = false;
      const id = this.highlight;
      // In the next frame: each article's <message-actions> renders after this update and adds height.
      requestAnimationFrame(() =>
        this.shadowRoot
          ?.querySelector(`article[data-id="${CSS.escape(id)}"]`)
          ?.scrollIntoView({ block: 'center' }),
      );
      return;
    }
    // Follow new messages only when the reader is at the bottom. Scrolled in the next frame: reading
    // scrollHeight here would force a layout of the whole log on every message.
    if (changed.has('messages') && this.#stickToBottom && !this.#scrollQueued) {
      this.#scrollQueued = true;
      requestAnimationFrame(() => {
        this.#scrollQueued = false;
        this.scrollTop = this.scrollHeight;
      });
    }
  }

  readonly #onScroll = (): void => {
    this.#stickToBottom = this.scrollHeight - this.scrollTop - this.clientHeight < 40;
  };
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
