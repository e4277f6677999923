import type {
  AddMembersResult,
  GroupMember,
  MembersToAdd,
  MembersToInvite,
  StoredGroup,
} from './group-store.js';

export type AdditionPlan =
  { ok: true; fresh: ReadonlySet<string> } | Extract<AddMembersResult, { ok: false }>;

/**
 * What `addMembers` decides once it holds the group's current member keys, the same in every engine:
 * the keys that join (those not in it yet), or why none may. Callers read `present` and write the
 * plan in one transaction.
 */
export function planAddition(present: ReadonlySet<string>, change: MembersToAdd): AdditionPlan {
  if (!present.has(change.actorKey)) return { ok: false, reason: 'unknown-group' };
  const fresh = new Set(change.memberKeys.filter((key) => !present.has(key)));
  if (present.size + fresh.size > change.maxMembers) return { ok: false, reason: 'too-large' };
  return { ok: true, fresh };
}

/** The result of a planned addition, given the group as it is after the writes. */
export function addedResult(group: StoredGroup, fresh: ReadonlySet<string>): AddMembersResult {
  const added: GroupMember[] = group.members.filter((member) => fresh.has(member.key));
  return { ok: true, group, added };
}

export type InvitationPlan =
  { ok: true; fresh: string[] } | { ok: false; reason: 'unknown-group' | 'too-large' };

/**
 * What `inviteMembers` decides once it holds the group's member keys and pending invitees: the keys to
 * invite (neither in it nor invited yet), or why none may be. Invitations count toward the size limit.
 */
export function planInvitation(
  present: ReadonlySet<string>,
  pending: ReadonlySet<string>,
  change: MembersToInvite,
): InvitationPlan {
  if (!present.has(change.actorKey)) return { ok: false, reason: 'unknown-group' };
  const fresh = [...new Set(change.memberKeys)].filter((key) => !present.has(key) && !pending.has(key));
  if (present.size + pending.size + fresh.length > change.maxMembers)
    return { ok: false, reason: 'too-large' };
  return { ok: true, fresh };
}
