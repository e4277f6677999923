import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/**
 * Says, on every screen, that the page came over plain HTTP to another machine (not a secure
 * context): anyone on the network path can change it, and the identity key is kept where this
 * page's scripts can read it (docs/security.md, "Plain HTTP"). Parley still works there; this is
 * what it costs. Nothing in a secure context.
 *
 * @property secure - Whether the page is a secure context; the browser's own answer unless set.
 */
@localized()
@customElement('insecure-notice')
export class InsecureNotice extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    p {
      margin: var(--parley-space-small) 0;
      padding: var(--parley-space-small);
      border: 1px solid var(--parley-warning-border);
      border-radius: var(--parley-radius-small);
      background: var(--parley-warning-surface);
      font-size: var(--parley-font-small);
    }
  `;

  @property({ type: Boolean }) secure = globalThis.isSecureContext !== false;

  override render() {
    if (this.secure) return nothing;
    return html`<p role="note">
      <strong>${msg('This connection is not secure.')}</strong>
      ${msg(
        'The page came over plain HTTP: anyone on the network between you and the server can change it, and your identity key is kept where any script of this site can read it. Ask for the HTTPS address.',
      )}
    </p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'insecure-notice': InsecureNotice;
  }
}
