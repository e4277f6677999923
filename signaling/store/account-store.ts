/**
 * Where accounts and sessions live. The server talks to storage only through this interface, so a
 * PostgreSQL implementation can replace SQLite without touching anything else. Methods are async for
 * that reason, even though the SQLite implementation answers synchronously.
 */
export interface Account {
  id: number;
  /** The spelling the user registered, shown to everyone. */
  username: string;
  /** The case-insensitive key the name is unique under (see `nameKey` in shared/names.ts). */
  nameKey: string;
  /** An encoded scrypt hash, parameters included. */
  passwordHash: string;
  createdAt: number;
}

export interface NewAccount {
  username: string;
  nameKey: string;
  /** The confusable skeleton (auth/name-skeleton.ts): no new account may share one with another. */
  skeleton: string;
  passwordHash: string;
  createdAt: number;
}

export interface NewSession {
  /** SHA-256 of the token; the token itself is never stored. */
  tokenHash: string;
  accountId: number;
  createdAt: number;
  expiresAt: number;
}

export interface Session {
  tokenHash: string;
  account: Account;
  /** When the session was opened: it may slide, but never past an absolute limit from here. */
  createdAt: number;
  expiresAt: number;
}

export interface AccountStore {
  /** The account with this name key, or null. */
  findAccount(nameKey: string): Promise<Account | null>;
  /**
   * Creates an account. Resolves null when the name key or the skeleton is taken (including by a
   * concurrent call): the check and the insert are one statement.
   */
  createAccount(account: NewAccount): Promise<Account | null>;
  /** Replaces an account's password hash (used to upgrade hash parameters on login). */
  updatePasswordHash(accountId: number, passwordHash: string): Promise<void>;
  createSession(session: NewSession): Promise<void>;
  /** The session with this token hash if it exists and has not expired at `now`, else null. */
  findSession(tokenHash: string, now: number): Promise<Session | null>;
  /** Moves a session's expiry (sliding sessions). */
  extendSession(tokenHash: string, expiresAt: number): Promise<void>;
  /** Revokes every session of an account (password change, sign out everywhere). */
  deleteSessionsOf(accountId: number): Promise<void>;
  /** Revokes a session. Unknown hashes are ignored. */
  deleteSession(tokenHash: string): Promise<void>;
  /** Deletes sessions that expired at or before `now`; resolves how many. */
  deleteExpiredSessions(now: number): Promise<number>;
  close(): Promise<void>;
}
