import BetterSqlite3 from 'better-sqlite3';
import type { NewAccount, NewSession, Session } from './account-store.js';
import type {
  AddMembersResult,
  InviteMembersResult,
  MembersToAdd,
  MembersToInvite,
  StoredGroup,
} from './group-store.js';
import { addedResult, planAddition, planInvitation } from './membership.js';
import { MAX_DEVICE_KEYS, type DeviceKeyRecord } from './device-key-store.js';
import type { AppendEntryResult, StoredGroupEntry } from './group-log-store.js';
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
import { migrate } from './sqlite-migrations.js';
import type { Store } from './store.js';

/** The database file's name inside `DATA_DIR`. */
export const SQLITE_FILE_NAME = 'parley.sqlite';

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

/**
 * Opens (creating and migrating as needed) the SQLite store of accounts, sessions and groups at `file`;
 * `':memory:'` gives a private in-memory database for tests.
 */
export function openSqliteAccountStore(file: string): Store {
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
  // One statement, so two registrations of lookalike names cannot both pass the skeleton check.
  const insertAccount = db.prepare<[string, string, string, number, string, string], AccountRow>(
    `INSERT INTO accounts (username, name_key, password_hash, created_at, skeleton)
     SELECT ?, ?, ?, ?, ?
      WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE skeleton = ?)
     RETURNING id, username, name_key, password_hash, created_at`,
  );
  const updateHash = db.prepare<[string, number]>('UPDATE accounts SET password_hash = ? WHERE id = ?');
  const insertSession = db.prepare<[string, number, number, number]>(
    'INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
  );
  const findSession = db.prepare<[string, number], SessionRow>(
    `SELECT s.token_hash, s.created_at AS session_created_at, s.expires_at, a.*
       FROM sessions s JOIN accounts a ON a.id = s.account_id
      WHERE s.token_hash = ? AND s.expires_at > ?`,
  );
  const extendSession = db.prepare<[number, string]>(
    'UPDATE sessions SET expires_at = ? WHERE token_hash = ?',
  );
  const deleteSession = db.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?');
  const deleteSessionsOf = db.prepare<[number]>('DELETE FROM sessions WHERE account_id = ?');
  const deleteExpired = db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?');

  const selectGroup = db.prepare<[string], GroupMemberRow>(
    `SELECT ${GROUP_COLUMNS}
       FROM groups g ${GROUP_JOINS}
      WHERE g.id = ?
      ORDER BY m.since, m.rowid`,
  );
  const selectGroupsOf = db.prepare<[string], GroupMemberRow>(
    `SELECT ${GROUP_COLUMNS}
       FROM group_members mine JOIN groups g ON g.id = mine.group_id ${GROUP_JOINS}
      WHERE mine.user_key = ?
      ORDER BY g.created_at, g.rowid, m.since, m.rowid`,
  );
  const insertGroup = db.prepare<[string, string, string, number]>(
    'INSERT INTO groups (id, name, creator_key, created_at) VALUES (?, ?, ?, ?)',
  );
  const insertMember = db.prepare<[string, string, number, string]>(
    'INSERT INTO group_members (group_id, user_key, since, added_by) VALUES (?, ?, ?, ?)',
  );
  const memberKeys = db
    .prepare<[string], string>('SELECT user_key FROM group_members WHERE group_id = ?')
    .pluck();
  // Who invited stands as `added_by` of a member who joined by accepting.
  const selectInviter = db
    .prepare<[string, string], string>(
      'SELECT invited_by FROM group_invitations WHERE group_id = ? AND user_key = ?',
    )
    .pluck();
  const deleteMember = db.prepare<[string, string]>(
    'DELETE FROM group_members WHERE group_id = ? AND user_key = ?',
  );
  const deleteGroupIfEmpty = db.prepare<[string]>(
    'DELETE FROM groups WHERE id = ? AND NOT EXISTS (SELECT 1 FROM group_members WHERE group_id = groups.id)',
  );

  const insertInvitation = db.prepare<[string, string, string, number]>(
    'INSERT INTO group_invitations (group_id, user_key, invited_by, invited_at) VALUES (?, ?, ?, ?)',
  );
  const invitedKeys = db
    .prepare<[string], string>('SELECT user_key FROM group_invitations WHERE group_id = ?')
    .pluck();
  const deleteInvitation = db.prepare<[string, string]>(
    'DELETE FROM group_invitations WHERE group_id = ? AND user_key = ?',
  );
  const selectInvitationsOf = db.prepare<[string], InvitationRow>(
    `${INVITATION_SELECT} WHERE i.user_key = ? ORDER BY i.invited_at, i.rowid`,
  );

  const readGroup = (id: string): StoredGroup | null => toGroups(selectGroup.all(id))[0] ?? null;

  const createGroup = db.transaction(
    (
      id: string,
      name: string,
      creatorKey: string,
      createdAt: number,
      keys: readonly string[],
      invites: readonly string[],
    ) => {
      if (keys.length === 0) throw new TypeError('a group needs at least one member');
      insertGroup.run(id, name, creatorKey, createdAt);
      for (const key of keys) insertMember.run(id, key, createdAt, creatorKey);
      for (const key of invites) insertInvitation.run(id, key, creatorKey, createdAt);
      return readGroup(id)!;
    },
  );

  const inviteMembers = db.transaction((change: MembersToInvite): InviteMembersResult => {
    const plan = planInvitation(
      new Set(memberKeys.all(change.groupId)),
      new Set(invitedKeys.all(change.groupId)),
      change,
    );
    if (!plan.ok) return plan;
    for (const key of plan.fresh) insertInvitation.run(change.groupId, key, change.actorKey, change.at);
    return { ok: true, group: readGroup(change.groupId)!, invited: plan.fresh };
  });

  const acceptInvitation = db.transaction((groupId: string, userKey: string, since: number) => {
    const inviter = selectInviter.get(groupId, userKey);
    if (inviter === undefined) return null;
    deleteInvitation.run(groupId, userKey);
    insertMember.run(groupId, userKey, since, inviter);
    return readGroup(groupId);
  });

  const addMembers = db.transaction((change: MembersToAdd): AddMembersResult => {
    const plan = planAddition(new Set(memberKeys.all(change.groupId)), change);
    if (!plan.ok) return plan;
    for (const key of plan.fresh) insertMember.run(change.groupId, key, change.since, change.actorKey);
    return addedResult(readGroup(change.groupId)!, plan.fresh);
  });

  const upsertDeviceKey = db.prepare<[number, string, string, string, number, number]>(
    `INSERT INTO device_keys (account_id, fingerprint, alg, public_key, first_seen, last_seen)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, fingerprint) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)`,
  );
  const pruneDeviceKeys = db.prepare<[number, number, number]>(
    `DELETE FROM device_keys WHERE account_id = ? AND fingerprint NOT IN
       (SELECT fingerprint FROM device_keys WHERE account_id = ? ${DEVICE_KEYS_ORDER} LIMIT ?)`,
  );
  const selectDeviceKeys = db.prepare<[number], DeviceKeyRow>(
    `SELECT * FROM device_keys WHERE account_id = ? ${DEVICE_KEYS_ORDER}`,
  );
  const selectLogHead = db.prepare<[string], { position: number; hash: string }>(
    'SELECT position, hash FROM group_log WHERE group_id = ? ORDER BY position DESC LIMIT 1',
  );
  const groupExists = db.prepare<[string], number>('SELECT 1 FROM groups WHERE id = ?').pluck();
  const insertEntry = db.prepare<[string, number, string, string]>(
    'INSERT INTO group_log (group_id, position, hash, entry) VALUES (?, ?, ?, ?)',
  );
  const selectEntries = db
    .prepare<[string], string>('SELECT entry FROM group_log WHERE group_id = ? ORDER BY position')
    .pluck();
  const appendGroupEntry = db.transaction(
    (groupId: string, entry: StoredGroupEntry, maxEntries: number): AppendEntryResult => {
      if (groupExists.get(groupId) === undefined) return 'unknown-group';
      const head = selectLogHead.get(groupId);
      if ((head?.hash ?? null) !== entry.prev) return 'stale';
      const position = (head?.position ?? 0) + 1;
      if (position > maxEntries) return 'full';
      insertEntry.run(groupId, position, entry.hash, entry.text);
      return 'appended';
    },
  );
  const saveDeviceKey = db.transaction(
    (accountId: number, key: Pick<DeviceKeyRecord, 'alg' | 'key' | 'fingerprint'>, now: number) => {
      upsertDeviceKey.run(accountId, key.fingerprint, key.alg, key.key, now, now);
      pruneDeviceKeys.run(accountId, accountId, MAX_DEVICE_KEYS);
    },
  );

  const removeMember = db.transaction((groupId: string, userKey: string) => {
    if (deleteMember.run(groupId, userKey).changes === 0) return { removed: false } as const;
    if (deleteGroupIfEmpty.run(groupId).changes > 0) return { removed: true, group: null } as const;
    return { removed: true, group: readGroup(groupId) } as const;
  });

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
          account.skeleton,
          account.skeleton,
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
      if (!row) return null;
      const { session_created_at: createdAt, expires_at: expiresAt } = row;
      return { tokenHash: row.token_hash, createdAt, expiresAt, account: toAccount(row) };
    },
    async extendSession(tokenHash, expiresAt) {
      extendSession.run(expiresAt, tokenHash);
    },
    async deleteSessionsOf(accountId) {
      deleteSessionsOf.run(accountId);
    },
    async deleteSession(tokenHash) {
      deleteSession.run(tokenHash);
    },
    async deleteExpiredSessions(now) {
      return deleteExpired.run(now).changes;
    },
    async createGroup(group) {
      return createGroup.immediate(
        group.id,
        group.name,
        group.creatorKey,
        group.createdAt,
        group.memberKeys,
        group.inviteKeys ?? [],
      );
    },
    async addMembers(change) {
      return addMembers.immediate(change);
    },
    async removeMember(groupId, userKey) {
      return removeMember.immediate(groupId, userKey);
    },
    async groupsOf(userKey) {
      return toGroups(selectGroupsOf.all(userKey));
    },
    async getGroup(id) {
      return readGroup(id);
    },
    async inviteMembers(change) {
      return inviteMembers.immediate(change);
    },
    async acceptInvitation(groupId, userKey, since) {
      return acceptInvitation.immediate(groupId, userKey, since);
    },
    async declineInvitation(groupId, userKey) {
      return deleteInvitation.run(groupId, userKey).changes > 0;
    },
    async invitationsOf(userKey) {
      return selectInvitationsOf.all(userKey).map(toInvitation);
    },
    async saveDeviceKey(accountId, key, now) {
      saveDeviceKey.immediate(accountId, key, now);
    },
    async deviceKeysOf(accountId) {
      return selectDeviceKeys.all(accountId).map(toDeviceKey);
    },
    async appendGroupEntry(groupId, entry, maxEntries) {
      return appendGroupEntry.immediate(groupId, entry, maxEntries);
    },
    async groupEntries(groupId) {
      return selectEntries.all(groupId);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
