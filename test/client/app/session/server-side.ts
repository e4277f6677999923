/**
 * A signaling socket the test plays the server on, handed to `AppStore` as `createSocket`: it
 * records what the client sends, and the test opens it, answers and closes it.
 */
import { AppStore } from '../../../../client/app/session/app-store.js';
import { deleteAccountStore } from '../../../../client/storage/account-store.js';
import { clearSession } from '../../../../client/storage/session-token.js';
import { PROTOCOL_VERSION } from '../../../../shared/protocol.js';
import type { IceServer, ServerFrame } from '../../../../shared/protocol.js';
import { idleLink } from '../../helpers/idle-link.js';

interface FakeSocket {
  readyState: number;
  onopen: (() => void) | null;
  onmessage: ((event: { data: string }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: (() => void) | null;
  send(data: string): void;
  close(): void;
}

export class ServerSide {
  readonly sent: Array<Record<string, unknown>> = [];
  socket: FakeSocket | null = null;
  readonly #waiting: Array<() => void> = [];

  /**
   * Resolves once `count` frames were sent in all. Sign-in frames go after this browser's device key
   * is read (an IndexedDB read, or a key made), so they are not sent synchronously.
   */
  sentCount(count: number): Promise<void> {
    if (this.sent.length >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.sent.length >= count) resolve();
        else this.#waiting.push(check);
      };
      this.#waiting.push(check);
    });
  }

  #record(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
    for (const waiter of this.#waiting.splice(0)) waiter();
  }

  readonly createSocket = (): WebSocket => {
    const socket: FakeSocket = {
      readyState: WebSocket.CONNECTING,
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      send: (data: string) => this.#record(data),
      close: () => undefined,
    };
    this.socket = socket;
    return socket as unknown as WebSocket;
  };

  open(): void {
    this.socket!.readyState = WebSocket.OPEN;
    this.socket!.onopen?.();
  }

  say(frame: ServerFrame): void {
    this.socket!.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The connection drops (an ordinary close: the client will retry). */
  drop(): void {
    const socket = this.socket!;
    socket.readyState = WebSocket.CLOSED;
    socket.onclose?.({ code: 1006 });
  }
}

/** The server's `welcome` for aurelia: by default token `t…t`, nobody online, no ICE servers. */
export function welcome(
  fields: { token?: string; online?: string[]; iceServers?: IceServer[] } = {},
): ServerFrame {
  return {
    type: 'welcome',
    version: PROTOCOL_VERSION,
    user: 'aurelia',
    token: fields.token ?? 't'.repeat(32),
    expiresAt: Date.now() + 3_600_000,
    iceServers: fields.iceServers ?? [],
    online: fields.online ?? [],
    groups: [],
  };
}

/** A started store on `server`'s socket, now open; its peer links never open. */
export async function startStore(server: ServerSide): Promise<AppStore> {
  const store = new AppStore({
    signalingUrl: 'ws://parley.test/ws',
    createSocket: server.createSocket,
    createLink: () => idleLink(),
  });
  await store.start();
  server.open();
  return store;
}

/** Resolves once `done()` holds, checking after each change of `store`. */
export async function until(store: AppStore, done: () => boolean): Promise<void> {
  while (!done()) await new Promise((wake) => store.addEventListener('change', wake, { once: true }));
}

/** After a test: signs aurelia's store out and forgets her session and her database. */
export async function forgetAurelia(store: AppStore | null): Promise<void> {
  store?.logout();
  clearSession();
  await deleteAccountStore('aurelia');
}

/**
 * For a suite (call at the top of its `describe`): the store a test hands to the returned function
 * is forgotten after that test (`forgetAurelia`), whether it passed or not.
 */
export function forgetAureliaAfterEach(): (store: AppStore) => AppStore {
  let current: AppStore | null = null;
  afterEach(async () => {
    await forgetAurelia(current);
    current = null;
  });
  return (store) => (current = store);
}
