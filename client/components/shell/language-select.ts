import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LANGUAGES, LANGUAGE_NAMES, isLanguage } from '../../i18n/language.js';
import { chooseLanguage, currentLanguage } from '../../i18n/locale.js';

/**
 * **Language**: English or 简体中文, each under its own name. Choosing one shows the whole app in it
 * at once (every `@localized()` element re-renders) and remembers it on this browser. A choice whose
 * texts cannot load (offline, never loaded before) says so and leaves the app as it was.
 */
@localized()
@customElement('language-select')
export class LanguageSelect extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: var(--parley-space-small);
    }
    /* Looks like the small buttons beside it (styles/buttons.ts). */
    select {
      padding: 0.25rem 0.4rem;
      font: inherit;
      font-size: var(--parley-font-small);
      border: 1px solid var(--parley-control-border);
      border-radius: var(--parley-radius);
      background: var(--parley-surface);
      color: var(--parley-text);
      min-height: var(--parley-touch-target, 0px);
    }
    [role='alert'] {
      color: var(--parley-danger);
    }
  `;

  @state() private failed = false;

  override render() {
    const current = currentLanguage();
    return html`<select aria-label=${msg('Language')} @change=${this.#onChange}>
        ${LANGUAGES.map(
          (language) =>
            html`<option value=${language} lang=${language} ?selected=${language === current}>
              ${LANGUAGE_NAMES[language]}
            </option>`,
        )}
      </select>
      ${this.failed ? html`<span role="alert">${msg('That language could not be loaded.')}</span>` : nothing}`;
  }

  async #onChange(event: Event): Promise<void> {
    const value = (event.target as HTMLSelectElement).value;
    if (!isLanguage(value)) return;
    this.failed = false;
    try {
      await chooseLanguage(value);
    } catch {
      this.failed = true;
    }
    this.requestUpdate();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'language-select': LanguageSelect;
  }
}
