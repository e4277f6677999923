import type { ClientFrame } from '../../shared/protocol.js';
import type { AccountService, AuthResult } from '../auth/account-service.js';

/** The frames that log a connection in. */
export type AuthFrame = Extract<ClientFrame, { type: 'register' | 'login' | 'resume' }>;

/** Maps a login frame to its account operation; `address` is what logins and registrations are throttled by. */
export function authenticate(
  accounts: AccountService,
  frame: AuthFrame,
  address: string,
): Promise<AuthResult> {
  switch (frame.type) {
    case 'register':
      return accounts.register(frame.username, frame.password, address);
    case 'login':
      return accounts.login(frame.username, frame.password, address);
    case 'resume':
      return accounts.resume(frame.token);
    default: {
      const unreachable: never = frame;
      throw new TypeError(`unhandled frame ${JSON.stringify(unreachable)}`);
    }
  }
}
