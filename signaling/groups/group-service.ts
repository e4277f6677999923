import { randomBytes } from 'node:crypto';
import { ErrorCode } from '../../shared/errors.js';
import { groupNameProblem, nameKey, normalizeUsername } from '../../shared/names.js';
import { GROUP_NAME_MAX_LENGTH, MAX_GROUP_MEMBERS, MAX_PENDING_INVITATIONS } from '../../shared/protocol.js';
import type { Clock } from '../clock.js';
import type { AccountStore } from '../store/account-store.js';
import type { GroupLogStore } from '../store/group-log-store.js';
import type { GroupStore, StoredGroup, StoredInvitation } from '../store/group-store.js';
import { appendEntry, type EntryAuthor } from './group-log-entries.js';

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
  store: AccountStore & GroupStore & GroupLogStore;
  clock: Clock;
  /** A user in this many groups cannot create another (each group is a mesh the client keeps up). */
  maxGroupsPerUser: number;
}

/** Invitations just made: the keys of those invited, with what each of them is told. */
export interface Invited {
  keys: string[];
  invitation: { group: string; name: string; inviter: string };
}

/**
 * Create, invite, accept, decline and leave: the rules of group membership, independent of the
 * socket. Nobody is put into a group by someone else: the creator is a member at once, everyone
 * named at create or add is invited and becomes a member only by accepting. Expected refusals are
 * results, not exceptions; a rejected promise means the store failed. Users are name keys of
 * logged-in accounts (the caller vouches for them); members named by clients are resolved here.
 */
export class GroupService {
  constructor(private readonly options: GroupServiceOptions) {}

  /**
   * Creates a group of `creatorKey`, inviting `memberNames` (resolved to accounts; all must exist and
   * have room for another invitation).
   */
  async create(
    creatorKey: string,
    rawName: string,
    memberNames: readonly string[],
  ): Promise<GroupResult<{ group: StoredGroup; invited: Invited }>> {
    const name = normalizeGroupName(rawName);
    if (name === null) {
      return fail(
        ErrorCode.InvalidGroupName,
        `A group name has 1 to ${GROUP_NAME_MAX_LENGTH} visible characters.`,
      );
    }
    const others = byKey(memberNames, new Set([creatorKey]));
    if (others.size + 1 > MAX_GROUP_MEMBERS) return TOO_LARGE;
    if (await this.#atGroupLimit(creatorKey)) return this.#tooManyGroups();
    const refusal = await this.refuseInvitees(others);
    if (refusal) return refusal;
    const group = await this.options.store.createGroup({
      id: newGroupId(),
      name,
      creatorKey,
      createdAt: this.options.clock.now(),
      memberKeys: [creatorKey],
      inviteKeys: [...others.keys()],
    });
    return { ok: true, group, invited: invitedTo(group, creatorKey, [...others.keys()]) };
  }

  /**
   * Invites `memberNames` to a group `actorKey` is in. Members and those invited already are skipped;
   * when nobody is new, `invited.keys` is empty and the group is returned as it is.
   */
  async add(
    actorKey: string,
    groupId: string,
    memberNames: readonly string[],
  ): Promise<GroupResult<{ group: StoredGroup; invited: Invited }>> {
    const { store, clock } = this.options;
    const group = await store.getGroup(groupId);
    if (!group?.members.some((member) => member.key === actorKey)) return UNKNOWN_GROUP;
    const fresh = byKey(memberNames, new Set(group.members.map((member) => member.key)));
    if (group.members.length + fresh.size > MAX_GROUP_MEMBERS) return TOO_LARGE;
    const refusal = await this.refuseInvitees(fresh);
    if (refusal) return refusal;
    if (fresh.size === 0) return { ok: true, group, invited: invitedTo(group, actorKey, []) };
    // Checked again in the store's transaction: the group may have changed since it was read.
    const result = await store.inviteMembers({
      groupId,
      actorKey,
      memberKeys: [...fresh.keys()],
      at: clock.now(),
      maxMembers: MAX_GROUP_MEMBERS,
    });
    if (!result.ok) return result.reason === 'too-large' ? TOO_LARGE : UNKNOWN_GROUP;
    return { ok: true, group: result.group, invited: invitedTo(result.group, actorKey, result.invited) };
  }

  /** `userKey` accepts an invitation: a member from now on. */
  async accept(userKey: string, groupId: string): Promise<GroupResult<{ group: StoredGroup }>> {
    const { store, clock } = this.options;
    if (!(await store.invitationsOf(userKey)).some((invitation) => invitation.groupId === groupId)) {
      return UNKNOWN_GROUP;
    }
    if (await this.#atGroupLimit(userKey)) return this.#tooManyGroups();
    const group = await store.acceptInvitation(groupId, userKey, clock.now());
    return group ? { ok: true, group } : UNKNOWN_GROUP;
  }

  /** Whether `userKey` is in as many groups as allowed (each group is a mesh the client keeps up). */
  async #atGroupLimit(userKey: string): Promise<boolean> {
    return (await this.options.store.groupsOf(userKey)).length >= this.options.maxGroupsPerUser;
  }

  #tooManyGroups(): { ok: false; failure: GroupFailure } {
    return fail(
      ErrorCode.TooManyGroups,
      `One person may be in at most ${this.options.maxGroupsPerUser} groups; leave one first.`,
    );
  }

  /** `userKey` declines an invitation: it is gone, and nothing of the group was shared. */
  async decline(userKey: string, groupId: string): Promise<GroupResult<object>> {
    return (await this.options.store.declineInvitation(groupId, userKey)) ? { ok: true } : UNKNOWN_GROUP;
  }

  /** The invitations waiting for `userKey`, oldest first. */
  invitationsOf(userKey: string): Promise<StoredInvitation[]> {
    return this.options.store.invitationsOf(userKey);
  }

  /** Takes `userKey` out of a group; `remaining` is null when they were the last and the group is gone. */
  async leave(userKey: string, groupId: string): Promise<GroupResult<{ remaining: StoredGroup | null }>> {
    const result = await this.options.store.removeMember(groupId, userKey);
    if (!result.removed) return UNKNOWN_GROUP;
    return { ok: true, remaining: result.group };
  }

  /** Appends a member's signed change to a group's log (group-log-entries.ts says what is checked). */
  appendEntry(author: EntryAuthor, groupId: string, text: string): Promise<GroupResult<object>> {
    return appendEntry(this.options.store, author, groupId, text);
  }

  /** The group with this id as it is now, or null. */
  getGroup(groupId: string): Promise<StoredGroup | null> {
    return this.options.store.getGroup(groupId);
  }

  /** The entries of a group's log, oldest first: opaque texts only members can check. */
  entriesOf(groupId: string): Promise<string[]> {
    return this.options.store.groupEntries(groupId);
  }

  /** The groups `userKey` is in, oldest first. */
  groupsOf(userKey: string): Promise<StoredGroup[]> {
    return this.options.store.groupsOf(userKey);
  }

  /** Why these invitees cannot be invited (one unknown, or one with too many invitations), or null. */
  private async refuseInvitees(names: ReadonlyMap<string, string>) {
    const unknown = await this.firstUnknown(names);
    if (unknown !== null) return unknownUser(unknown);
    for (const [key, name] of names) {
      if ((await this.options.store.invitationsOf(key)).length >= MAX_PENDING_INVITATIONS) {
        return fail(
          ErrorCode.TooManyInvitations,
          `${name} has too many invitations waiting; they must answer some first.`,
        );
      }
    }
    return null;
  }

  /** The first name (as typed) without an account, or null when all exist. */
  private async firstUnknown(names: ReadonlyMap<string, string>): Promise<string | null> {
    for (const [key, name] of names) {
      if (!(await this.options.store.findAccount(key))) return name;
    }
    return null;
  }
}

/** What the invitees of `group` are told: its name and who invited them. */
function invitedTo(group: StoredGroup, inviterKey: string, keys: string[]): Invited {
  const inviter = group.members.find((member) => member.key === inviterKey)?.user ?? inviterKey;
  return { keys, invitation: { group: group.id, name: group.name, inviter } };
}

function unknownUser(name: string) {
  return fail(ErrorCode.UnknownUser, `There is no user named ${JSON.stringify(name)}.`);
}
