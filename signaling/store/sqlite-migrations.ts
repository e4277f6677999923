import type { Database } from 'better-sqlite3';
import { nameSkeleton } from '../auth/name-skeleton.js';

/** SQL, or a step that needs code (computing a column SQL cannot), run in the migration's transaction. */
export type SqliteMigration = string | ((db: Database) => void);

/**
 * The schema's history, oldest first. Append only: a migration that shipped is never edited, since
 * databases in the field already ran it. The schema version is SQLite's `user_version`.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
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
  // 3: groups and their members, by name key. A group with no members is deleted by the store, not
  // kept empty. `added_by` is who added the member (the creator for the initial members).
  `CREATE TABLE groups (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     creator_key TEXT NOT NULL REFERENCES accounts(name_key),
     created_at INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE group_members (
     group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
     user_key TEXT NOT NULL REFERENCES accounts(name_key) ON DELETE CASCADE,
     since INTEGER NOT NULL,
     added_by TEXT NOT NULL,
     PRIMARY KEY (group_id, user_key)
   ) STRICT;
   CREATE INDEX group_members_by_user ON group_members(user_key, group_id);
   CREATE INDEX groups_by_creator ON groups(creator_key);`,
  // 4: each account's confusable skeleton (auth/name-skeleton.ts), so a name that looks like a taken one
  // is refused. Not UNIQUE: two existing accounts may already collide, and both keep working.
  (db) => {
    db.exec('ALTER TABLE accounts ADD COLUMN skeleton TEXT');
    const rows = db.prepare<[], { id: number; username: string }>('SELECT id, username FROM accounts').all();
    const update = db.prepare<[string, number]>('UPDATE accounts SET skeleton = ? WHERE id = ?');
    for (const row of rows) update.run(nameSkeleton(row.username), row.id);
    db.exec('CREATE INDEX accounts_by_skeleton ON accounts(skeleton)');
  },
  // 5: invitations. A membership begins as an invitation the invitee accepts (a member row then) or
  // declines (the row goes); they go with their group.
  `CREATE TABLE group_invitations (
     group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
     user_key TEXT NOT NULL REFERENCES accounts(name_key) ON DELETE CASCADE,
     invited_by TEXT NOT NULL,
     invited_at INTEGER NOT NULL,
     PRIMARY KEY (group_id, user_key)
   ) STRICT;
   CREATE INDEX group_invitations_by_user ON group_invitations(user_key, invited_at);`,
  // 6: each account's device public keys (store/device-key-store.ts), by fingerprint, newest few kept.
  `CREATE TABLE device_keys (
     account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     fingerprint TEXT NOT NULL,
     alg TEXT NOT NULL,
     public_key TEXT NOT NULL,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     PRIMARY KEY (account_id, fingerprint)
   ) STRICT;`,
  // 7: each group's signed membership log (store/group-log-store.ts), in the order entries were
  // accepted; it goes with its group. Groups from before have none ("unsigned", see docs/security.md).
  `CREATE TABLE group_log (
     group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
     position INTEGER NOT NULL,
     hash TEXT NOT NULL,
     entry TEXT NOT NULL,
     PRIMARY KEY (group_id, position)
   ) STRICT;`,
];

/** The schema version of a database. */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings `db` up to the last of `migrations`, each step in its own transaction. Refuses a database
 * from a newer server rather than guess at a schema it does not know.
 */
export function migrate(db: Database, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): number {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(
      `database schema version ${current} is newer than this server knows (${migrations.length}); upgrade the server`,
    );
  }
  for (let version = current + 1; version <= migrations.length; version++) {
    db.transaction(() => {
      const step = migrations[version - 1]!;
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
  return migrations.length;
}
