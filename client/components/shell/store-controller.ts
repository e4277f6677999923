/**
 * Re-renders its host whenever the app store (or another source of `change` events, like the app
 * updates) changes (lit.dev's ClockController shape: subscribe
 * when the host connects, unsubscribe when it disconnects).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class StoreController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #store: EventTarget | null = null;
  readonly #onChange = (): void => this.#host.requestUpdate();

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Follows `store` from now on (the host's `store` property may be set after it connected). */
  observe(store: EventTarget | null): void {
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
