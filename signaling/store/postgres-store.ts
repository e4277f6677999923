import pg from 'pg';
import { nameSkeleton } from '../auth/name-skeleton.js';
import type { NewAccount, NewSession, Session } from './account-store.js';
import type {
  AddMembersResult,
  InviteMembersResult,
  MembersToAdd,
  MembersToInvite,
  NewGroup,
  StoredGroup,
} from './group-store.js';
import { addedResult, planAddition, planInvitation } from './membership.js';
import { migratePostgres } from './postgres-migrations.js';
import { MAX_DEVICE_KEYS } from './device-key-store.js';
import type { AppendEntryResult } from './group-log-store.js';
import {
  DEVICE_KEYS_ORDER,
  GROUP_COLUMNS,
  GROUP_JOINS,
  INVITATION_SELECT,
  toAccount,
  toDeviceKey,
  toGroups,
  toInvitation,
  type AccountRow,
  type DeviceKeyRow,
  type GroupMemberRow,
  type InvitationRow,
  type SessionRow,
} from './rows.js';
import type { Store } from './store.js';

export interface PostgresStoreOptions {
  /** A `postgres://` connection URL. */
  url: string;
  /** Connections in the pool. Default 10. */
  maxConnections?: number;
  /**
   * Called when an idle pooled connection fails (the server restarted, the network dropped it). The
   * pool replaces it; without a listener node-postgres would crash the process.
   */
  onIdleError?: (error: Error) => void;
}

/** Either the pool (one statement, any connection) or the connection holding a transaction. */
type Queryable = pg.Pool | pg.PoolClient;

/** PostgreSQL's code for a unique violation (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
const UNIQUE_VIOLATION = '23505';

/** BIGINT (int8) columns hold milliseconds and ids, all far below 2^53: read them as numbers. */
const INT8_OID = 20;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

function isUniqueViolation(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION;
}

async function rows<R extends pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values: unknown[],
): Promise<R[]> {
  return (await db.query<R>(text, values)).rows;
}

/**
 * Runs `work` in a transaction on one pooled connection: committed if it resolves, rolled back if it
 * rejects. A connection whose rollback fails is dropped rather than returned to the pool.
 */
async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

async function readGroup(db: Queryable, id: string): Promise<StoredGroup | null> {
  const found = await rows<GroupMemberRow>(
    db,
    `SELECT ${GROUP_COLUMNS}
       FROM groups g ${GROUP_JOINS}
      WHERE g.id = $1
      ORDER BY m.since, m.seq`,
    [id],
  );
  return toGroups(found)[0] ?? null;
}

/**
 * Locks a group's row until the transaction ends, so membership changes to one group (from any node)
 * run one after the other; resolves whether the group exists.
 */
async function lockGroup(client: pg.PoolClient, id: string): Promise<boolean> {
  return (await client.query('SELECT 1 FROM groups WHERE id = $1 FOR UPDATE', [id])).rowCount === 1;
}

async function insertMember(
  client: pg.PoolClient,
  groupId: string,
  key: string,
  since: number,
  addedBy: string,
): Promise<void> {
  await client.query(
    'INSERT INTO group_members (group_id, user_key, since, added_by) VALUES ($1, $2, $3, $4)',
    [groupId, key, since, addedBy],
  );
}

/** Accounts from before migration 2 get their skeleton; idempotent, so nodes may run it together. */
async function fillSkeletons(pool: pg.Pool): Promise<void> {
  const missing = await rows<{ id: number; username: string }>(
    pool,
    'SELECT id, username FROM accounts WHERE skeleton IS NULL',
    [],
  );
  for (const row of missing) {
    await pool.query('UPDATE accounts SET skeleton = $1 WHERE id = $2', [nameSkeleton(row.username), row.id]);
  }
}

async function insertInvitation(
  client: pg.PoolClient,
  groupId: string,
  key: string,
  invitedBy: string,
  at: number,
): Promise<void> {
  await client.query(
    'INSERT INTO group_invitations (group_id, user_key, invited_by, invited_at) VALUES ($1, $2, $3, $4)',
    [groupId, key, invitedBy, at],
  );
}

async function keysOf(client: pg.PoolClient, table: 'group_members' | 'group_invitations', groupId: string) {
  const found = await rows<{ user_key: string }>(
    client,
    `SELECT user_key FROM ${table} WHERE group_id = $1`,
    [groupId],
  );
  return new Set(found.map((row) => row.user_key));
}

/**
 * Connects to PostgreSQL at `options.url`, migrating the database first (see `migratePostgres`), and
 * returns the store of accounts, sessions and groups. Several server nodes may share one database.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10, types });
  pool.on('error', (error) => options.onIdleError?.(error));
  try {
    await migratePostgres(pool);
    await fillSkeletons(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }

  return {
    async findAccount(nameKey) {
      const [row] = await rows<AccountRow>(pool, 'SELECT * FROM accounts WHERE name_key = $1', [nameKey]);
      return row ? toAccount(row) : null;
    },
    async createAccount(account: NewAccount) {
      try {
        return await inTransaction(pool, async (client) => {
          // Two nodes registering lookalike names at the same moment: the lock on the skeleton makes
          // the second wait for the first and then see its row (the index is not unique, see migration 2).
          await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [account.skeleton]);
          const [row] = await rows<AccountRow>(
            client,
            `INSERT INTO accounts (username, name_key, password_hash, created_at, skeleton)
             SELECT $1, $2, $3, $4, $5
              WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE skeleton = $5)
             RETURNING id, username, name_key, password_hash, created_at`,
            [account.username, account.nameKey, account.passwordHash, account.createdAt, account.skeleton],
          );
          return row ? toAccount(row) : null;
        });
      } catch (error) {
        // The unique index settles two nodes registering one name at the same moment.
        if (isUniqueViolation(error)) return null;
        throw error;
      }
    },
    async updatePasswordHash(accountId, passwordHash) {
      await pool.query('UPDATE accounts SET password_hash = $1 WHERE id = $2', [passwordHash, accountId]);
    },
    async createSession(session: NewSession) {
      await pool.query(
        'INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
        [session.tokenHash, session.accountId, session.createdAt, session.expiresAt],
      );
    },
    async findSession(tokenHash, now): Promise<Session | null> {
      const [row] = await rows<SessionRow>(
        pool,
        `SELECT s.token_hash, s.created_at AS session_created_at, s.expires_at, a.*
           FROM sessions s JOIN accounts a ON a.id = s.account_id
          WHERE s.token_hash = $1 AND s.expires_at > $2`,
        [tokenHash, now],
      );
      if (!row) return null;
      const { session_created_at: createdAt, expires_at: expiresAt } = row;
      return { tokenHash: row.token_hash, createdAt, expiresAt, account: toAccount(row) };
    },
    async saveDeviceKey(accountId, key, now) {
      await inTransaction(pool, async (client) => {
        // One sign-in of the account at a time, so two new keys at once cannot both escape the prune.
        await client.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
        await client.query(
          `INSERT INTO device_keys (account_id, fingerprint, alg, public_key, first_seen, last_seen)
           VALUES ($1, $2, $3, $4, $5, $5)
           ON CONFLICT (account_id, fingerprint)
           DO UPDATE SET last_seen = GREATEST(device_keys.last_seen, excluded.last_seen)`,
          [accountId, key.fingerprint, key.alg, key.key, now],
        );
        await client.query(
          `DELETE FROM device_keys WHERE account_id = $1 AND fingerprint NOT IN
             (SELECT fingerprint FROM device_keys WHERE account_id = $1 ${DEVICE_KEYS_ORDER} LIMIT $2)`,
          [accountId, MAX_DEVICE_KEYS],
        );
      });
    },
    async appendGroupEntry(groupId, entry, maxEntries) {
      return inTransaction(pool, async (client): Promise<AppendEntryResult> => {
        // The group's row lock orders appends to one log, from any node.
        if (!(await lockGroup(client, groupId))) return 'unknown-group';
        const [head] = await rows<{ position: number; hash: string }>(
          client,
          'SELECT position, hash FROM group_log WHERE group_id = $1 ORDER BY position DESC LIMIT 1',
          [groupId],
        );
        if ((head?.hash ?? null) !== entry.prev) return 'stale';
        const position = (head?.position ?? 0) + 1;
        if (position > maxEntries) return 'full';
        await client.query(
          'INSERT INTO group_log (group_id, position, hash, entry) VALUES ($1, $2, $3, $4)',
          [groupId, position, entry.hash, entry.text],
        );
        return 'appended';
      });
    },
    async groupEntries(groupId) {
      const found = await rows<{ entry: string }>(
        pool,
        'SELECT entry FROM group_log WHERE group_id = $1 ORDER BY position',
        [groupId],
      );
      return found.map((row) => row.entry);
    },
    async deviceKeysOf(accountId) {
      const found = await rows<DeviceKeyRow>(
        pool,
        `SELECT * FROM device_keys WHERE account_id = $1 ${DEVICE_KEYS_ORDER}`,
        [accountId],
      );
      return found.map(toDeviceKey);
    },
    async deleteSessionsOf(accountId) {
      await pool.query('DELETE FROM sessions WHERE account_id = $1', [accountId]);
    },
    async extendSession(tokenHash, expiresAt) {
      await pool.query('UPDATE sessions SET expires_at = $1 WHERE token_hash = $2', [expiresAt, tokenHash]);
    },
    async deleteSession(tokenHash) {
      await pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
    },
    async deleteExpiredSessions(now) {
      return (await pool.query('DELETE FROM sessions WHERE expires_at <= $1', [now])).rowCount ?? 0;
    },
    async createGroup(group: NewGroup) {
      if (group.memberKeys.length === 0) throw new TypeError('a group needs at least one member');
      return inTransaction(pool, async (client) => {
        await client.query('INSERT INTO groups (id, name, creator_key, created_at) VALUES ($1, $2, $3, $4)', [
          group.id,
          group.name,
          group.creatorKey,
          group.createdAt,
        ]);
        // One by one, so `seq` follows the given order.
        for (const key of group.memberKeys) {
          await insertMember(client, group.id, key, group.createdAt, group.creatorKey);
        }
        for (const key of group.inviteKeys ?? []) {
          await insertInvitation(client, group.id, key, group.creatorKey, group.createdAt);
        }
        return (await readGroup(client, group.id))!;
      });
    },
    async addMembers(change: MembersToAdd): Promise<AddMembersResult> {
      return inTransaction(pool, async (client) => {
        if (!(await lockGroup(client, change.groupId))) return { ok: false, reason: 'unknown-group' };
        const present = await rows<{ user_key: string }>(
          client,
          'SELECT user_key FROM group_members WHERE group_id = $1',
          [change.groupId],
        );
        const plan = planAddition(new Set(present.map((row) => row.user_key)), change);
        if (!plan.ok) return plan;
        for (const key of plan.fresh) {
          await insertMember(client, change.groupId, key, change.since, change.actorKey);
        }
        return addedResult((await readGroup(client, change.groupId))!, plan.fresh);
      });
    },
    async removeMember(groupId, userKey) {
      return inTransaction(pool, async (client) => {
        if (!(await lockGroup(client, groupId))) return { removed: false };
        const deleted = await client.query(
          'DELETE FROM group_members WHERE group_id = $1 AND user_key = $2',
          [groupId, userKey],
        );
        if (deleted.rowCount === 0) return { removed: false };
        const emptied = await client.query(
          `DELETE FROM groups
            WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM group_members WHERE group_id = groups.id)`,
          [groupId],
        );
        if (emptied.rowCount === 1) return { removed: true, group: null };
        return { removed: true, group: await readGroup(client, groupId) };
      });
    },
    async groupsOf(userKey) {
      const found = await rows<GroupMemberRow>(
        pool,
        `SELECT ${GROUP_COLUMNS}
           FROM group_members mine JOIN groups g ON g.id = mine.group_id ${GROUP_JOINS}
          WHERE mine.user_key = $1
          ORDER BY g.created_at, g.seq, m.since, m.seq`,
        [userKey],
      );
      return toGroups(found);
    },
    async getGroup(id) {
      return readGroup(pool, id);
    },
    async inviteMembers(change: MembersToInvite): Promise<InviteMembersResult> {
      return inTransaction(pool, async (client) => {
        if (!(await lockGroup(client, change.groupId))) return { ok: false, reason: 'unknown-group' };
        const plan = planInvitation(
          await keysOf(client, 'group_members', change.groupId),
          await keysOf(client, 'group_invitations', change.groupId),
          change,
        );
        if (!plan.ok) return plan;
        for (const key of plan.fresh) {
          await insertInvitation(client, change.groupId, key, change.actorKey, change.at);
        }
        return { ok: true, group: (await readGroup(client, change.groupId))!, invited: plan.fresh };
      });
    },
    async acceptInvitation(groupId, userKey, since) {
      return inTransaction(pool, async (client) => {
        if (!(await lockGroup(client, groupId))) return null;
        const [invitation] = await rows<{ invited_by: string }>(
          client,
          'DELETE FROM group_invitations WHERE group_id = $1 AND user_key = $2 RETURNING invited_by',
          [groupId, userKey],
        );
        if (!invitation) return null;
        await insertMember(client, groupId, userKey, since, invitation.invited_by);
        return readGroup(client, groupId);
      });
    },
    async declineInvitation(groupId, userKey) {
      const deleted = await pool.query(
        'DELETE FROM group_invitations WHERE group_id = $1 AND user_key = $2',
        [groupId, userKey],
      );
      return (deleted.rowCount ?? 0) > 0;
    },
    async invitationsOf(userKey) {
      const found = await rows<InvitationRow>(
        pool,
        `${INVITATION_SELECT} WHERE i.user_key = $1 ORDER BY i.invited_at, i.group_id`,
        [userKey],
      );
      return found.map(toInvitation);
    },
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
