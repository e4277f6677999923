import { randomBytes } from 'node:crypto';
import { ErrorCode } from '../../shared/errors.js';
import { groupNameProblem, nameKey, normalizeUsername } from '../../shared/names.js';
import { GROUP_NAME_MAX_LENGTH, MAX_GROUP_MEMBERS } from '../../shared/protocol.js';
import type { Clock } from '../clock.js';
import type { AccountStore } from '../store/account-store.js';
import type { GroupMember, GroupStore, StoredGroup } from '../store/group-store.js';

/** Why a group command was refused, in protocol terms. */
export interface GroupFailure {
  code: ErrorCode;
  message: string;
}

export type GroupResult<T extends object> = ({ ok: true } & T) | { ok: false; failure: GroupFailure };

const fail = (code: ErrorCode, message: string) => ({ ok: false, failure: { code, message } }) as const;

/** One answer for "no such group" and "not yours", so group ids leak nothing. */
const UNKNOWN_GROUP = fail(ErrorCode.UnknownGroup, 'No such group.');
const TOO_LARGE = fail(ErrorCode.GroupTooLarge, `A group has at most ${MAX_GROUP_MEMBERS} members.`);

/** A new group id: `g` and 24 random hex digits. */
export function newGroupId(): string {
  return `g${randomBytes(12).toString('hex')}`;
}

/**
 * A group name as stored (NFC, trimmed), or null when it is empty, longer than allowed, invisible or
 * holds text-direction controls (see `groupNameProblem`).
 */
export function normalizeGroupName(raw: string): string | null {
  const name = raw.normalize('NFC').trim();
  const length = [...name].length;
  if (length < 1 || length > GROUP_NAME_MAX_LENGTH) return null;
  return groupNameProblem(name) === null ? name : null;
}

/** Names as typed, by name key, first spelling kept: duplicates in any case or form collapse. */
function byKey(names: readonly string[], skip: ReadonlySet<string>): Map<string, string> {
  const keys = new Map<string, string>();
  for (const raw of names) {
    const name = normalizeUsername(raw);
    const key = nameKey(name);
    if (!skip.has(key) && !keys.has(key)) keys.set(key, name);
  }
  return keys;
}

export interface GroupServiceOptions {
  store: AccountStore & GroupStore;
  clock: Clock;
  /** A user in this many groups cannot create another (each group is a mesh the client keeps up). */
  maxGroupsPerUser: number;
}

/**
 * Create, add and leave: the rules of group membership, independent of the socket. Expected refusals
 * are results, not exceptions; a rejected promise means the store failed. Users are name keys of
 * logged-in accounts (the caller vouches for them); members named by clients are resolved here.
 */
export class GroupService {
  constructor(private readonly options: GroupServiceOptions) {}

  /** Creates a group of `creatorKey` and `memberNames` (resolved to accounts; all must exist). */
  async create(
    creatorKey: string,
    rawName: string,
    memberNames: readonly string[],
  ): Promise<GroupResult<{ group: StoredGroup }>> {
    const name = normalizeGroupName(rawName);
    if (name === null) {
      return fail(
        ErrorCode.InvalidGroupName,
        `A group name has 1 to ${GROUP_NAME_MAX_LENGTH} visible characters.`,
      );
    }
    const mine = await this.options.store.groupsOf(creatorKey);
    if (mine.length >= this.options.maxGroupsPerUser) {
      return fail(
        ErrorCode.TooManyGroups,
        `You are in ${mine.length} groups, the most allowed; leave one first.`,
      );
    }
    const others = byKey(memberNames, new Set([creatorKey]));
    if (others.size + 1 > MAX_GROUP_MEMBERS) return TOO_LARGE;
    const unknown = await this.firstUnknown(others);
    if (unknown !== null) return unknownUser(unknown);
    const group = await this.options.store.createGroup({
      id: newGroupId(),
      name,
      creatorKey,
      createdAt: this.options.clock.now(),
      memberKeys: [creatorKey, ...others.keys()],
    });
    return { ok: true, group };
  }

  /**
   * Adds `memberNames` to a group `actorKey` is in. Those already in it are skipped; when nobody is
   * new, `added` is empty and the group is returned as it is.
   */
  async add(
    actorKey: string,
    groupId: string,
    memberNames: readonly string[],
  ): Promise<GroupResult<{ group: StoredGroup; added: GroupMember[] }>> {
    const { store, clock } = this.options;
    const group = await store.getGroup(groupId);
    if (!group?.members.some((member) => member.key === actorKey)) return UNKNOWN_GROUP;
    const fresh = byKey(memberNames, new Set(group.members.map((member) => member.key)));
    if (group.members.length + fresh.size > MAX_GROUP_MEMBERS) return TOO_LARGE;
    const unknown = await this.firstUnknown(fresh);
    if (unknown !== null) return unknownUser(unknown);
    if (fresh.size === 0) return { ok: true, group, added: [] };
    // Checked again in the store's transaction: the group may have changed since it was read.
    const result = await store.addMembers({
      groupId,
      actorKey,
      memberKeys: [...fresh.keys()],
      since: clock.now(),
      maxMembers: MAX_GROUP_MEMBERS,
    });
    if (!result.ok) return result.reason === 'too-large' ? TOO_LARGE : UNKNOWN_GROUP;
    return result;
  }

  /** Takes `userKey` out of a group; `remaining` is null when they were the last and the group is gone. */
  async leave(userKey: string, groupId: string): Promise<GroupResult<{ remaining: StoredGroup | null }>> {
    const result = await this.options.store.removeMember(groupId, userKey);
    if (!result.removed) return UNKNOWN_GROUP;
    return { ok: true, remaining: result.group };
  }

  /** The groups `userKey` is in, oldest first. */
  groupsOf(userKey: string): Promise<StoredGroup[]> {
    return this.options.store.groupsOf(userKey);
  }

  /** The first name (as typed) without an account, or null when all exist. */
  private async firstUnknown(names: ReadonlyMap<string, string>): Promise<string | null> {
    for (const [key, name] of names) {
      if (!(await this.options.store.findAccount(key))) return name;
    }
    return null;
  }
}

function unknownUser(name: string) {
  return fail(ErrorCode.UnknownUser, `There is no user named ${JSON.stringify(name)}.`);
}
