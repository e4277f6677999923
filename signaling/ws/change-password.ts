/**
 * `change-password`: the old password is checked like a login (throttled), every session of the
 * account ends, and this connection — which stays online throughout — is answered with a fresh
 * `welcome` carrying its new token. Apart from `client-connection.ts`, which only dispatches it.
 */
import { ErrorCode } from '../../shared/errors.js';
import type { ClientFrame, ServerFrame } from '../../shared/protocol.js';
import type { ConnectionContext } from './connection-context.js';
import { sendWelcome } from './session-start.js';

type ChangePasswordFrame = Extract<ClientFrame, { type: 'change-password' }>;

interface Session {
  user: string;
  key: string;
  tokenHash: string;
  pieces: boolean;
}

/** What changing a password needs of the connection it came on. */
export interface ChangePasswordPort<S extends Session> {
  readonly ctx: ConnectionContext;
  readonly address: string;
  /** The connection's session now: a logout or a newer login may have replaced it meanwhile. */
  current(): S | null;
  /** The session keeps going under its new token. */
  renewed(session: S): void;
  log(fields: object, message: string): void;
  refuse(level: 'warn' | 'info', code: ErrorCode, message: string, ref: string, retryAfterMs?: number): void;
  sendFrame(frame: ServerFrame): void;
}

export async function changePassword<S extends Session>(
  port: ChangePasswordPort<S>,
  session: S,
  frame: ChangePasswordFrame,
): Promise<void> {
  const { accounts, groups, presence, ice } = port.ctx;
  const result = await accounts.changePassword(
    session.key,
    frame.oldPassword,
    frame.newPassword,
    port.address,
  );
  if (!result.ok) {
    const { code, message, retryAfterMs } = result.failure;
    port.refuse(
      code === ErrorCode.TooManyAttempts ? 'warn' : 'info',
      code,
      message,
      frame.type,
      retryAfterMs,
    );
    return;
  }
  const { token, tokenHash, expiresAt } = result.session;
  const mine = await groups.groupsOf(session.key);
  if (port.current() !== session) return;
  port.renewed({ ...session, tokenHash });
  port.log({ user: session.user }, 'password changed');
  const online = presence.names().filter((name) => name !== session.user);
  sendWelcome(port, session, {
    token,
    expiresAt,
    online,
    keys: presence.keys(),
    groups: mine,
    grant: ice.grantFor(session.user),
  });
}
