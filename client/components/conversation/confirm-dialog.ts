import { localized, msg } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { buttonStyles } from '../styles/buttons.js';

/** What a confirmation asks: its heading (the dialog's name), why, and the button that goes ahead. */
export interface Question {
  readonly heading: string;
  readonly text: string;
  readonly confirm: string;
}

/**
 * Asks before something that cannot be taken back: a modal **dialog** named by the question's
 * heading, saying why, with the question's button and **Cancel**. `ask()` opens it and resolves the
 * answer; Escape is Cancel. Used for saving a dangerous file ("Save this file?", **Save anyway**) and
 * for **Delete for everyone**.
 */
@localized()
@customElement('confirm-dialog')
export class ConfirmDialog extends LitElement {
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

  @property({ attribute: false }) question: Question = { heading: '', text: '', confirm: '' };
  @query('dialog') private dialog!: HTMLDialogElement;
  #answer: ((yes: boolean) => void) | null = null;

  override render() {
    const { heading, text, confirm } = this.question;
    return html`<dialog aria-labelledby="title" aria-describedby="text" @close=${() => this.#settle(false)}>
      <h2 id="title">${heading}</h2>
      <p id="text">${text}</p>
      <div class="actions">
        <button type="button" @click=${() => this.#settle(false)}>${msg('Cancel')}</button>
        <button type="button" class="primary" @click=${() => this.#settle(true)}>${confirm}</button>
      </div>
    </dialog>`;
  }

  /** Opens the dialog asking `question`; resolves true for its button, false otherwise. */
  async ask(question: Question): Promise<boolean> {
    this.question = question;
    await this.updateComplete;
    const answer = new Promise<boolean>((resolve) => (this.#answer = resolve));
    this.dialog.showModal();
    return answer;
  }

  #settle(yes: boolean): void {
    const answer = this.#answer;
    this.#answer = null;
    if (this.dialog.open) this.dialog.close();
    answer?.(yes);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confirm-dialog': ConfirmDialog;
  }
}
