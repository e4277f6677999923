import type { Duplex } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import {
  CloseCode,
  frameTypeOf,
  parseClientFrame,
  type ClientFrame,
  type ServerFrame,
} from '../../shared/protocol.js';
import { TokenBucket } from '../limits/token-bucket.js';
import type { AuthFrame } from './authenticate.js';
import { changePassword } from './change-password.js';
import type { ConnectionContext } from './connection-context.js';
import {
  addToGroup,
  answerInvitation,
  appendToLog,
  createGroup,
  leaveGroup,
  type CommandPort,
} from './group-commands.js';
import { InOrderQueue } from './in-order-queue.js';
import { PairLimiter } from './pair-limiter.js';
import { relaySignal } from './relay-signal.js';
import type { PresenceMember } from './presence.js';
import { Outbox, encodeTextFrame } from './outbox.js';
import { startSession, type LoggedIn, type SessionStartPort } from './session-start.js';

type SignalFrame = Extract<ClientFrame, { type: 'signal' }>;
type ChangePasswordFrame = Extract<ClientFrame, { type: 'change-password' }>;

/**
 * Frames that may wait while an earlier one is handled (a login being checked, a group change being
 * stored): up to this many, and this many bytes of them. A member joining a group of 16 sends a few
 * hundred ICE candidates meanwhile (~300 bytes each); more, or bigger frames, is a flood. The bytes
 * bound the memory per connection (32 frames of up to 64 KiB used to allow 2 MiB).
 */
const MAX_BACKLOG = 1024;
const MAX_BACKLOG_BYTES = 256 * 1024;

/** One frame as received: its text, or null for a binary frame. */
type Inbound = string | null;

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/**
 * One client's WebSocket: parses each frame once, dispatches it, and holds the connection's session.
 * Frames are handled strictly in order (see InOrderQueue).
 * Sign-in (session-start.ts) and the commands (group-commands, relay-signal, change-password) live
 * beside it; this class holds the dispatch, the limits and the socket's life.
 */
export class ClientConnection implements PresenceMember {
  private session: LoggedIn | null = null;
  private readonly frames: InOrderQueue<Inbound>;
  private readonly control: TokenBucket;
  private readonly relayBucket: TokenBucket;
  private readonly pairs: PairLimiter;
  /** Closes a socket that never logs in: idle unauthenticated sockets cost memory and a connection slot. */
  private loginTimer: NodeJS.Timeout | null;
  /** So a flood logs one warning, not one per frame. */
  private limited = false;
  private readonly outbox: Outbox;
  /** Stops the TURN credential refresh of a logged-in connection that asked for it. */
  private stopIceRefresh: (() => void) | null = null;
  /** What the command modules (group-commands.ts) may do with this connection; built once. */
  private readonly port: CommandPort;
  /** What sign-in (session-start.ts) may do with this connection; built once. */
  private readonly sessionStart: SessionStartPort;

  /**
   * @param socket the WebSocket
   * @param transport the TCP socket under it (from the HTTP upgrade), for batching writes
   */
  constructor(
    readonly socket: WebSocket,
    transport: Duplex,
    private readonly address: string,
    private readonly ctx: ConnectionContext,
    private readonly id: number,
  ) {
    this.control = new TokenBucket(ctx.controlRateLimit, ctx.clock);
    this.relayBucket = new TokenBucket(ctx.relayRateLimit, ctx.clock);
    this.pairs = new PairLimiter(ctx.pairRelayRateLimit, ctx.clock);
    this.port = {
      ctx,
      log: (level, fields, message) => this.logAt(level, fields, message),
      refuse: (level, code, message, ref) => this.refuse(level, code, message, ref),
      sendFrame: (frame) => this.sendFrame(frame),
    };
    this.sessionStart = {
      ctx,
      socket,
      address,
      member: this,
      current: () => this.session,
      started: (session) => {
        this.session = session;
        this.clearLoginTimer();
      },
      refreshing: (stop) => (this.stopIceRefresh = stop),
      log: (fields, message) => this.logAt('info', fields, message),
      refuse: (level, code, message, ref, retryAfterMs) =>
        this.refuse(level, code, message, ref, retryAfterMs),
      sendFrame: (frame) => this.sendFrame(frame),
    };
    this.loginTimer = setTimeout(() => this.loginTimedOut(), ctx.loginTimeoutMs);
    this.outbox = new Outbox(
      socket,
      transport,
      ctx.batches,
      (bytes) => this.dropSlowClient(bytes),
      ctx.maxQueuedBytes,
    );
    this.frames = new InOrderQueue<Inbound>(
      (frame) => this.handle(frame),
      (error) => this.failed(error),
      MAX_BACKLOG,
      MAX_BACKLOG_BYTES,
      (frame) => frame?.length ?? 0,
    );
    socket.on('message', (data, isBinary) => {
      if (!this.frames.push(isBinary ? null : rawText(data))) {
        this.rateLimited('Too many frames while an earlier one is handled.', undefined, undefined);
      }
    });
    socket.on('close', (code) => this.closed(code));
    socket.on('error', (error) =>
      this.logAt('warn', { err: error.message, code: errorCode(error) }, 'socket error'),
    );
    this.logAt('debug', {}, 'connected');
  }

  /** Sends a serialized frame now (after any queued broadcasts) if the socket is open. */
  send(frame: string): void {
    this.outbox.send(frame);
  }

  /** Queues a relayed frame for the next flush, so a burst of signals to one peer is one write. */
  forward(frame: string): void {
    this.outbox.queue(encodeTextFrame(frame));
  }

  /** Queues a broadcast frame, already encoded, for the next flush. */
  announce(frame: Buffer): void {
    this.outbox.queue(frame);
  }

  /** The client takes device keys with presence (`Capability.IdentityKeys`). */
  get wantsKeys(): boolean {
    return this.session?.keys === true;
  }

  /** The client takes groups' signed logs (`Capability.GroupLog`). */
  get wantsGroupLog(): boolean {
    return this.session?.groupLog === true;
  }

  /** The client takes users gone offline together (`Capability.UsersOffline`). */
  get wantsUsersOffline(): boolean {
    return this.session?.usersOffline === true;
  }

  /** A newer login of the same account took over: tell this one why, and close it. */
  replace(): void {
    this.leavePresence();
    this.sendFrame({
      type: 'error',
      code: ErrorCode.SessionReplaced,
      message: 'You logged in somewhere else.',
    });
    this.socket.close(CloseCode.SessionReplaced, 'session replaced');
  }

  /** The one place client frames are parsed. Returns a promise only for handlers that await. */
  private handle(raw: Inbound): Promise<void> | undefined {
    let frame: ClientFrame;
    try {
      if (raw === null) throw new ProtocolError(ErrorCode.BadFrame, 'binary frames are not accepted');
      frame = parseClientFrame(raw);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      if (this.admit(this.control, undefined)) {
        this.refuse('warn', error.code, error.detail, raw === null ? undefined : frameTypeOf(raw));
      }
      return undefined;
    }
    const bucket = frame.type === 'signal' && this.session ? this.relayBucket : this.control;
    if (!this.admit(bucket, frame.type)) return undefined;

    switch (frame.type) {
      case 'register':
      case 'login':
      case 'resume':
        return this.authenticate(frame);
      case 'logout':
      case 'logout-everywhere':
        return this.logout(frame.type);
      case 'change-password':
        return this.changePassword(frame);
      case 'signal':
        return this.relaySignal(frame);
      case 'group-create':
        return this.withSession(frame.type, (session) => createGroup(this.port, session, frame));
      case 'group-add':
        return this.withSession(frame.type, (session) => addToGroup(this.port, session, frame));
      case 'group-leave':
        return this.withSession(frame.type, (session) => leaveGroup(this.port, session, frame));
      case 'group-accept':
      case 'group-decline':
        return this.withSession(frame.type, (session) => answerInvitation(this.port, session, frame));
      case 'group-entry':
        return this.withSession(frame.type, (session) => appendToLog(this.port, session, frame));
      case 'ping':
        this.sendFrame({ type: 'pong' });
        return undefined;
      default: {
        const unreachable: never = frame;
        throw new TypeError(`unhandled frame ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private admit(bucket: TokenBucket, ref: string | undefined): boolean {
    const retryAfterMs = bucket.take();
    if (retryAfterMs === 0) {
      this.limited = false;
      return true;
    }
    this.rateLimited('Too many frames; slow down.', ref, retryAfterMs);
    return false;
  }

  /** Refuses a frame of a flood: answered every time, but logged once per flood. */
  private rateLimited(message: string, ref: string | undefined, retryAfterMs: number | undefined): void {
    if (!this.limited) this.logAt('warn', { code: ErrorCode.RateLimited, ref }, message);
    this.limited = true;
    this.sendError(ErrorCode.RateLimited, message, ref, retryAfterMs);
  }

  private authenticate(frame: AuthFrame): Promise<void> | undefined {
    return startSession(this.sessionStart, frame);
  }

  /**
   * Ends this session, or with `logout-everywhere` every session of the account. Either way this is the
   * only connection of the account online (a login replaces the previous one), so it alone leaves.
   */
  private logout(ref: 'logout' | 'logout-everywhere'): Promise<void> | undefined {
    const session = this.loggedIn(ref);
    if (!session) return undefined;
    this.leavePresence();
    this.logAt('info', { user: session.user, via: ref }, 'logged out');
    const { accounts } = this.ctx;
    const revoked =
      ref === 'logout' ? accounts.logout(session.tokenHash) : accounts.logoutEverywhere(session.accountId);
    // `logged-out` only once the tokens are revoked, so a client that sees it can trust it.
    return revoked.then(() => this.sendFrame({ type: 'logged-out' }));
  }

  private changePassword(frame: ChangePasswordFrame): Promise<void> | undefined {
    const session = this.loggedIn(frame.type);
    if (!session) return undefined;
    return changePassword(
      {
        ctx: this.ctx,
        address: this.address,
        current: () => this.session,
        renewed: (renewed) => (this.session = renewed),
        log: (fields, message) => this.logAt('info', fields, message),
        refuse: (level, code, message, ref, retryAfterMs) =>
          this.refuse(level, code, message, ref, retryAfterMs),
        sendFrame: (frame) => this.sendFrame(frame),
      },
      session,
      frame,
    );
  }

  private relaySignal(frame: SignalFrame): undefined {
    const session = this.loggedIn('signal');
    if (!session) return undefined;
    relaySignal(
      {
        ctx: this.ctx,
        self: this,
        pairs: this.pairs,
        refuse: (level, code, message, ref) => this.refuse(level, code, message, ref),
        rateLimited: (message, ref, retryAfterMs) => this.rateLimited(message, ref, retryAfterMs),
      },
      session.user,
      frame,
    );
    return undefined;
  }

  /** Runs `command` with the session, or refuses a frame that needs one. */
  private withSession(
    ref: ClientFrame['type'],
    command: (session: LoggedIn) => Promise<void>,
  ): Promise<void> | undefined {
    const session = this.loggedIn(ref);
    return session ? command(session) : undefined;
  }

  /** The session, or null after refusing a frame that needs one. */
  private loggedIn(ref: ClientFrame['type']): LoggedIn | null {
    if (!this.session) this.refuse('warn', ErrorCode.NotAuthenticated, 'Log in first.', ref);
    return this.session;
  }

  private dropSlowClient(queuedBytes: number): void {
    this.logAt('warn', { queuedBytes }, 'client is not reading; dropping it');
    this.socket.terminate();
  }

  private leavePresence(): void {
    this.stopIceRefresh?.();
    this.stopIceRefresh = null;
    if (!this.session) return;
    this.ctx.presence.leave(this.session.key, this);
    this.session = null;
  }

  private closed(code: number): void {
    this.logAt('debug', { code, user: this.session?.user }, 'disconnected');
    this.clearLoginTimer();
    this.frames.clear();
    this.leavePresence();
  }

  /** A handler threw: a server bug. This connection is closed (its state is suspect); nobody else's. */
  private failed(error: unknown): void {
    this.logAt('error', { err: error instanceof Error ? error.message : String(error) }, 'handler failed');
    this.sendError(ErrorCode.Internal, 'The server failed; reconnect.', undefined);
    this.frames.clear();
    this.socket.close(CloseCode.InternalError, 'internal error');
  }

  private loginTimedOut(): void {
    this.loginTimer = null;
    if (this.session || this.socket.readyState !== WebSocket.OPEN) return;
    this.logAt('info', {}, 'no login in time; closing');
    this.socket.close(CloseCode.LoginTimeout, 'log in sooner');
  }

  private clearLoginTimer(): void {
    if (this.loginTimer) clearTimeout(this.loginTimer);
    this.loginTimer = null;
  }

  /**
   * Logs with the connection's id and address. Not a pino child per connection: with 10,000 idle
   * connections the children alone would cost megabytes.
   */
  private logAt(level: 'error' | 'warn' | 'info' | 'debug', fields: object, message: string): void {
    this.ctx.logger[level]({ conn: this.id, address: this.address, ...fields }, message);
  }

  /** Logs a refused frame at `level` (warn for protocol misuse) and answers it with an error frame. */
  private refuse(
    level: 'warn' | 'info' | 'debug',
    code: ErrorCode,
    message: string,
    ref: string | undefined,
    retryAfterMs?: number,
  ): void {
    this.logAt(level, { code, ref, user: this.session?.user }, message);
    this.sendError(code, message, ref, retryAfterMs);
  }

  private sendError(code: ErrorCode, message: string, ref: string | undefined, retryAfterMs?: number): void {
    this.ctx.metrics.errorSent(code);
    const frame: ServerFrame = { type: 'error', code, message: message.slice(0, 1000) };
    if (ref !== undefined) frame.ref = ref;
    if (retryAfterMs !== undefined) frame.retryAfterMs = retryAfterMs;
    this.sendFrame(frame);
  }

  private sendFrame(frame: ServerFrame): void {
    this.send(JSON.stringify(frame));
  }
}

function errorCode(error: Error): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
