import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { buttonStyles } from '../styles/buttons.js';
import type { NotificationPermissionState } from '../../app/attention/notifier.js';
import { NotificationsEnableEvent } from '../events.js';

/**
 * **Enable notifications** while the browser has not been asked yet (permission `default`); once
 * refused, a sentence saying so and where to change it. Nothing when granted or unsupported. The
 * browser is asked only when the button is pressed, never on load.
 *
 * @fires notifications-enable - `NotificationsEnableEvent`: **Enable notifications** was pressed.
 * @property permission - The browser's notification permission (or `unsupported`).
 */
@localized()
@customElement('notification-prompt')
export class NotificationPrompt extends LitElement {
  static override styles = [
    buttonStyles,
    css`
      :host {
        display: block;
        margin-top: 0.6rem;
      }
      button {
        width: 100%;
        padding: 0.4rem;
      }
      p {
        margin: 0;
        font-size: var(--parley-font-small);
        color: var(--parley-text-muted);
      }
    `,
  ];

  @property() permission: NotificationPermissionState = 'unsupported';

  override render() {
    switch (this.permission) {
      case 'default':
        return html`<button @click=${() => this.dispatchEvent(new NotificationsEnableEvent())}>
          ${msg('Enable notifications')}
        </button>`;
      case 'denied':
        return html`<p role="status">
          ${msg(
            "Notifications are blocked for Parley. To get them, allow notifications for this site in your browser's settings.",
          )}
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
