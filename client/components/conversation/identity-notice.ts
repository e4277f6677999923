import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { IdentityView } from '../../app/messenger.js';
import { buttonStyles } from '../styles/buttons.js';

/** What the person asks about a contact's identity: accept their new key, or mark it verified. */
export class IdentityActionEvent extends Event {
  static readonly eventName = 'identity-action';
  constructor(
    readonly peer: string,
    readonly action: 'accept-new-key' | 'mark-verified',
  ) {
    super(IdentityActionEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * What a direct conversation says about the contact's identity: a connection whose hello did not
 * verify (role alert, `could not be verified`), a changed safety number (a notice; for a verified
 * contact an alert with **Accept new safety number**), and a server that advertises another key.
 *
 * @fires identity-action - `IdentityActionEvent`: **Accept new safety number** was pressed.
 * @property peer - The contact.
 * @property identity - What the messenger knows of their identity.
 */
@localized()
@customElement('identity-notice')
export class IdentityNotice extends LitElement {
  static override styles = [
    buttonStyles,
    css`
      :host {
        display: block;
      }
      p {
        margin: 0;
        padding: 0.5rem 1rem;
        border-bottom: 1px solid var(--parley-divider);
        font-size: var(--parley-font-small);
      }
      [role='alert'] {
        background: var(--parley-highlight);
        font-weight: 600;
      }
    `,
  ];

  @property() peer = '';
  @property({ attribute: false }) identity: IdentityView | null = null;

  override render() {
    const identity = this.identity;
    if (!identity) return nothing;
    const peer = this.peer;
    return html`
      ${
        identity.connectionUnverified
          ? html`<p role="alert">
              ${msg(
                str`The connection to ${peer} could not be verified: someone may be in the middle, so nothing is exchanged on it.`,
              )}
            </p>`
          : nothing
      }
      ${
        identity.keyChange === 'blocked'
          ? html`<p role="alert">
              ${msg(
                str`Your safety number with ${peer} changed. Nothing is sent or received until you accept it — compare it with ${peer} first.`,
              )}
              <button
                class="small"
                @click=${() => this.dispatchEvent(new IdentityActionEvent(peer, 'accept-new-key'))}
              >
                ${msg('Accept new safety number')}
              </button>
            </p>`
          : nothing
      }
      ${
        identity.keyChange === 'notice'
          ? html`<p role="note">
              ${msg(
                str`Your safety number with ${peer} changed: they may have a new browser, or someone may be posing as them.`,
              )}
            </p>`
          : nothing
      }
      ${
        identity.serverKeyMismatch
          ? html`<p role="alert">
              ${msg(str`The server advertises a key for ${peer} other than the one they proved.`)}
            </p>`
          : nothing
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'identity-notice': IdentityNotice;
  }
  interface HTMLElementEventMap {
    'identity-action': IdentityActionEvent;
  }
}
