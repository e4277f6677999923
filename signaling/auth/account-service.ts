import { ErrorCode } from '../../shared/errors.js';
import { nameKey, normalizeUsername, passwordProblem, usernameProblem } from '../../shared/names.js';
import type { Clock } from '../clock.js';
import type { Account, AccountStore } from '../store/account-store.js';
import { isRefusal, type LoginGuard } from './login-guard.js';
import { nameSkeleton } from './name-skeleton.js';
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
  guard: LoginGuard;
  clock: Clock;
  scrypt: ScryptParams;
  /** How long a session lasts after it was last used. */
  sessionTtlMs: number;
  /** How long a session may last at all from its login, however often it is used. */
  sessionMaxAgeMs: number;
}

const fail = (
  code: ErrorCode,
  message: string,
  retryAfterMs?: number,
): { ok: false; failure: AuthFailure } => ({
  ok: false,
  failure: retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs },
});

const BAD_CREDENTIALS = 'Unknown username or wrong password.';
/** scrypt is saturated: a typed refusal the client can retry, not a queue that grows without bound. */
const BUSY = fail(ErrorCode.RateLimited, 'The server is busy; try again in a moment.', 1000);

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

  async register(rawUsername: string, password: string, address: string): Promise<AuthResult> {
    const username = normalizeUsername(rawUsername);
    const nameIssue = usernameProblem(username);
    if (nameIssue) return fail(ErrorCode.InvalidUsername, nameIssue);
    const passwordIssue = passwordProblem(password);
    if (passwordIssue) return fail(ErrorCode.WeakPassword, passwordIssue);
    const refused = await this.options.guard.admitRegistration(address);
    if (refused) return fail(refused.code, refused.message, refused.retryAfterMs);
    const account = await this.createAccount(username, password);
    if (account === 'busy') return BUSY;
    if (!account) return fail(ErrorCode.UsernameTaken, 'That username is taken.');
    return { ok: true, session: await this.openSession(account) };
  }

  async login(rawUsername: string, password: string, address: string): Promise<AuthResult> {
    const key = nameKey(normalizeUsername(rawUsername));
    const checked = await this.checkPassword(key, password, address);
    if (!checked.ok) return checked;
    return { ok: true, session: await this.openSession(checked.account) };
  }

  /**
   * Sets a new password after checking the old one (throttled like a login), ends every session of the
   * account and opens a fresh one: whoever held an old token (the reason people change passwords) is out.
   */
  async changePassword(
    key: string,
    oldPassword: string,
    newPassword: string,
    address: string,
  ): Promise<AuthResult> {
    const passwordIssue = passwordProblem(newPassword);
    if (passwordIssue) return fail(ErrorCode.WeakPassword, passwordIssue);
    const checked = await this.checkPassword(key, oldPassword, address);
    if (!checked.ok) return checked;
    const hash = await this.options.guard.scrypt.run(() => hashPassword(newPassword, this.options.scrypt));
    if (hash === null) return BUSY;
    await this.options.store.updatePasswordHash(checked.account.id, hash);
    await this.options.store.deleteSessionsOf(checked.account.id);
    return { ok: true, session: await this.openSession({ ...checked.account, passwordHash: hash }) };
  }

  /** Ends every session of an account: none of its tokens resumes any more. */
  async logoutEverywhere(accountId: number): Promise<void> {
    await this.options.store.deleteSessionsOf(accountId);
  }

  /**
   * Logs in with a session token. Sessions slide (each resume restarts the expiry) up to an absolute
   * limit from the login, so a stolen token that is kept in use still dies.
   */
  async resume(token: string): Promise<AuthResult> {
    const tokenHash = hashSessionToken(token);
    const now = this.options.clock.now();
    const session = await this.options.store.findSession(tokenHash, now);
    if (!session) return fail(ErrorCode.SessionExpired, 'The session has expired; log in again.');
    const expiresAt = Math.min(
      now + this.options.sessionTtlMs,
      session.createdAt + this.options.sessionMaxAgeMs,
    );
    if (expiresAt <= now) {
      await this.options.store.deleteSession(tokenHash);
      return fail(ErrorCode.SessionExpired, 'The session has expired; log in again.');
    }
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
    const account = await this.createAccount(normalized, password);
    if (account === 'busy') throw new Error('scrypt is saturated while seeding accounts');
    return account !== null;
  }

  /** Drops expired sessions; resolves how many. */
  pruneSessions(): Promise<number> {
    return this.options.store.deleteExpiredSessions(this.options.clock.now());
  }

  /**
   * The account whose password `password` is, counted and throttled by name and address before scrypt
   * runs. An unknown name costs the same scrypt as a known one, so timing does not tell them apart.
   */
  private async checkPassword(
    key: string,
    password: string,
    address: string,
  ): Promise<{ ok: true; account: Account } | { ok: false; failure: AuthFailure }> {
    const { guard, store } = this.options;
    const admission = await guard.admitLogin(key, address);
    if (isRefusal(admission)) return fail(admission.code, admission.message, admission.retryAfterMs);
    try {
      const account = await store.findAccount(key);
      const matches = await guard.scrypt.run(() =>
        verifyPassword(password, account?.passwordHash ?? this.dummyHash),
      );
      if (matches === null) return BUSY;
      await admission.settle(account !== null && matches);
      if (!account || !matches) return fail(ErrorCode.BadCredentials, BAD_CREDENTIALS);
      if (needsRehash(account.passwordHash, this.options.scrypt)) {
        const rehashed = await guard.scrypt.run(() => hashPassword(password, this.options.scrypt));
        if (rehashed !== null) await store.updatePasswordHash(account.id, rehashed);
      }
      return { ok: true, account };
    } finally {
      admission.release();
    }
  }

  private async createAccount(username: string, password: string): Promise<Account | null | 'busy'> {
    const key = nameKey(username);
    const { store } = this.options;
    // Checked first so a taken name costs no scrypt; the store still settles races and lookalikes.
    if (await store.findAccount(key)) return null;
    const passwordHash = await this.options.guard.scrypt.run(() =>
      hashPassword(password, this.options.scrypt),
    );
    if (passwordHash === null) return 'busy';
    const createdAt = this.options.clock.now();
    return store.createAccount({
      username,
      nameKey: key,
      skeleton: nameSkeleton(username),
      passwordHash,
      createdAt,
    });
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
