import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { MessageActionEvent } from '../events.js';

/**
 * The actions on one message (the UI contract's **Message actions**): **Reply** on every message,
 * **Edit** and **Delete for everyone** on this user's own. Real buttons, always in the accessibility
 * tree and reachable by Tab; the log shows them faintly until the message is hovered or focused.
 *
 * @fires message-action - `MessageActionEvent`: one of the buttons was pressed.
 * @property messageId - The message the buttons act on.
 * @property own - Whether it is this user's (Edit and Delete for everyone are offered).
 */
@localized()
@customElement('message-actions')
export class MessageActions extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      gap: 0.3rem;
      font-size: var(--parley-font-x-small, 0.75rem);
    }
    button {
      font: inherit;
      padding: 0.05rem 0.4rem;
      border: 1px solid transparent;
      border-radius: var(--parley-radius-pill, 999px);
      background: none;
      color: var(--parley-text-muted);
      cursor: pointer;
    }
    button:hover,
    button:focus-visible {
      border-color: var(--parley-accent);
      color: var(--parley-text);
    }
  `;

  @property() messageId = '';
  @property({ type: Boolean }) own = false;

  override render() {
    return html`
      <button type="button" @click=${() => this.#fire('reply')}>${msg('Reply')}</button>
      ${
        this.own
          ? html`<button type="button" @click=${() => this.#fire('edit')}>${msg('Edit')}</button>
              <button type="button" @click=${() => this.#fire('delete')}>
                ${msg('Delete for everyone')}
              </button>`
          : nothing
      }
    `;
  }

  #fire(action: MessageActionEvent['action']): void {
    this.dispatchEvent(new MessageActionEvent(action, this.messageId));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'message-actions': MessageActions;
  }
}
