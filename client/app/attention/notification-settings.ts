/**
 * The person's notification settings as the UI sees them (`messenger.notifications`): whether the
 * browser allows them, asking it to, and muting a conversation — kept with the conversation, so a
 * mute survives a reload.
 */
import type { AccountStore } from '../../storage/account-store.js';
import type { Notifier, NotificationPermissionState } from './notifier.js';

export class NotificationSettings {
  readonly #notifier: Notifier;
  readonly #store: Pick<AccountStore, 'setMuted'>;

  constructor(notifier: Notifier, store: Pick<AccountStore, 'setMuted'>) {
    this.#notifier = notifier;
    this.#store = store;
  }

  /** Silences (or not) the notifications of `conversation`; kept with the conversation. */
  async setMuted(conversation: string, muted: boolean): Promise<void> {
    this.#notifier.setMuted(conversation, muted);
    await this.#store.setMuted(conversation, muted);
  }

  isMuted(conversation: string): boolean {
    return this.#notifier.isMuted(conversation);
  }

  get permission(): NotificationPermissionState {
    return this.#notifier.permission;
  }

  /** Asks the browser to allow notifications; call only on the person's request. */
  enable(): Promise<NotificationPermissionState> {
    return this.#notifier.request();
  }
}
