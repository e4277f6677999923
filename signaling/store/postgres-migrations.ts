import type pg from 'pg';

/**
 * The PostgreSQL schema's history, oldest first. Append only, like `SQLITE_MIGRATIONS`: a migration
 * that shipped is never edited. Applied versions are rows of `schema_migrations`.
 *
 * The tables mirror SQLite's (same names and columns, so the queries' shapes are shared), with two
 * differences: `seq` identity columns stand in for SQLite's rowid as the tie-break of "in the order
 * they joined", and the references to `accounts.name_key` cascade updates, so re-keying every name
 * (a new normalisation in `nameKey`) is one `UPDATE accounts` in a later migration.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: accounts, sessions, groups and their members (SQLite's migrations 1–3 in one step).
  `CREATE TABLE accounts (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     username TEXT NOT NULL,
     name_key TEXT NOT NULL,
     password_hash TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     CONSTRAINT accounts_name_key_unique UNIQUE (name_key)
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL
   );
   CREATE INDEX sessions_by_expiry ON sessions (expires_at);
   CREATE INDEX sessions_by_account ON sessions (account_id);
   CREATE TABLE groups (
     id TEXT PRIMARY KEY,
     seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
     name TEXT NOT NULL,
     creator_key TEXT NOT NULL REFERENCES accounts(name_key) ON UPDATE CASCADE,
     created_at BIGINT NOT NULL
   );
   CREATE TABLE group_members (
     group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
     user_key TEXT NOT NULL REFERENCES accounts(name_key) ON DELETE CASCADE ON UPDATE CASCADE,
     seq BIGINT GENERATED ALWAYS AS IDENTITY,
     since BIGINT NOT NULL,
     added_by TEXT NOT NULL,
     PRIMARY KEY (group_id, user_key)
   );
   CREATE INDEX group_members_by_user ON group_members (user_key, group_id);
   CREATE INDEX groups_by_creator ON groups (creator_key);`,
  // 2: each account's confusable skeleton (auth/name-skeleton.ts), so a name that looks like a taken
  // one is refused. Not UNIQUE: two existing accounts may already collide, and both keep working.
  // Rows from before are filled in by `fillSkeletons` (the skeleton is computed in JavaScript).
  `ALTER TABLE accounts ADD COLUMN skeleton TEXT;
   CREATE INDEX accounts_by_skeleton ON accounts (skeleton);`,
  // 3: invitations (SQLite's migration 5): a membership waits for the invitee's consent.
  `CREATE TABLE group_invitations (
     group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
     user_key TEXT NOT NULL REFERENCES accounts(name_key) ON DELETE CASCADE ON UPDATE CASCADE,
     invited_by TEXT NOT NULL,
     invited_at BIGINT NOT NULL,
     PRIMARY KEY (group_id, user_key)
   );
   CREATE INDEX group_invitations_by_user ON group_invitations (user_key, invited_at);`,
  // 4: each account's device public keys (SQLite's migration 6).
  `CREATE TABLE device_keys (
     account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     fingerprint TEXT NOT NULL,
     alg TEXT NOT NULL,
     public_key TEXT NOT NULL,
     first_seen BIGINT NOT NULL,
     last_seen BIGINT NOT NULL,
     PRIMARY KEY (account_id, fingerprint)
   );`,
  // 5: each group's signed membership log (SQLite's migration 7).
  `CREATE TABLE group_log (
     group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
     position INTEGER NOT NULL,
     hash TEXT NOT NULL,
     entry TEXT NOT NULL,
     PRIMARY KEY (group_id, position)
   );`,
];

/**
 * The advisory lock every Parley node takes to migrate ("parley" in ASCII): one key for the whole
 * database, so nodes that start together migrate one after the other.
 */
const MIGRATION_LOCK = '123563833845113';

/** The highest version applied so far, 0 on a fresh database. */
async function appliedVersion(client: pg.PoolClient): Promise<number> {
  const result = await client.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return result.rows[0]?.version ?? 0;
}

/**
 * Brings the database up to the last of `migrations`, each in its own transaction, holding a
 * session-level advisory lock throughout: a second node starting at the same moment waits, then finds
 * nothing left to do. Refuses a database from a newer server. Resolves the versions this call applied.
 */
export async function migratePostgres(
  pool: pg.Pool,
  migrations: readonly string[] = POSTGRES_MIGRATIONS,
): Promise<number[]> {
  const client = await pool.connect();
  // A connection that failed mid-migration is dropped, not reused: its lock and transaction die with it.
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INTEGER PRIMARY KEY,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    );
    const current = await appliedVersion(client);
    if (current > migrations.length) {
      throw new Error(
        `database schema version ${current} is newer than this server knows (${migrations.length}); upgrade the server`,
      );
    }
    const applied: number[] = [];
    for (let version = current + 1; version <= migrations.length; version++) {
      await client.query('BEGIN');
      await client.query(migrations[version - 1]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      await client.query('COMMIT');
      applied.push(version);
    }
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    return applied;
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}
