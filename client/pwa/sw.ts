/**
 * Parley's service worker: keeps the app shell (index.html, app.js, the emoji data, the manifest and
 * the icons) in a cache named after the build's content hash, and serves the shell from it, so
 * Parley opens without a network and shows the stored history (messages wait for the network; the
 * signaling client retries on its own).
 *
 * The shell is served cache-first: the app a person runs is the build they installed, not whatever
 * the server sends today (issue 11: a hostile server cannot swap the app under a running install
 * without the person seeing a new build hash). A new build installs beside the old one and waits;
 * the page shows "A new version of Parley is ready" and its hash, and only **Reload** (a
 * `skip-waiting` message) lets it take over. No `skipWaiting()` on install.
 *
 * `scripts/build.mjs` bundles this file with the build's hash and file list as `__PARLEY_BUILD__` and
 * `__PARLEY_SHELL__`. It is a module of its own (no imports): the page never loads it.
 */

declare const __PARLEY_BUILD__: string;
declare const __PARLEY_SHELL__: readonly string[];

/*
 * The few service-worker types this file uses. The client compiles against the DOM library, which
 * lacks them; pulling in the whole WebWorker library would change the types every page module sees.
 */
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
}
interface NotificationEvent extends ExtendableEvent {
  readonly notification: Notification;
}
interface WindowClient {
  readonly url: string;
  focus(): Promise<WindowClient>;
  postMessage(message: unknown): void;
}
interface ServiceWorkerScope {
  readonly registration: ServiceWorkerRegistration;
  skipWaiting(): Promise<void>;
  readonly clients: {
    claim(): Promise<void>;
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
  };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
}

const scope = globalThis as unknown as ServiceWorkerScope;
const BUILD = __PARLEY_BUILD__;
const CACHE_PREFIX = 'parley-shell-';
const CACHE = `${CACHE_PREFIX}${BUILD}`;
/** The shell's paths; `/` is index.html, which every navigation gets. */
const SHELL = new Set(__PARLEY_SHELL__);

scope.addEventListener('install', (event) => {
  // `no-cache`: revalidate with the server, never take an older copy from the HTTP cache.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...SHELL].map((path) => new Request(path, { cache: 'no-cache' })))),
  );
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      // The first install controls the page that registered it, so that page works offline too.
      await scope.clients.claim();
    })(),
  );
});

scope.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  const path = request.mode === 'navigate' ? '/' : url.pathname;
  // Anything else (the WebSocket, /healthz, blobs) goes to the network untouched.
  if (!SHELL.has(path)) return;
  event.respondWith(fromShell(path, request));
});

async function fromShell(path: string, request: Request): Promise<Response> {
  const cached = await caches.match(path, { cacheName: CACHE });
  // Only if the cache lost it (storage pressure): the network, as if there were no worker.
  return cached ?? fetch(request);
}

scope.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown } | null;
  switch (data?.type) {
    case 'build':
      event.ports[0]?.postMessage({ build: BUILD });
      return;
    case 'skip-waiting':
      event.waitUntil(scope.skipWaiting());
      return;
  }
});

/**
 * A notification the page showed through this registration (where the page may not construct one,
 * as on Android) was clicked: bring a Parley window forward and tell it which conversation to open
 * (client/app/attention/notifier.ts), or open one.
 */
scope.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as { conversation?: unknown } | null;
  const conversation = typeof data?.conversation === 'string' ? data.conversation : null;
  event.waitUntil(
    (async () => {
      const windows = await scope.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows[0];
      if (!open) {
        await scope.clients.openWindow('/');
        return;
      }
      await open.focus();
      if (conversation !== null) open.postMessage({ type: 'open-conversation', conversation });
    })(),
  );
});
