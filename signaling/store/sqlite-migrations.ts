import type { Database } from 'better-sqlite3';

/**
 * The schema's history, oldest first. Append only: a migration that shipped is never edited, since
 * databases in the field already ran it. The schema version is SQLite's `user_version`.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: accounts. `name_key` is the case-insensitive key; `username` keeps the registered spelling.
  `CREATE TABLE accounts (
     id INTEGER PRIMARY KEY,
     username TEXT NOT NULL,
     name_key TEXT NOT NULL UNIQUE,
     password_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT;`,
  // 2: sessions, keyed by the SHA-256 of the token.
  `CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX sessions_by_expiry ON sessions(expires_at);
   CREATE INDEX sessions_by_account ON sessions(account_id);`,
];

/** The schema version of a database. */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings `db` up to the last of `migrations`, each step in its own transaction. Refuses a database
 * from a newer server rather than guess at a schema it does not know.
 */
export function migrate(db: Database, migrations: readonly string[] = SQLITE_MIGRATIONS): number {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(
      `database schema version ${current} is newer than this server knows (${migrations.length}); upgrade the server`,
    );
  }
  for (let version = current + 1; version <= migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version - 1]!);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
  return migrations.length;
}
