import type { Duplex } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import { nameKey, normalizeUsername } from '../../shared/names.js';
import {
  CloseCode,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  frameTypeOf,
  parseClientFrame,
  type ClientFrame,
  type ServerFrame,
} from '../../shared/protocol.js';
import type { AuthResult } from '../auth/account-service.js';
import type { GroupFailure } from '../groups/group-service.js';
import { TokenBucket } from '../limits/token-bucket.js';
import { authenticate, type AuthFrame } from './authenticate.js';
import type { ConnectionContext } from './connection-context.js';
import { fillWelcome, memberKeys, toWireGroup } from './group-frames.js';
import { InOrderQueue } from './in-order-queue.js';
import type { PresenceMember } from './presence.js';
import { Outbox, encodeTextFrame } from './outbox.js';

type SignalFrame = Extract<ClientFrame, { type: 'signal' }>;
type GroupCreateFrame = Extract<ClientFrame, { type: 'group-create' }>;
type GroupAddFrame = Extract<ClientFrame, { type: 'group-add' }>;
type GroupLeaveFrame = Extract<ClientFrame, { type: 'group-leave' }>;

interface LoggedIn {
  user: string;
  key: string;
  tokenHash: string;
}

/** Frames that may wait while a login is being checked; more is a flood. */
const MAX_BACKLOG = 32;

/** One frame as received: its text, or null for a binary frame. */
type Inbound = string | null;

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/**
 * One client's WebSocket: parses each frame once, dispatches it, and holds the connection's session.
 * Frames are handled strictly in order (see InOrderQueue).
 */
export class ClientConnection implements PresenceMember {
  private session: LoggedIn | null = null;
  private readonly frames: InOrderQueue<Inbound>;
  private readonly control: TokenBucket;
  private readonly relayBucket: TokenBucket;
  /** So a flood logs one warning, not one per frame. */
  private limited = false;
  private readonly outbox: Outbox;

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
    this.outbox = new Outbox(
      socket,
      transport,
      ctx.batches,
      (bytes) => this.dropSlowClient(bytes),
      ctx.maxQueuedBytes,
    );
    this.frames = new InOrderQueue<Inbound>(
      (frame) => this.handle(frame),
      (error) => {
        this.logAt(
          'error',
          { err: error instanceof Error ? error.message : String(error) },
          'handler failed',
        );
        this.sendError(ErrorCode.Internal, 'The server failed; try again.', undefined);
      },
      MAX_BACKLOG,
    );
    socket.on('message', (data, isBinary) => {
      if (!this.frames.push(isBinary ? null : rawText(data))) {
        this.rateLimited('Too many frames while a login is in progress.', undefined, undefined);
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
        return this.logout();
      case 'signal':
        return this.relaySignal(frame);
      case 'group-create':
        return this.createGroup(frame);
      case 'group-add':
        return this.addToGroup(frame);
      case 'group-leave':
        return this.leaveGroup(frame);
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
    if (frame.version !== PROTOCOL_VERSION) {
      this.refuse(
        'warn',
        ErrorCode.ProtocolVersion,
        `this server speaks version ${PROTOCOL_VERSION}`,
        frame.type,
      );
      this.socket.close(CloseCode.ProtocolVersion, 'protocol version');
      return undefined;
    }
    if (this.session) {
      this.refuse('warn', ErrorCode.AlreadyAuthenticated, 'Already logged in.', frame.type);
      return undefined;
    }
    return authenticate(this.ctx.accounts, frame, this.address).then((result) =>
      this.complete(frame.type, result),
    );
  }

  private async complete(ref: AuthFrame['type'], result: AuthResult): Promise<void> {
    if (!result.ok) {
      const { code, message, retryAfterMs } = result.failure;
      // A throttled login is what an attack looks like; the rest are people mistyping.
      const level = code === ErrorCode.TooManyAttempts ? 'warn' : 'info';
      this.ctx.metrics.loginFailed(ref, code);
      this.refuse(level, code, message, ref, retryAfterMs);
      return;
    }
    const { account, token, tokenHash, expiresAt } = result.session;
    // Read before entering presence: from then on, group changes reach this connection as they happen.
    // (With SQLite nothing can happen in between: the store answers without yielding to I/O.)
    const groups = await this.ctx.groups.groupsOf(account.nameKey);
    // The socket may have closed while scrypt ran; then there is nobody to welcome.
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const { presence, iceServers } = this.ctx;
    presence.find(account.nameKey)?.member.replace();
    this.session = { user: account.username, key: account.nameKey, tokenHash };
    this.logAt('info', { user: account.username, via: ref }, 'logged in');
    this.ctx.metrics.loggedIn(ref);
    const { welcome, after } = fillWelcome(
      {
        type: 'welcome',
        version: PROTOCOL_VERSION,
        user: account.username,
        token,
        expiresAt,
        iceServers: [...iceServers],
        online: presence.names(),
        groups: [],
      },
      groups.map(toWireGroup),
    );
    this.sendFrame(welcome);
    for (const group of after) this.sendFrame({ type: 'group-update', group });
    presence.enter(account.nameKey, account.username, this);
  }

  private logout(): Promise<void> | undefined {
    const session = this.session;
    if (!session) {
      this.refuse('warn', ErrorCode.NotAuthenticated, 'Log in first.', 'logout');
      return undefined;
    }
    this.leavePresence();
    this.logAt('info', { user: session.user }, 'logged out');
    // `logged-out` only once the token is revoked, so a client that sees it can trust it.
    return this.ctx.accounts.logout(session.tokenHash).then(() => this.sendFrame({ type: 'logged-out' }));
  }

  private relaySignal(frame: SignalFrame): undefined {
    const session = this.session;
    if (!session) {
      this.refuse('warn', ErrorCode.NotAuthenticated, 'Log in first.', 'signal');
      return undefined;
    }
    const target = this.ctx.presence.find(nameKey(normalizeUsername(frame.to)))?.member;
    if (!target || target === this || target.socket.readyState !== WebSocket.OPEN) {
      this.refuse('debug', ErrorCode.UnknownPeer, `${frame.to} is not online.`, 'signal');
      return undefined;
    }
    // `from` comes from the authenticated connection, never from the client; `data` is passed as is.
    const out = JSON.stringify({
      type: 'signal',
      from: session.user,
      data: frame.data,
    } satisfies ServerFrame);
    if (out.length > MAX_FRAME_BYTES) {
      this.refuse('warn', ErrorCode.FrameTooLarge, 'The signal is too large to relay.', 'signal');
      return undefined;
    }
    target.forward(out);
    this.ctx.metrics.relayed();
    return undefined;
  }

  /** Every online member, the creator included, learns of the new group. */
  private createGroup(frame: GroupCreateFrame): Promise<void> | undefined {
    const session = this.loggedIn(frame.type);
    if (!session) return undefined;
    return this.ctx.groups.create(session.key, frame.name, frame.members).then((result) => {
      if (!result.ok) return this.refuseGroup(result.failure, frame.type);
      const { group } = result;
      this.logAt(
        'info',
        { user: session.user, group: group.id, members: group.members.length },
        'group created',
      );
      this.ctx.presence.announceTo(memberKeys(group), { type: 'group-update', group: toWireGroup(group) });
    });
  }

  /** Old and new members alike get the group as it now is. */
  private addToGroup(frame: GroupAddFrame): Promise<void> | undefined {
    const session = this.loggedIn(frame.type);
    if (!session) return undefined;
    return this.ctx.groups.add(session.key, frame.group, frame.members).then((result) => {
      if (!result.ok) return this.refuseGroup(result.failure, frame.type);
      const { group, added } = result;
      const update: ServerFrame = { type: 'group-update', group: toWireGroup(group) };
      // Nobody new: nothing changed for the others, but the sender's command is answered all the same.
      if (added.length === 0) return this.sendFrame(update);
      this.logAt('info', { user: session.user, group: group.id, added: added.length }, 'group members added');
      this.ctx.presence.announceTo(memberKeys(group), update);
    });
  }

  /** The leaver gets `group-removed`, those who remain the group without them; an empty group is gone. */
  private leaveGroup(frame: GroupLeaveFrame): Promise<void> | undefined {
    const session = this.loggedIn(frame.type);
    if (!session) return undefined;
    return this.ctx.groups.leave(session.key, frame.group).then((result) => {
      if (!result.ok) return this.refuseGroup(result.failure, frame.type);
      const { remaining } = result;
      this.logAt(
        'info',
        { user: session.user, group: frame.group, deleted: remaining === null },
        'left group',
      );
      // Through presence, not this socket: a newer session of the account may have taken over meanwhile.
      this.ctx.presence.announceTo([session.key], { type: 'group-removed', group: frame.group });
      if (remaining) {
        this.ctx.presence.announceTo(memberKeys(remaining), {
          type: 'group-update',
          group: toWireGroup(remaining),
        });
      }
    });
  }

  /** The session, or null after refusing a frame that needs one. */
  private loggedIn(ref: ClientFrame['type']): LoggedIn | null {
    if (!this.session) this.refuse('warn', ErrorCode.NotAuthenticated, 'Log in first.', ref);
    return this.session;
  }

  /**
   * A group id the sender is not in is probing or a confused client: a warning. The rest are people
   * naming a group or a member wrongly.
   */
  private refuseGroup(failure: GroupFailure, ref: ClientFrame['type']): void {
    this.refuse(
      failure.code === ErrorCode.UnknownGroup ? 'warn' : 'info',
      failure.code,
      failure.message,
      ref,
    );
  }

  private dropSlowClient(queuedBytes: number): void {
    this.logAt('warn', { queuedBytes }, 'client is not reading; dropping it');
    this.socket.terminate();
  }

  private leavePresence(): void {
    if (!this.session) return;
    this.ctx.presence.leave(this.session.key, this);
    this.session = null;
  }

  private closed(code: number): void {
    this.logAt('debug', { code, user: this.session?.user }, 'disconnected');
    this.frames.clear();
    this.leavePresence();
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
