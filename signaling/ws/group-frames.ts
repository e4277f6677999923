import { GROUP_LOG_FRAME_ENTRIES } from '../../shared/group-log.js';
import {
  MAX_FRAME_BYTES,
  type GroupLogFrame,
  type Group,
  type GroupInvite,
  type ServerFrame,
  type WelcomeFrame,
} from '../../shared/protocol.js';
import type { StoredGroup, StoredInvitation } from '../store/group-store.js';

/** How many groups a welcome may list (`groups` of `Welcome` in shared/protocol.ts). */
const WELCOME_MAX_GROUPS = 1000;

/** A group as members see it: names, not keys. */
export function toWireGroup(group: StoredGroup): Group {
  return {
    id: group.id,
    name: group.name,
    creator: group.creator,
    createdAt: group.createdAt,
    members: group.members.map(({ user, since }) => ({ user, since })),
  };
}

/** The name keys of a group's members: whom to tell of a change. */
export function memberKeys(group: StoredGroup): string[] {
  return group.members.map((member) => member.key);
}

/**
 * Puts as many of `groups` into `welcome` as the protocol lets a client accept: at most
 * `WELCOME_MAX_GROUPS`, and the frame within `MAX_FRAME_BYTES` (clients refuse a longer one). The rest,
 * if any, are returned to be sent as `group-update` frames right after the welcome, which a client
 * applies like any other group it learns of.
 */
export function fillWelcome(
  welcome: WelcomeFrame,
  groups: readonly Group[],
): { welcome: WelcomeFrame; after: Group[] } {
  // String length, as clients measure it; commas counted generously.
  let room = MAX_FRAME_BYTES - JSON.stringify({ ...welcome, groups: [] }).length;
  const inside: Group[] = [];
  const after: Group[] = [];
  for (const group of groups) {
    const size = JSON.stringify(group).length + 1;
    if (after.length === 0 && inside.length < WELCOME_MAX_GROUPS && size <= room) {
      inside.push(group);
      room -= size;
    } else {
      after.push(group);
    }
  }
  return { welcome: { ...welcome, groups: inside }, after };
}

/** A welcome listing `groups`, and the `group-update` frames of those that did not fit (see `fillWelcome`). */
export function welcomeFrames(
  welcome: Omit<WelcomeFrame, 'groups'>,
  groups: readonly StoredGroup[],
): ServerFrame[] {
  const filled = fillWelcome({ ...welcome, groups: [] }, groups.map(toWireGroup));
  return [filled.welcome, ...filled.after.map((group) => ({ type: 'group-update', group }) as const)];
}

/** What an invitee is told of a group before accepting: its name and who invited, nothing more. */
export function toInviteFrame(invitation: StoredInvitation): GroupInvite {
  return {
    type: 'group-invite',
    group: invitation.groupId,
    name: invitation.name,
    inviter: invitation.inviter,
  };
}

/** A group's log entries as `group-log` frames of at most `GROUP_LOG_FRAME_ENTRIES` each (none when empty). */
export function logFrames(group: string, entries: readonly string[]): GroupLogFrame[] {
  const frames: GroupLogFrame[] = [];
  for (let start = 0; start < entries.length; start += GROUP_LOG_FRAME_ENTRIES) {
    frames.push({ type: 'group-log', group, entries: entries.slice(start, start + GROUP_LOG_FRAME_ENTRIES) });
  }
  return frames;
}
