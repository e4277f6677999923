/**
 * Re-renders its host whenever the app store changes (lit.dev's ClockController shape: subscribe
 * when the host connects, unsubscribe when it disconnects).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppStore } from '../../app/session/app-store.js';

export class StoreController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #store: AppStore | null = null;
  readonly #onChange = (): void => this.#host.requestUpdate();

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Follows `store` from now on (the host's `store` property may be set after it connected). */
  observe(store: AppStore | null): void {
    if (store === this.#store) return;
    this.#store?.removeEventListener('change', this.#onChange);
    this.#store = store;
    this.#store?.addEventListener('change', this.#onChange);
  }

  hostConnected(): void {
    this.#store?.addEventListener('change', this.#onChange);
  }

  hostDisconnected(): void {
    this.#store?.removeEventListener('change', this.#onChange);
  }
}
