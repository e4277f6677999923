import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { buttonStyles } from '../styles/buttons.js';
import { formStyles } from '../styles/forms.js';
import { phoneWidth } from '../styles/tokens.js';
import { SignInEvent } from '../events.js';

/**
 * Username and password, with **Log in** and **Create account**. Failures show in a role `alert`.
 *
 * @fires sign-in - `SignInEvent`: **Log in** (or Enter) or **Create account** was pressed.
 * @property error - The error to show, already in words; null for none.
 * @property pending - Which request waits for the server (both buttons are disabled meanwhile).
 * @property notice - Why the person is here when that is no error (in a role `status`); null for none.
 */
@localized()
@customElement('sign-in-form')
export class SignInForm extends LitElement {
  static override styles = [
    buttonStyles,
    formStyles,
    css`
      :host {
        display: block;
        max-width: 22rem;
        margin: 4rem auto;
        padding: 2rem;
        border-radius: var(--parley-radius-large);
        background: var(--parley-surface);
        box-shadow: var(--parley-shadow-raised);
      }
      @media ${phoneWidth} {
        :host {
          margin-top: 1.5rem;
          padding: 1.25rem;
        }
      }
      h1 {
        margin: 0 0 1.5rem;
        font-size: 1.6rem;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
      }
      button {
        flex: 1;
        padding: 0.6rem;
      }
      .notice {
        margin: 0 0 var(--parley-space-medium);
        padding: 0.5rem;
        border-radius: var(--parley-radius);
        background: var(--parley-highlight);
      }
      button[disabled] {
        opacity: 0.6;
        cursor: progress;
      }
    `,
  ];

  /** The error to show, already in words; null for none. */
  @property({ attribute: false }) error: string | null = null;
  /** Which request is waiting for the server. */
  @property({ attribute: false }) pending: 'login' | 'register' | null = null;
  /** Why the person is here when that is no error (they signed out everywhere). */
  @property({ attribute: false }) notice: string | null = null;

  @query('#username') private usernameInput!: HTMLInputElement;
  @query('#password') private passwordInput!: HTMLInputElement;

  override render() {
    return html`
      <form @submit=${this.#onSubmit} novalidate>
        <h1>Parley</h1>
        ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
        ${this.notice ? html`<p role="status" class="notice">${this.notice}</p>` : nothing}
        <label class="field"
          >${msg('Username')}
          <input id="username" name="username" autocomplete="username" autocapitalize="none" required />
        </label>
        <label class="field"
          >${msg('Password')}
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </label>
        <div class="actions">
          <button
            type="submit"
            class="primary"
            ?disabled=${this.pending !== null}
            aria-busy=${this.pending === 'login'}
          >
            ${msg('Log in')}
          </button>
          <button
            type="button"
            class="secondary"
            ?disabled=${this.pending !== null}
            aria-busy=${this.pending === 'register'}
            @click=${this.#onRegister}
          >
            ${msg('Create account')}
          </button>
        </div>
      </form>
    `;
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.#fire('login');
  }

  #onRegister(): void {
    this.#fire('register');
  }

  #fire(mode: 'login' | 'register'): void {
    this.dispatchEvent(new SignInEvent(mode, this.usernameInput.value, this.passwordInput.value));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sign-in-form': SignInForm;
  }
}
