/**
 * Sign-in: `register`, `login` or `resume` checked (version, not twice), the account's groups and
 * invitations read, an older session of the account replaced, the `welcome` sent and the connection
 * entered into presence. Apart from `client-connection.ts`, which only dispatches it.
 */
import { WebSocket } from 'ws';
import { ErrorCode } from '../../shared/errors.js';
import {
  Capability,
  CloseCode,
  PROTOCOL_VERSION,
  type IceServersFrame,
  type ServerFrame,
  type WelcomeFrame,
} from '../../shared/protocol.js';
import type { PublicIdentity } from '../../shared/identity-protocol.js';
import type { AuthResult } from '../auth/account-service.js';
import { keyFingerprint } from '../store/key-fingerprint.js';
import type { StoredGroup } from '../store/group-store.js';
import { keepIceFresh } from '../turn/ice-refresh.js';
import { authenticate, type AuthFrame } from './authenticate.js';
import type { ConnectionContext } from './connection-context.js';
import type { CommandSession } from './group-commands.js';
import { logFrames, toInviteFrame, welcomeFrames } from './group-frames.js';
import { splitOnline, type OnlineKeys } from './online-pieces.js';
import type { ClientConnection } from './client-connection.js';

/** A logged-in connection's session. */
export interface LoggedIn extends CommandSession {
  accountId: number;
  tokenHash: string;
  /** The client takes a long online list in pieces (`Capability.OnlinePieces`). */
  pieces: boolean;
  /** The client takes device keys with presence (`Capability.IdentityKeys`). */
  keys: boolean;
  /** The client takes groups' signed logs (`Capability.GroupLog`). */
  groupLog: boolean;
  /** The client takes users gone offline together (`Capability.UsersOffline`). */
  usersOffline: boolean;
}

/** What signing in needs of the connection it happens on. */
export interface SessionStartPort {
  readonly ctx: ConnectionContext;
  readonly socket: WebSocket;
  readonly address: string;
  /** The connection itself, as presence holds it. */
  readonly member: ClientConnection;
  current(): LoggedIn | null;
  /** The login succeeded: the connection holds `session` from now on (and stops its login timer). */
  started(session: LoggedIn): void;
  /** Keeps the TURN credential refresh's stop function, called when the session ends. */
  refreshing(stop: () => void): void;
  log(fields: object, message: string): void;
  refuse(level: 'warn' | 'info', code: ErrorCode, message: string, ref: string, retryAfterMs?: number): void;
  sendFrame(frame: ServerFrame): void;
}

/** Checks a sign-in frame and runs it; resolves once the connection is welcomed (or refused). */
export function startSession(port: SessionStartPort, frame: AuthFrame): Promise<void> | undefined {
  if (frame.version !== PROTOCOL_VERSION) {
    port.refuse(
      'warn',
      ErrorCode.ProtocolVersion,
      `this server speaks version ${PROTOCOL_VERSION}`,
      frame.type,
    );
    port.socket.close(CloseCode.ProtocolVersion, 'protocol version');
    return undefined;
  }
  if (port.current()) {
    port.refuse('warn', ErrorCode.AlreadyAuthenticated, 'Already logged in.', frame.type);
    return undefined;
  }
  return authenticate(port.ctx.accounts, frame, port.address).then((result) =>
    complete(port, frame.type, result, frame.capabilities ?? [], frame.identity),
  );
}

async function complete(
  port: SessionStartPort,
  ref: AuthFrame['type'],
  result: AuthResult,
  capabilities: readonly string[],
  identity: PublicIdentity | undefined,
): Promise<void> {
  const { ctx } = port;
  if (!result.ok) {
    const { code, message, retryAfterMs } = result.failure;
    // A throttled login is what an attack looks like; the rest are people mistyping.
    const level = code === ErrorCode.TooManyAttempts ? 'warn' : 'info';
    ctx.metrics.loginFailed(ref, code);
    port.refuse(level, code, message, ref, retryAfterMs);
    return;
  }
  const { account, token, tokenHash, expiresAt } = result.session;
  // Read before entering presence: from then on, group changes reach this connection as they happen.
  // (With SQLite nothing can happen in between: the store answers without yielding to I/O.)
  const groups = await ctx.groups.groupsOf(account.nameKey);
  const invitations = await ctx.groups.invitationsOf(account.nameKey);
  const groupLog = capabilities.includes(Capability.GroupLog);
  const logs = groupLog ? await Promise.all(groups.map((group) => ctx.groups.entriesOf(group.id))) : [];
  if (identity) {
    const key = { ...identity, fingerprint: keyFingerprint(identity) };
    await ctx.deviceKeys.saveDeviceKey(account.id, key, ctx.clock.now());
  }
  // The socket may have closed while scrypt ran; then there is nobody to welcome.
  if (port.socket.readyState !== WebSocket.OPEN) return;
  const { presence, ice } = ctx;
  const grant = ice.grantFor(account.username);
  presence.find(account.nameKey)?.member.replace();
  const { username: user, nameKey: key } = account;
  const pieces = capabilities.includes(Capability.OnlinePieces);
  const keys = capabilities.includes(Capability.IdentityKeys);
  const usersOffline = capabilities.includes(Capability.UsersOffline);
  const session = { user, key, accountId: account.id, tokenHash, pieces, keys, groupLog, usersOffline };
  port.started(session);
  port.log({ user, via: ref }, 'logged in');
  ctx.metrics.loggedIn(ref);
  const online = presence.names();
  sendWelcome(port, session, { token, expiresAt, online, keys: presence.keys(), groups, grant });
  for (const invitation of invitations) port.sendFrame(toInviteFrame(invitation));
  // After the groups they belong to: a client replays a group's log once it knows the group.
  groups.forEach((group, index) => {
    for (const frame of logFrames(group.id, logs[index] ?? [])) port.sendFrame(frame);
  });
  presence.enter(account.nameKey, account.username, port.member, identity);
  // Older clients log a frame type they do not know as a bad frame: only those who asked get it.
  if (capabilities.includes(Capability.IceRefresh)) {
    const send = (iceServers: IceServersFrame['iceServers']): void =>
      port.member.send(JSON.stringify({ type: 'ice-servers', iceServers } satisfies IceServersFrame));
    port.refreshing(keepIceFresh(ice, account.username, grant, send, ctx.timers));
  }
}

/** What a `welcome` carries besides the user's name. */
export interface WelcomeContent {
  token: string;
  expiresAt: number;
  online: string[];
  /** The device keys of those online, sent to a session that asked for them (`keys`). */
  keys: OnlineKeys;
  groups: StoredGroup[];
  grant: { iceServers: IceServersFrame['iceServers'] };
}

/**
 * Sends the session's user the `welcome`, then the rest of the online list that did not fit in it
 * (online-pieces.ts), then the group updates that did not fit either.
 */
export function sendWelcome(
  port: Pick<SessionStartPort, 'sendFrame'>,
  session: { user: string; pieces?: boolean; keys?: boolean },
  content: WelcomeContent,
): void {
  const { token, expiresAt, online, keys, groups, grant } = content;
  const { user } = session;
  const base = { type: 'welcome', version: PROTOCOL_VERSION, user, token, expiresAt } as const;
  const [welcome, ...after] = welcomeFrames(
    { ...base, online: [], iceServers: [...grant.iceServers] },
    groups,
  );
  const identities = session.keys === true ? keys : undefined;
  for (const frame of splitOnline(welcome as WelcomeFrame, online, session.pieces === true, identities)) {
    port.sendFrame(frame);
  }
  for (const frame of after) port.sendFrame(frame);
}
