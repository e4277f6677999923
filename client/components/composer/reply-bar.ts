import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/** What the composer is answering or editing: one message, quoted. */
export interface ComposerTarget {
  readonly mode: 'reply' | 'edit';
  readonly id: string;
  readonly author: string;
  /** The message's text: quoted (cut short by the bar), and what an edit starts from. */
  readonly text: string;
}

/** The bar's button was pressed: the composer goes back to writing a new message. */
export class ReplyCancelEvent extends Event {
  static readonly eventName = 'reply-cancel';
  constructor() {
    super(ReplyCancelEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * Above the **Message** box while replying (or editing): who and what is answered, and a button
 * **Cancel reply** (**Cancel edit** while editing).
 *
 * @fires reply-cancel - `ReplyCancelEvent`.
 * @property target - The message answered or edited.
 */
@localized()
@customElement('reply-bar')
export class ReplyBar extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      padding: 0.3rem 0.6rem;
      border-left: 3px solid var(--parley-accent);
      background: var(--parley-highlight);
      font-size: 0.85rem;
    }
    .quote {
      flex: 1;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
  `;

  @property({ attribute: false }) target: ComposerTarget | null = null;

  override render() {
    const target = this.target;
    if (!target) return html``;
    const heading =
      target.mode === 'reply' ? msg(str`Replying to ${target.author}`) : msg('Editing your message');
    return html`
      <span class="quote" role="status"><strong>${heading}</strong>: ${target.text}</span>
      <button type="button" @click=${() => this.dispatchEvent(new ReplyCancelEvent())}>
        ${target.mode === 'reply' ? msg('Cancel reply') : msg('Cancel edit')}
      </button>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'reply-bar': ReplyBar;
  }
  interface HTMLElementEventMap {
    'reply-cancel': ReplyCancelEvent;
  }
}
