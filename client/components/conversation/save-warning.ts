import { localized, msg } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { buttonStyles } from '../styles/buttons.js';

/**
 * Asks before a dangerous file is saved: a modal **dialog** named "Save this file?" saying why, with
 * **Save anyway** and **Cancel**. `ask()` opens it and resolves the answer; Escape is Cancel.
 *
 * @property reason - Why the file is dangerous, in words.
 */
@localized()
@customElement('save-warning')
export class SaveWarning extends LitElement {
  static override styles = [
    buttonStyles,
    css`
      dialog {
        max-width: 28rem;
        border: 0;
        border-radius: var(--parley-radius);
        padding: 1.2rem;
      }
      h2 {
        margin: 0 0 0.6rem;
        font-size: 1.1rem;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
        margin-top: 1rem;
      }
    `,
  ];

  @property() reason = '';
  @query('dialog') private dialog!: HTMLDialogElement;
  #answer: ((save: boolean) => void) | null = null;

  override render() {
    return html`<dialog aria-labelledby="title" aria-describedby="reason" @close=${() => this.#settle(false)}>
      <h2 id="title">${msg('Save this file?')}</h2>
      <p id="reason">${this.reason}</p>
      <div class="actions">
        <button type="button" @click=${() => this.#settle(false)}>${msg('Cancel')}</button>
        <button type="button" class="primary" @click=${() => this.#settle(true)}>
          ${msg('Save anyway')}
        </button>
      </div>
    </dialog>`;
  }

  /** Opens the dialog with `reason`; resolves true for **Save anyway**, false otherwise. */
  async ask(reason: string): Promise<boolean> {
    this.reason = reason;
    await this.updateComplete;
    const answer = new Promise<boolean>((resolve) => (this.#answer = resolve));
    this.dialog.showModal();
    return answer;
  }

  #settle(save: boolean): void {
    const answer = this.#answer;
    this.#answer = null;
    if (this.dialog.open) this.dialog.close();
    answer?.(save);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'save-warning': SaveWarning;
  }
}
