import { LitElement, html, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { AccountCommand, AccountRequest } from '../../app/session/app-store.js';
import { buttonStyles } from '../styles/buttons.js';
import { formStyles } from '../styles/forms.js';
import { accountDialogStyles } from './account-dialog.styles.js';

/** The three fields of **Change password**, as typed. */
export interface PasswordChange {
  readonly current: string;
  readonly next: string;
  readonly confirm: string;
}

/**
 * The person acted on their account: **Change password** (with what the fields hold), **Yes, sign
 * out everywhere** (after confirming), or opened the dialog afresh (`dismiss`: the last result is old).
 */
export class AccountActionEvent extends Event {
  static readonly eventName = 'account-action';
  constructor(
    readonly action: 'change-password' | 'sign-out-everywhere' | 'dismiss',
    readonly passwords: PasswordChange | null = null,
  ) {
    super(AccountActionEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * The **Account** button and the modal dialog named **Account** it opens: **Change password**
 * (password fields **Current password**, **New password**, **Confirm new password**) and **Sign out
 * everywhere**, which asks first (**Yes, sign out everywhere** / **Cancel**). Errors show in a role
 * `alert` beside the command they are about, and the fields keep what was typed; a changed password
 * shows a role `status` and empties the fields.
 *
 * @fires account-action - `AccountActionEvent`.
 * @property user - Whose account it is.
 * @property request - How the last account command went (`AppStore.account.state`).
 */
@localized()
@customElement('account-dialog')
export class AccountDialog extends LitElement {
  static override styles = [buttonStyles, formStyles, accountDialogStyles];

  @property() user = '';
  @property({ attribute: false }) request: AccountRequest = { kind: 'idle' };

  /** Whether **Sign out everywhere** was pressed and waits for its confirmation. */
  @state() private confirming = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('#current') private currentInput!: HTMLInputElement;
  @query('#new') private newInput!: HTMLInputElement;
  @query('#confirm') private confirmInput!: HTMLInputElement;
  @query('#everywhere') private everywhereButton?: HTMLButtonElement;
  @query('#cancel-everywhere') private cancelButton?: HTMLButtonElement;

  override render() {
    return html`<button aria-haspopup="dialog" @click=${this.#show}>${msg('Account')}</button>
      <dialog aria-labelledby="title">
        <h2 id="title">${msg('Account')}</h2>
        <p class="who">${msg(str`Signed in as ${this.user}`)}</p>
        ${this.#renderPasswordForm()} ${this.#renderEverywhere()}
        <div class="actions">
          <button type="button" class="secondary" @click=${() => this.dialog.close()}>${msg('Close')}</button>
        </div>
      </dialog>`;
  }

  /** Whether `command` waits for the server, and its error if it failed. */
  #stateOf(command: AccountCommand) {
    const request = this.request;
    return {
      pending: request.kind === 'pending' && request.command === command,
      error: request.kind === 'error' && request.command === command ? request : null,
    };
  }

  #renderPasswordForm() {
    const request = this.request;
    const { pending, error } = this.#stateOf('change-password');
    const invalid = (field: string) => (error?.field === field ? 'true' : 'false');
    return html`<form aria-labelledby="password-title" novalidate @submit=${this.#onChangePassword}>
      <h3 id="password-title">${msg('Change password')}</h3>
      ${error ? html`<p role="alert">${error.text}</p>` : nothing}
      ${request.kind === 'done' ? html`<p role="status">${request.text}</p>` : nothing}
      <label class="field"
        >${msg('Current password')}
        <input
          id="current"
          type="password"
          autocomplete="current-password"
          aria-invalid=${invalid('current')}
      /></label>
      <label class="field"
        >${msg('New password')}
        <input id="new" type="password" autocomplete="new-password" aria-invalid=${invalid('new')}
      /></label>
      <label class="field"
        >${msg('Confirm new password')}
        <input id="confirm" type="password" autocomplete="new-password" aria-invalid=${invalid('confirm')}
      /></label>
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${pending} aria-busy=${pending ? 'true' : 'false'}>
          ${msg('Change password')}
        </button>
      </div>
    </form>`;
  }

  #renderEverywhere() {
    const { pending, error } = this.#stateOf('logout-everywhere');
    return html`<form aria-labelledby="everywhere-title" @submit=${this.#onSignOutEverywhere}>
      <h3 id="everywhere-title">${msg('Sign out everywhere')}</h3>
      ${error ? html`<p role="alert">${error.text}</p>` : nothing}
      ${
        this.confirming
          ? html`<p id="everywhere-warning">
                ${msg(
                  'Every session of your account ends, on every device — this one too. You will need your password to sign in again.',
                )}
              </p>
              <div class="actions">
                <button type="button" id="cancel-everywhere" @click=${this.#cancelEverywhere}>
                  ${msg('Cancel')}
                </button>
                <button
                  type="submit"
                  class="danger"
                  aria-describedby="everywhere-warning"
                  ?disabled=${pending}
                  aria-busy=${pending ? 'true' : 'false'}
                >
                  ${msg('Yes, sign out everywhere')}
                </button>
              </div>`
          : html`<p>
                ${msg('Lost a device, or signed in somewhere you should not have? End every session at once.')}
              </p>
              <div class="actions">
                <button type="button" id="everywhere" class="danger" @click=${this.#askEverywhere}>
                  ${msg('Sign out everywhere')}
                </button>
              </div>`
      }
    </form>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('request')) return;
    const request = this.request;
    if (request.kind === 'done') this.#clearFields();
    if (request.kind === 'error' && request.field) this.#input(request.field).focus();
  }

  readonly #show = (): void => {
    // What was typed or answered last time is not shown again.
    this.dispatchEvent(new AccountActionEvent('dismiss'));
    this.#clearFields();
    this.confirming = false;
    this.dialog.showModal();
  };

  readonly #onChangePassword = (event: SubmitEvent): void => {
    event.preventDefault();
    const passwords = {
      current: this.currentInput.value,
      next: this.newInput.value,
      confirm: this.confirmInput.value,
    };
    this.dispatchEvent(new AccountActionEvent('change-password', passwords));
  };

  readonly #askEverywhere = async (): Promise<void> => {
    this.confirming = true;
    await this.updateComplete;
    // The safe answer has the focus: Enter does not end every session by accident.
    this.cancelButton?.focus();
  };

  readonly #cancelEverywhere = async (): Promise<void> => {
    this.confirming = false;
    await this.updateComplete;
    this.everywhereButton?.focus();
  };

  readonly #onSignOutEverywhere = (event: SubmitEvent): void => {
    // Only **Yes, sign out everywhere** submits: the form has no field to press Enter in.
    event.preventDefault();
    this.dispatchEvent(new AccountActionEvent('sign-out-everywhere'));
  };

  #input(field: 'current' | 'new' | 'confirm'): HTMLInputElement {
    if (field === 'current') return this.currentInput;
    return field === 'new' ? this.newInput : this.confirmInput;
  }

  #clearFields(): void {
    for (const input of [this.currentInput, this.newInput, this.confirmInput]) input.value = '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'account-dialog': AccountDialog;
  }
  interface HTMLElementEventMap {
    'account-action': AccountActionEvent;
  }
}
