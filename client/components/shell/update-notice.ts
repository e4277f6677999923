import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { AppReloadEvent } from '../events.js';
import { buttonStyles } from '../styles/buttons.js';

/**
 * "A new version of Parley is ready", with the new build's hash and **Reload**, while a newer build
 * waits to take over (see `client/pwa/app-updates.ts`). Nothing otherwise. The new build never takes
 * over on its own: a person mid-sentence keeps the app they are typing in.
 *
 * @fires app-reload - `AppReloadEvent`: **Reload** was pressed.
 * @property build - The waiting build's content hash; null when there is none.
 */
@localized()
@customElement('update-notice')
export class UpdateNotice extends LitElement {
  static override styles = [
    buttonStyles,
    css`
      :host {
        display: block;
      }
      [role='status']:not(:empty) {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--parley-space-small);
        margin-top: 0.6rem;
        padding: var(--parley-space-small) 0.7rem;
        border: 1px solid var(--parley-accent);
        border-radius: var(--parley-radius);
        background: var(--parley-highlight);
        font-size: var(--parley-font-small);
      }
      p {
        flex: 1;
        margin: 0;
      }
      code {
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) build: string | null = null;

  override render() {
    // The live region stays in the page, so the notice is announced when it appears.
    return html`<div role="status">${this.build ? this.#renderNotice(this.build) : nothing}</div>`;
  }

  #renderNotice(build: string) {
    return html`<p>${msg('A new version of Parley is ready')} (${msg('build')} <code>${build}</code>).</p>
      <button class="primary small" @click=${() => this.dispatchEvent(new AppReloadEvent())}>
        ${msg('Reload')}
      </button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'update-notice': UpdateNotice;
  }
}
