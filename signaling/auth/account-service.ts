import { ErrorCode } from '../../shared/errors.js';
import { nameKey, normalizeUsername, passwordProblem, usernameProblem } from '../../shared/names.js';
import type { Clock } from '../clock.js';
import type { Account, AccountStore } from '../store/account-store.js';
import type { LoginThrottle } from './attempt-throttle.js';
import { hashPassword, needsRehash, verifyPassword, type ScryptParams } from './password-hash.js';
import { hashSessionToken, newSessionToken } from './session-token.js';

/** A logged-in session as the connection needs it. The token is handed to the client exactly once. */
export interface SessionGrant {
  account: Account;
  token: string;
  tokenHash: string;
  expiresAt: number;
}

/** Why an account operation was refused, in protocol terms. */
export interface AuthFailure {
  code: ErrorCode;
  message: string;
  retryAfterMs?: number;
}

export type AuthResult = { ok: true; session: SessionGrant } | { ok: false; failure: AuthFailure };

export interface AccountServiceOptions {
  store: AccountStore;
  throttle: LoginThrottle;
  clock: Clock;
  scrypt: ScryptParams;
  sessionTtlMs: number;
}

const fail = (code: ErrorCode, message: string, retryAfterMs?: number): AuthResult => ({
  ok: false,
  failure: retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs },
});

const BAD_CREDENTIALS = 'Unknown username or wrong password.';

/**
 * Registration, login, resume and logout: the rules of accounts and sessions, independent of the
 * socket. Expected refusals are results, not exceptions; a rejected promise means the store failed.
 */
export class AccountService {
  /** Hashed once at start-up: an unknown user's login verifies against it so it costs what a real one does. */
  private constructor(
    private readonly options: AccountServiceOptions,
    private readonly dummyHash: string,
  ) {}

  static async create(options: AccountServiceOptions): Promise<AccountService> {
    const dummy = await hashPassword(newSessionToken(), options.scrypt);
    return new AccountService(options, dummy);
  }

  async register(rawUsername: string, password: string): Promise<AuthResult> {
    const username = normalizeUsername(rawUsername);
    const nameIssue = usernameProblem(username);
    if (nameIssue) return fail(ErrorCode.InvalidUsername, nameIssue);
    const passwordIssue = passwordProblem(password);
    if (passwordIssue) return fail(ErrorCode.WeakPassword, passwordIssue);
    const account = await this.createAccount(username, password);
    if (!account) return fail(ErrorCode.UsernameTaken, 'That username is taken.');
    return { ok: true, session: await this.openSession(account) };
  }

  async login(rawUsername: string, password: string, address: string): Promise<AuthResult> {
    const key = nameKey(normalizeUsername(rawUsername));
    const { throttle, store } = this.options;
    const wait = throttle.retryAfterMs(key, address);
    if (wait > 0) return fail(ErrorCode.TooManyAttempts, 'Too many failed logins; try again later.', wait);

    const account = await store.findAccount(key);
    const matches = await verifyPassword(password, account?.passwordHash ?? this.dummyHash);
    if (!account || !matches) {
      throttle.recordFailure(key, address);
      return fail(ErrorCode.BadCredentials, BAD_CREDENTIALS);
    }
    throttle.recordSuccess(key);
    if (needsRehash(account.passwordHash, this.options.scrypt)) {
      await store.updatePasswordHash(account.id, await hashPassword(password, this.options.scrypt));
    }
    return { ok: true, session: await this.openSession(account) };
  }

  /** Logs in with a session token. Sessions slide: each resume restarts the expiry. */
  async resume(token: string): Promise<AuthResult> {
    const tokenHash = hashSessionToken(token);
    const now = this.options.clock.now();
    const session = await this.options.store.findSession(tokenHash, now);
    if (!session) return fail(ErrorCode.SessionExpired, 'The session has expired; log in again.');
    const expiresAt = now + this.options.sessionTtlMs;
    await this.options.store.extendSession(tokenHash, expiresAt);
    return { ok: true, session: { account: session.account, token, tokenHash, expiresAt } };
  }

  /** Revokes a session: its token no longer resumes. */
  async logout(tokenHash: string): Promise<void> {
    await this.options.store.deleteSession(tokenHash);
  }

  /** Creates an account unless its name is taken; for seeding. Resolves whether it was created. */
  async ensureAccount(username: string, password: string): Promise<boolean> {
    const normalized = normalizeUsername(username);
    if (usernameProblem(normalized) || passwordProblem(password)) {
      throw new TypeError(`invalid seed account ${JSON.stringify(username)}`);
    }
    return (await this.createAccount(normalized, password)) !== null;
  }

  /** Drops expired sessions; resolves how many. */
  pruneSessions(): Promise<number> {
    return this.options.store.deleteExpiredSessions(this.options.clock.now());
  }

  private async createAccount(username: string, password: string): Promise<Account | null> {
    const key = nameKey(username);
    const { store } = this.options;
    // Checked first so a taken name costs no scrypt; the UNIQUE column still settles races.
    if (await store.findAccount(key)) return null;
    const passwordHash = await hashPassword(password, this.options.scrypt);
    return store.createAccount({ username, nameKey: key, passwordHash, createdAt: this.options.clock.now() });
  }

  private async openSession(account: Account): Promise<SessionGrant> {
    const token = newSessionToken();
    const tokenHash = hashSessionToken(token);
    const now = this.options.clock.now();
    const expiresAt = now + this.options.sessionTtlMs;
    await this.options.store.createSession({ tokenHash, accountId: account.id, createdAt: now, expiresAt });
    return { account, token, tokenHash, expiresAt };
  }
}
