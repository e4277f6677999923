/**
 * Where groups and their members live. Like `AccountStore`, an interface so another engine can be
 * added; every method that changes membership checks and changes in one transaction, so concurrent
 * commands (also from other server nodes, later) cannot leave a group over its limit or empty.
 * Users are identified by their name key; names come back in their registered spelling.
 */
export interface GroupMember {
  /** The member's registered spelling. */
  user: string;
  /** The member's name key. */
  key: string;
  /** When the member joined (ms since the epoch). */
  since: number;
}

export interface StoredGroup {
  /** `g` and 24 hex digits, chosen by the server. */
  id: string;
  /** Trimmed, NFC; not unique. */
  name: string;
  /** The creator's registered spelling; the creator may have left since. */
  creator: string;
  creatorKey: string;
  createdAt: number;
  /** In the order they joined; never empty. */
  members: GroupMember[];
}

export interface NewGroup {
  id: string;
  name: string;
  creatorKey: string;
  createdAt: number;
  /** Name keys of existing accounts, the creator included, without duplicates; all join at `createdAt`. */
  memberKeys: readonly string[];
  /** Name keys of existing accounts invited by the creator at `createdAt` (not members until they accept). */
  inviteKeys?: readonly string[];
}

/** "`userKey` may join this group": a membership waits for the invitee's consent. */
export interface StoredInvitation {
  groupId: string;
  /** The group's name, all an invitee learns of it before accepting. */
  name: string;
  /** Who invited, in their registered spelling (their key when the account is gone). */
  inviter: string;
  userKey: string;
  invitedAt: number;
}

export interface MembersToInvite {
  groupId: string;
  /** Who invites them: must be a member. */
  actorKey: string;
  /** Name keys of existing accounts; members and those already invited are skipped. */
  memberKeys: readonly string[];
  at: number;
  /** Members and pending invitations together may not exceed this. */
  maxMembers: number;
}

export type InviteMembersResult =
  { ok: true; group: StoredGroup; invited: string[] } | { ok: false; reason: 'unknown-group' | 'too-large' };

export interface MembersToAdd {
  groupId: string;
  /** Who adds them: must be a member. */
  actorKey: string;
  /** Name keys of existing accounts; those already in the group are skipped. */
  memberKeys: readonly string[];
  since: number;
  /** The group may not grow beyond this many members. */
  maxMembers: number;
}

export type AddMembersResult =
  | { ok: true; group: StoredGroup; added: GroupMember[] }
  /** `unknown-group`: no such group, or the actor is not in it. */
  | { ok: false; reason: 'unknown-group' | 'too-large' };

export type RemoveMemberResult =
  /** No such group, or the user was not in it: nothing changed. */
  | { removed: false }
  /** `group` is what remains, or null when the user was the last member and the group is gone. */
  | { removed: true; group: StoredGroup | null };

export interface GroupStore {
  /** Creates a group with its first members. Rejects if an id or a member key is unknown. */
  createGroup(group: NewGroup): Promise<StoredGroup>;
  /** Adds members if the actor is a member and the group stays within `maxMembers`. */
  addMembers(change: MembersToAdd): Promise<AddMembersResult>;
  /** Removes a member, deleting the group when nobody is left. */
  removeMember(groupId: string, userKey: string): Promise<RemoveMemberResult>;
  /** The groups `userKey` is a member of, oldest first, with their members. */
  groupsOf(userKey: string): Promise<StoredGroup[]>;
  /** The group with this id, or null. */
  getGroup(id: string): Promise<StoredGroup | null>;
  /** Invites users to a group if the actor is a member; `invited` are the keys newly invited. */
  inviteMembers(change: MembersToInvite): Promise<InviteMembersResult>;
  /** Turns `userKey`'s invitation into a membership from `since`; null when there was none. */
  acceptInvitation(groupId: string, userKey: string, since: number): Promise<StoredGroup | null>;
  /** Drops `userKey`'s invitation; false when there was none. */
  declineInvitation(groupId: string, userKey: string): Promise<boolean>;
  /** The invitations waiting for `userKey`, oldest first. */
  invitationsOf(userKey: string): Promise<StoredInvitation[]>;
}
