/**
 * The page's side of the service worker (`sw.ts`): registers it, says which build is installed (the
 * worker's content hash, shown in the about line so a person can tell which app they run), and when
 * a new build waits to take over, which one. Nothing changes until `reload()`: the waiting worker is
 * told to take over, and the page reloads once it has.
 *
 * Fires `change` whenever `installedBuild` or `waitingBuild` changes.
 */

/** How long a worker may take to answer which build it holds. */
const BUILD_QUESTION_TIMEOUT_MS = 5_000;

export class AppUpdates extends EventTarget {
  /** The content hash of the build that serves this page; null until known (or without a worker). */
  installedBuild: string | null = null;
  /** The content hash of a newer build that is installed and waits for **Reload**; null for none. */
  waitingBuild: string | null = null;

  #registration: ServiceWorkerRegistration | null = null;
  #reloading = false;

  /**
   * Registers `scriptUrl` (root scope) and starts following it. Without service workers (an
   * insecure origin, an old browser) the result simply never has a build to show.
   */
  static start(scriptUrl = '/sw.js'): AppUpdates {
    const updates = new AppUpdates();
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker
        .register(scriptUrl, { scope: '/', updateViaCache: 'none' })
        .then((registration) => updates.#follow(registration))
        .catch((error: unknown) =>
          console.warn('[parley] no offline copy: the service worker failed', error),
        );
    }
    return updates;
  }

  /** Lets the waiting build take over and reloads the page with it. */
  reload(): void {
    const waiting = this.#registration?.waiting;
    if (!waiting) {
      location.reload();
      return;
    }
    this.#reloading = true;
    waiting.postMessage({ type: 'skip-waiting' });
  }

  #follow(registration: ServiceWorkerRegistration): void {
    this.#registration = registration;
    const container = navigator.serviceWorker;
    container.addEventListener('controllerchange', () => {
      // Only the reload the person asked for; a first install taking control changes nothing visible.
      if (this.#reloading) location.reload();
      else void this.#refresh();
    });
    registration.addEventListener('updatefound', () => {
      const installing = registration.installing;
      installing?.addEventListener('statechange', () => void this.#refresh());
    });
    void this.#refresh();
  }

  async #refresh(): Promise<void> {
    const registration = this.#registration;
    if (!registration) return;
    // The build serving this page: the controller, or on a first visit the worker being activated.
    const serving = navigator.serviceWorker.controller ?? registration.active;
    // A worker that waits while another serves the page is an update; on a first visit there is none.
    const waiting = navigator.serviceWorker.controller ? registration.waiting : null;
    const [installed, next] = await Promise.all([askBuild(serving), askBuild(waiting)]);
    if (installed === this.installedBuild && next === this.waitingBuild) return;
    this.installedBuild = installed;
    this.waitingBuild = next !== installed ? next : null;
    this.dispatchEvent(new Event('change'));
  }
}

/** Asks a worker which build it holds; null for no worker or no answer. */
function askBuild(worker: ServiceWorker | null): Promise<string | null> {
  if (!worker || worker.state === 'redundant') return Promise.resolve(null);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), BUILD_QUESTION_TIMEOUT_MS);
    channel.port1.onmessage = (event: MessageEvent<{ build?: unknown }>) => {
      clearTimeout(timer);
      resolve(typeof event.data.build === 'string' ? event.data.build : null);
    };
    worker.postMessage({ type: 'build' }, [channel.port2]);
  });
}
