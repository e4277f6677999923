import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import QRCode from 'qrcode';
import { groupDigits } from '../../app/identity/safety-number.js';
import { buttonStyles } from '../styles/buttons.js';
import { IdentityActionEvent } from './identity-notice.js';

/**
 * The **Safety number** dialog of a direct conversation: the 60 digits in 12 groups of 5, the same
 * digits as a QR code to scan from the other person's screen, and **Mark as verified**.
 *
 * @fires identity-action - `IdentityActionEvent` `mark-verified`.
 * @property peer - The contact.
 * @property digits - The 60 digits, or null while no key of theirs is known.
 * @property verified - Whether the contact is verified already.
 * @property open - Whether the dialog shows; it closes itself on Close or Escape.
 */
@localized()
@customElement('safety-number-dialog')
export class SafetyNumberDialog extends LitElement {
  static override styles = [
    buttonStyles,
    css`
      dialog {
        border: none;
        border-radius: var(--parley-radius-large);
        box-shadow: var(--parley-shadow-dialog);
        max-width: 26rem;
      }
      .digits {
        font-family: ui-monospace, monospace;
        font-size: 1.1rem;
        letter-spacing: 0.05em;
        word-spacing: 0.4em;
      }
      img {
        display: block;
        width: 12rem;
        height: 12rem;
        margin: 0.8rem auto;
        image-rendering: pixelated;
      }
      .buttons {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
      }
    `,
  ];

  @property() peer = '';
  @property() digits: string | null = null;
  @property({ type: Boolean }) verified = false;
  @property({ type: Boolean }) open = false;

  @query('dialog') private dialog!: HTMLDialogElement;
  @state() private qr: string | null = null;

  override render() {
    const digits = this.digits;
    return html`<dialog aria-label=${msg('Safety number')} @close=${this.#onClose}>
      <h2>${msg('Safety number')}</h2>
      ${
        digits
          ? html`<p>
                ${msg(str`Compare these digits with ${this.peer}, in person or on a call, or scan their code.`)}
              </p>
              <p class="digits">${groupDigits(digits)}</p>
              ${this.qr ? html`<img role="img" alt=${msg('Safety number QR code')} src=${this.qr} />` : nothing}`
          : html`<p>${msg(str`No key of ${this.peer}'s is known yet: connect once first.`)}</p>`
      }
      <div class="buttons">
        ${
          digits && !this.verified
            ? html`<button
                @click=${() => {
                  this.dispatchEvent(new IdentityActionEvent(this.peer, 'mark-verified'));
                  this.dialog.close();
                }}
              >
                ${msg('Mark as verified')}
              </button>`
            : nothing
        }
        ${this.verified ? html`<span>${msg('verified')}</span>` : nothing}
        <button class="secondary" @click=${() => this.dialog.close()}>${msg('Close')}</button>
      </div>
    </dialog>`;
  }

  /** The native `close` does not leave the shadow root: the host says it closed, for its owner. */
  readonly #onClose = (): void => {
    this.open = false;
    this.dispatchEvent(new Event('close'));
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('digits')) return;
    this.qr = null;
    const digits = this.digits;
    if (!digits) return;
    void QRCode.toDataURL(digits, { margin: 1 }).then((url) => {
      if (this.digits === digits) this.qr = url;
    });
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) this.dialog.showModal();
    else if (!this.open && this.dialog.open) this.dialog.close();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'safety-number-dialog': SafetyNumberDialog;
  }
}
