import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { NotificationPermissionState } from '../../app/attention/notifier.js';
import { NotificationsEnableEvent } from '../events.js';

/**
 * **Enable notifications** while the browser has not been asked yet (permission `default`); once
 * refused, a sentence saying so and where to change it. Nothing when granted or unsupported. The
 * browser is asked only when the button is pressed, never on load.
 */
@customElement('notification-prompt')
export class NotificationPrompt extends LitElement {
  static override styles = css`
    :host {
      display: block;
      margin-top: 0.6rem;
    }
    button {
      width: 100%;
      font: inherit;
      padding: 0.4rem;
      border-radius: 6px;
      border: 1px solid #bbb;
      background: #fff;
      cursor: pointer;
    }
    p {
      margin: 0;
      font-size: 0.85rem;
      color: #666;
    }
  `;

  @property() permission: NotificationPermissionState = 'unsupported';

  override render() {
    switch (this.permission) {
      case 'default':
        return html`<button @click=${() => this.dispatchEvent(new NotificationsEnableEvent())}>
          Enable notifications
        </button>`;
      case 'denied':
        return html`<p role="status">
          Notifications are blocked for Parley. To get them, allow notifications for this site in your
          browser's settings.
        </p>`;
      case 'granted':
      case 'unsupported':
        return nothing;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'notification-prompt': NotificationPrompt;
  }
}
