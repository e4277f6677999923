/**
 * Rows as both SQL engines return them, and their mapping to the store's types. Both schemas use the
 * same table and column names, so the queries' column lists and joins are shared too.
 */
import type { KeyAlgorithm } from '../../shared/identity-protocol.js';
import type { Account } from './account-store.js';
import type { DeviceKeyRecord } from './device-key-store.js';
import type { StoredGroup, StoredInvitation } from './group-store.js';

export interface AccountRow {
  id: number;
  username: string;
  name_key: string;
  password_hash: string;
  created_at: number;
}

export interface SessionRow extends AccountRow {
  token_hash: string;
  session_created_at: number;
  expires_at: number;
}

/** One member of one group, with the group's own columns repeated. */
export interface GroupMemberRow {
  id: string;
  name: string;
  created_at: number;
  creator_key: string;
  creator: string;
  user_key: string;
  username: string;
  since: number;
}

/** The columns of a `GroupMemberRow`, over `groups g` and the joins below. */
export const GROUP_COLUMNS = `g.id, g.name, g.created_at, g.creator_key, c.username AS creator,
       m.user_key, a.username, m.since`;
export const GROUP_JOINS = `JOIN accounts c ON c.name_key = g.creator_key
  JOIN group_members m ON m.group_id = g.id
  JOIN accounts a ON a.name_key = m.user_key`;

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    username: row.username,
    nameKey: row.name_key,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  };
}

/** Folds rows (ordered by group, then by join order) into groups. */
export function toGroups(rows: readonly GroupMemberRow[]): StoredGroup[] {
  const groups: StoredGroup[] = [];
  let current: StoredGroup | undefined;
  for (const row of rows) {
    if (current?.id !== row.id) {
      current = {
        id: row.id,
        name: row.name,
        creator: row.creator,
        creatorKey: row.creator_key,
        createdAt: row.created_at,
        members: [],
      };
      groups.push(current);
    }
    current.members.push({ user: row.username, key: row.user_key, since: row.since });
  }
  return groups;
}

/** One invitation with its group's name and the inviter's spelling. */
export interface InvitationRow {
  group_id: string;
  name: string;
  invited_by: string;
  inviter: string | null;
  user_key: string;
  invited_at: number;
}

/** The columns and joins of an `InvitationRow`, over `group_invitations i`. */
export const INVITATION_SELECT = `SELECT i.group_id, g.name, i.invited_by, a.username AS inviter, i.user_key, i.invited_at
  FROM group_invitations i JOIN groups g ON g.id = i.group_id
  LEFT JOIN accounts a ON a.name_key = i.invited_by`;

export function toInvitation(row: InvitationRow): StoredInvitation {
  return {
    groupId: row.group_id,
    name: row.name,
    inviter: row.inviter ?? row.invited_by,
    userKey: row.user_key,
    invitedAt: row.invited_at,
  };
}

/** A row of `device_keys`. */
export interface DeviceKeyRow {
  alg: string;
  public_key: string;
  fingerprint: string;
  first_seen: number | string;
  last_seen: number | string;
}

/** `device_keys` of one account (the first parameter), most recently seen first. */
export const DEVICE_KEYS_ORDER = 'ORDER BY last_seen DESC, first_seen DESC, fingerprint';

export function toDeviceKey(row: DeviceKeyRow): DeviceKeyRecord {
  return {
    // Only `DeviceIdentity`-checked keys are ever written (session-start.ts).
    alg: row.alg as KeyAlgorithm,
    key: row.public_key,
    fingerprint: row.fingerprint,
    firstSeen: Number(row.first_seen),
    lastSeen: Number(row.last_seen),
  };
}
