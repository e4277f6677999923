import BetterSqlite3 from 'better-sqlite3';
import type { Account, AccountStore, NewAccount, NewSession, Session } from './account-store.js';
import { migrate } from './sqlite-migrations.js';

/** The database file's name inside `DATA_DIR`. */
export const SQLITE_FILE_NAME = 'parley.sqlite';

interface AccountRow {
  id: number;
  username: string;
  name_key: string;
  password_hash: string;
  created_at: number;
}

interface SessionRow extends AccountRow {
  token_hash: string;
  expires_at: number;
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    username: row.username,
    nameKey: row.name_key,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

/**
 * Opens (creating and migrating as needed) the SQLite account store at `file`; `':memory:'` gives a
 * private in-memory database for tests.
 */
export function openSqliteAccountStore(file: string): AccountStore {
  const db = new BetterSqlite3(file);
  try {
    // WAL: readers never wait for the writer; NORMAL is durable across application crashes in WAL mode.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }

  const findAccount = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE name_key = ?');
  const insertAccount = db.prepare<[string, string, string, number], AccountRow>(
    'INSERT INTO accounts (username, name_key, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING *',
  );
  const updateHash = db.prepare<[string, number]>('UPDATE accounts SET password_hash = ? WHERE id = ?');
  const insertSession = db.prepare<[string, number, number, number]>(
    'INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
  );
  const findSession = db.prepare<[string, number], SessionRow>(
    `SELECT s.token_hash, s.expires_at, a.*
       FROM sessions s JOIN accounts a ON a.id = s.account_id
      WHERE s.token_hash = ? AND s.expires_at > ?`,
  );
  const extendSession = db.prepare<[number, string]>(
    'UPDATE sessions SET expires_at = ? WHERE token_hash = ?',
  );
  const deleteSession = db.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?');
  const deleteExpired = db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?');

  return {
    async findAccount(nameKey) {
      const row = findAccount.get(nameKey);
      return row ? toAccount(row) : null;
    },
    async createAccount(account: NewAccount) {
      try {
        const row = insertAccount.get(
          account.username,
          account.nameKey,
          account.passwordHash,
          account.createdAt,
        );
        return row ? toAccount(row) : null;
      } catch (error) {
        if (isUniqueViolation(error)) return null;
        throw error;
      }
    },
    async updatePasswordHash(accountId, passwordHash) {
      updateHash.run(passwordHash, accountId);
    },
    async createSession(session: NewSession) {
      insertSession.run(session.tokenHash, session.accountId, session.createdAt, session.expiresAt);
    },
    async findSession(tokenHash, now): Promise<Session | null> {
      const row = findSession.get(tokenHash, now);
      return row ? { tokenHash: row.token_hash, expiresAt: row.expires_at, account: toAccount(row) } : null;
    },
    async extendSession(tokenHash, expiresAt) {
      extendSession.run(expiresAt, tokenHash);
    },
    async deleteSession(tokenHash) {
      deleteSession.run(tokenHash);
    },
    async deleteExpiredSessions(now) {
      return deleteExpired.run(now).changes;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
