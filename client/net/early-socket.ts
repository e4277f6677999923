/**
 * The signaling socket, opened while the page's script still starts. The entry imports
 * `open-early-socket.ts` first, so the socket's TCP and HTTP handshakes overlap the evaluation of
 * the rest of the bundle (its components, its schemas: ~100 ms on this 2-core VM, three times that
 * while other pages are busy), which used to come first: a returning member's catch-up waited for
 * both, one after the other.
 *
 * Until the app takes the socket (`takeEarlySocket`, as `SignalingClient`'s socket factory), what
 * happens to it — open, messages, close — is recorded; once taken, it is dispatched again, in order,
 * to the handlers the client has set by then. The replay runs in a microtask, so no event the
 * browser delivers later (a task) can overtake it. A socket nobody takes is harmless: it is the
 * one the app would have opened.
 */
import type { SocketFactory } from './signaling-client.js';

/** Where the signaling server of the page at `location` listens: its own origin, path /ws. */
export function signalingUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

interface Early {
  readonly url: string;
  readonly socket: WebSocket;
  readonly happened: Event[];
  readonly record: (event: Event) => void;
}

const RECORDED = ['open', 'message', 'close'] as const;

let early: Early | null = null;

/** Opens the socket for `url` now, for `takeEarlySocket` to hand over later. Once per page. */
export function openEarlySocket(url: string, create: SocketFactory = (at) => new WebSocket(at)): void {
  if (early) return;
  let socket: WebSocket;
  try {
    socket = create(url);
  } catch {
    return; // The client's own attempt reports it, and retries.
  }
  const happened: Event[] = [];
  const record = (event: Event) => void happened.push(event);
  for (const type of RECORDED) socket.addEventListener(type, record);
  early = { url, socket, happened, record };
}

/**
 * The socket `openEarlySocket` opened for `url`, once; null for any other url, or when there is
 * none (then the caller opens its own). What happened to it so far reaches the caller's handlers
 * in a microtask.
 */
export function takeEarlySocket(url: string): WebSocket | null {
  if (!early || early.url !== url) return null;
  const { socket, happened, record } = early;
  early = null;
  for (const type of RECORDED) socket.removeEventListener(type, record);
  queueMicrotask(() => {
    for (const event of happened) socket.dispatchEvent(copyOf(event));
  });
  return socket;
}

/** The socket opened early when there is one for `url`, else a new one: `SignalingClient`'s factory. */
export const earlyOrNewSocket: SocketFactory = (url) => takeEarlySocket(url) ?? new WebSocket(url);

/** An event can be dispatched once: a new one with the same fields. */
function copyOf(event: Event): Event {
  if (event instanceof MessageEvent) return new MessageEvent('message', { data: event.data as unknown });
  if (event instanceof CloseEvent)
    return new CloseEvent('close', { code: event.code, reason: event.reason, wasClean: event.wasClean });
  return new Event(event.type);
}
