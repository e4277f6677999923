import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SignalingStatus } from '../../app/session/app-store.js';
import { SessionActionEvent } from '../events.js';

/**
 * A small, non-blocking notice while the server is unreachable: chats whose direct connection is
 * open keep working meanwhile, so nothing else is disabled.
 *
 * @fires session-action - `SessionActionEvent('reconnect')`: **Retry now** was pressed.
 * @property status - The signaling connection's status.
 * @property quietWhileConnecting - Say nothing while merely connecting.
 */
@localized()
@customElement('connection-notice')
export class ConnectionNotice extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    div {
      display: flex;
      gap: 0.6rem;
      align-items: center;
      margin: 0.5rem 0;
      padding: 0.5rem 0.7rem;
      border-radius: var(--parley-radius);
      background: var(--parley-warning-surface);
      color: var(--parley-warning);
      font-size: 0.9rem;
    }
    button {
      font: inherit;
      padding: 0.2rem 0.6rem;
      min-height: var(--parley-touch-target, 0px);
      border-radius: var(--parley-radius-small);
      border: 1px solid var(--parley-warning-border);
      background: transparent;
      cursor: pointer;
    }
  `;

  @property({ attribute: false }) status: SignalingStatus = { kind: 'open' };
  /** Whether the session is confirmed: while unconfirmed, "connecting" is worth saying too. */
  @property({ type: Boolean }) quietWhileConnecting = true;

  override render() {
    const s = this.status;
    if (s.kind === 'open' || s.kind === 'stopped') return nothing;
    if (s.kind === 'connecting' && this.quietWhileConnecting) return nothing;
    return html`<div role="status">
      <span
        >${s.kind === 'waiting' ? msg('Server unreachable. Retrying…') : msg('Connecting to the server…')}</span
      >
      ${
        s.kind === 'waiting'
          ? html`<button @click=${() => this.dispatchEvent(new SessionActionEvent('reconnect'))}>
              ${msg('Retry now')}
            </button>`
          : nothing
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'connection-notice': ConnectionNotice;
  }
}
