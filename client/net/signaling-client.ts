/**
 * The WebSocket to the signaling server: an explicit status, reconnects with doubling delays, and
 * every inbound frame parsed by the shared schema before anyone sees it. While open it sends a
 * `ping` every `heartbeatMs`; a `pong` not back within `pongTimeoutMs` means the server is gone
 * without a word (a browser cannot see the WebSocket's own pings), so the socket is dropped and
 * the client reconnects.
 */
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import { Capability, CloseCode, parseServerFrame } from '../../shared/protocol.js';
import type { ClientFrame, ServerFrame } from '../../shared/protocol.js';
import { RetryDelay, systemClock } from './clock.js';
import type { Clock } from './clock.js';
import { WelcomePieces, type AssembledFrame } from './welcome-pieces.js';

export type SignalingStatus =
  | { kind: 'connecting' }
  | { kind: 'open' }
  /** Unreachable; the next attempt starts at `retryAt` (clock ms), or earlier with `tryNow()`. */
  | { kind: 'waiting'; retryAt: number; retryInMs: number }
  /** Stopped for good: by `stop()`, or because the server said not to come back. */
  | {
      kind: 'stopped';
      reason: 'stopped' | typeof ErrorCode.SessionReplaced | typeof ErrorCode.ProtocolVersion;
    };

/** A server frame as handlers see it: `pong` is the client's own business. */
export type SignalingFrame = Exclude<AssembledFrame, { type: 'pong' }>;

/** How often an open socket sends `ping`. */
export const HEARTBEAT_MS = 15_000;
/** How long a `pong` may take before the socket counts as dead. */
export const PONG_TIMEOUT_MS = 10_000;

export interface SignalingClientHandlers {
  onStatus(status: SignalingStatus): void;
  /** A validated frame from the server. */
  onFrame(frame: SignalingFrame): void;
  /** The server sent something that does not parse: a warning, never a crash. */
  onBadFrame(error: ProtocolError): void;
}

/** The subset of `WebSocket` the client needs, so tests may hand in a socket of their own. */
export type SocketFactory = (url: string) => WebSocket;

export interface SignalingClientOptions {
  url: string;
  clock?: Clock;
  retry?: RetryDelay;
  createSocket?: SocketFactory;
  /** Default `HEARTBEAT_MS`. */
  heartbeatMs?: number;
  /** Default `PONG_TIMEOUT_MS`. */
  pongTimeoutMs?: number;
}

export class SignalingClient {
  readonly #url: string;
  readonly #clock: Clock;
  readonly #retry: RetryDelay;
  readonly #createSocket: SocketFactory;
  readonly #handlers: SignalingClientHandlers;
  #socket: WebSocket | null = null;
  #timer: unknown = null;
  readonly #heartbeatMs: number;
  readonly #pongTimeoutMs: number;
  /** The next ping, or the deadline of the pong awaited. */
  #heartbeat: unknown = null;
  #status: SignalingStatus = { kind: 'stopped', reason: 'stopped' };
  readonly #pieces = new WelcomePieces();

  constructor(options: SignalingClientOptions, handlers: SignalingClientHandlers) {
    if (!/^wss?:\/\//.test(options.url))
      throw new TypeError(`signaling url must be ws: or wss:, got ${options.url}`);
    this.#url = options.url;
    this.#clock = options.clock ?? systemClock;
    this.#retry = options.retry ?? new RetryDelay();
    this.#createSocket = options.createSocket ?? ((url) => new WebSocket(url));
    this.#handlers = handlers;
    this.#heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.#pongTimeoutMs = options.pongTimeoutMs ?? PONG_TIMEOUT_MS;
    if (!(this.#heartbeatMs > 0) || !(this.#pongTimeoutMs > 0))
      throw new TypeError('heartbeat and pong timeout must be positive');
  }

  get status(): SignalingStatus {
    return this.#status;
  }

  /** Connects (again), keeping to reconnect until `stop()` or a final close from the server. */
  start(): void {
    if (this.#status.kind === 'connecting' || this.#status.kind === 'open') return;
    this.#connect();
  }

  /** Skips the wait of a pending retry. */
  tryNow(): void {
    if (this.#status.kind !== 'waiting') return;
    this.#clock.clearTimeout(this.#timer);
    this.#connect();
  }

  stop(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#clock.clearTimeout(this.#heartbeat);
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000);
    this.#setStatus({ kind: 'stopped', reason: 'stopped' });
  }

  /** Called once the server accepted the session, so the next outage starts with a short delay. */
  markHealthy(): void {
    this.#retry.reset();
  }

  /** Sends a frame; false when the socket is not open (the caller decides whether that matters). */
  send(frame: ClientFrame): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || this.#status.kind !== 'open') return false;
    // This layer joins a welcome sent in pieces, so it is the one to say it can.
    const sent =
      frame.type === 'register' || frame.type === 'login' || frame.type === 'resume'
        ? { ...frame, capabilities: [...(frame.capabilities ?? []), Capability.OnlinePieces] }
        : frame;
    socket.send(JSON.stringify(sent));
    return true;
  }

  #connect(): void {
    this.#setStatus({ kind: 'connecting' });
    let socket: WebSocket;
    try {
      socket = this.#createSocket(this.#url);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.#socket = socket;
    this.#pieces.reset();
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#setStatus({ kind: 'open' });
      this.#nextPing(socket);
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.#socket !== socket) return;
      if (typeof event.data !== 'string') {
        this.#handlers.onBadFrame(new ProtocolError(ErrorCode.BadFrame, 'binary frame from server'));
        return;
      }
      let frame: ServerFrame;
      try {
        frame = parseServerFrame(event.data);
      } catch (error) {
        if (error instanceof ProtocolError) this.#handlers.onBadFrame(error);
        else throw error;
        return;
      }
      if (frame.type === 'pong') {
        this.#nextPing(socket);
        return;
      }
      for (const ready of this.#pieces.take(frame)) {
        if (ready.type !== 'pong') this.#handlers.onFrame(ready);
      }
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#clock.clearTimeout(this.#heartbeat);
      if (event.code === CloseCode.SessionReplaced) {
        this.#setStatus({ kind: 'stopped', reason: ErrorCode.SessionReplaced });
      } else if (event.code === CloseCode.ProtocolVersion) {
        this.#setStatus({ kind: 'stopped', reason: ErrorCode.ProtocolVersion });
      } else {
        this.#scheduleRetry();
      }
    };
    // A failed connection also fires `close`, which schedules the retry.
    socket.onerror = () => undefined;
  }

  /** Pings `socket` after a while, then waits for the pong: none in time drops the socket. */
  #nextPing(socket: WebSocket): void {
    this.#clock.clearTimeout(this.#heartbeat);
    this.#heartbeat = this.#clock.setTimeout(() => {
      if (this.#socket !== socket || socket.readyState !== WebSocket.OPEN) return;
      socket.send(JSON.stringify({ type: 'ping' } satisfies ClientFrame));
      this.#heartbeat = this.#clock.setTimeout(() => this.#dead(socket), this.#pongTimeoutMs);
    }, this.#heartbeatMs);
  }

  /** No pong came: the server is gone without a close. Forget the socket and reconnect. */
  #dead(socket: WebSocket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    // Its close event, if it ever comes, is for a socket no longer ours.
    socket.close();
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const retryInMs = this.#retry.take();
    this.#timer = this.#clock.setTimeout(() => this.#connect(), retryInMs);
    this.#setStatus({ kind: 'waiting', retryAt: this.#clock.now() + retryInMs, retryInMs });
  }

  #setStatus(status: SignalingStatus): void {
    this.#status = status;
    this.#handlers.onStatus(status);
  }
}
