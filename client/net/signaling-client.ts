/**
 * The WebSocket to the signaling server: an explicit status, reconnects with doubling delays, and
 * every inbound frame parsed by the shared schema before anyone sees it.
 */
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import { CloseCode, parseServerFrame } from '../../shared/protocol.js';
import type { ClientFrame, ServerFrame } from '../../shared/protocol.js';
import { RetryDelay, systemClock } from './clock.js';
import type { Clock } from './clock.js';

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

export interface SignalingClientHandlers {
  onStatus(status: SignalingStatus): void;
  /** A validated frame from the server. */
  onFrame(frame: ServerFrame): void;
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
}

export class SignalingClient {
  readonly #url: string;
  readonly #clock: Clock;
  readonly #retry: RetryDelay;
  readonly #createSocket: SocketFactory;
  readonly #handlers: SignalingClientHandlers;
  #socket: WebSocket | null = null;
  #timer: unknown = null;
  #status: SignalingStatus = { kind: 'stopped', reason: 'stopped' };

  constructor(options: SignalingClientOptions, handlers: SignalingClientHandlers) {
    if (!/^wss?:\/\//.test(options.url))
      throw new TypeError(`signaling url must be ws: or wss:, got ${options.url}`);
    this.#url = options.url;
    this.#clock = options.clock ?? systemClock;
    this.#retry = options.retry ?? new RetryDelay();
    this.#createSocket = options.createSocket ?? ((url) => new WebSocket(url));
    this.#handlers = handlers;
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
    socket.send(JSON.stringify(frame));
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
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#setStatus({ kind: 'open' });
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
      this.#handlers.onFrame(frame);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
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
