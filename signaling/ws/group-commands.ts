import { ErrorCode } from '../../shared/errors.js';
import type { ClientFrame, ServerFrame } from '../../shared/protocol.js';
import type { GroupFailure } from '../groups/group-service.js';
import type { ConnectionContext } from './connection-context.js';
import { logFrames, memberKeys, toWireGroup } from './group-frames.js';

type GroupCreateFrame = Extract<ClientFrame, { type: 'group-create' }>;
type GroupAddFrame = Extract<ClientFrame, { type: 'group-add' }>;
type GroupLeaveFrame = Extract<ClientFrame, { type: 'group-leave' }>;
type GroupAnswerFrame = Extract<ClientFrame, { type: 'group-accept' | 'group-decline' }>;
type GroupEntryFrame = Extract<ClientFrame, { type: 'group-entry' }>;

/** Who sent a command: a logged-in account. */
export interface CommandSession {
  user: string;
  key: string;
}

/** What a command may do with the connection it came from: one small port, built once per connection. */
export interface CommandPort {
  readonly ctx: ConnectionContext;
  log(level: 'warn' | 'info' | 'debug', fields: object, message: string): void;
  /** Logs a refused frame at `level` and answers it with an error frame. */
  refuse(level: 'warn' | 'info' | 'debug', code: ErrorCode, message: string, ref: string): void;
  sendFrame(frame: ServerFrame): void;
}

/** The creator gets the new group; those named are invited (its name and the inviter, nothing more). */
export function createGroup(
  port: CommandPort,
  session: CommandSession,
  frame: GroupCreateFrame,
): Promise<void> {
  return port.ctx.groups.create(session.key, frame.name, frame.members).then((result) => {
    if (!result.ok) return refuseGroup(port, result.failure, frame.type);
    const { group, invited } = result;
    port.log('info', { user: session.user, group: group.id, invited: invited.keys.length }, 'group created');
    port.ctx.presence.announceTo(memberKeys(group), { type: 'group-update', group: toWireGroup(group) });
    port.ctx.presence.announceTo(invited.keys, { type: 'group-invite', ...invited.invitation });
  });
}

/** Those named are invited; the sender's command is answered with the group as it is. */
export function addToGroup(port: CommandPort, session: CommandSession, frame: GroupAddFrame): Promise<void> {
  return port.ctx.groups.add(session.key, frame.group, frame.members).then((result) => {
    if (!result.ok) return refuseGroup(port, result.failure, frame.type);
    const { group, invited } = result;
    port.sendFrame({ type: 'group-update', group: toWireGroup(group) });
    if (invited.keys.length === 0) return;
    port.log(
      'info',
      { user: session.user, group: group.id, invited: invited.keys.length },
      'group invitations',
    );
    port.ctx.presence.announceTo(invited.keys, { type: 'group-invite', ...invited.invitation });
  });
}

/**
 * An invitee answers: accepting makes them a member (every member, them included, gets the group);
 * declining drops the invitation (they get `group-removed`, as for a group they left).
 */
export function answerInvitation(
  port: CommandPort,
  session: CommandSession,
  frame: GroupAnswerFrame,
): Promise<void> {
  const { groups, presence } = port.ctx;
  if (frame.type === 'group-decline') {
    return groups.decline(session.key, frame.group).then((result) => {
      if (!result.ok) return refuseGroup(port, result.failure, frame.type);
      presence.announceTo([session.key], { type: 'group-removed', group: frame.group });
    });
  }
  return groups.accept(session.key, frame.group).then((result) => {
    if (!result.ok) return refuseGroup(port, result.failure, frame.type);
    const { group } = result;
    port.log('info', { user: session.user, group: group.id }, 'joined group');
    presence.announceTo(memberKeys(group), { type: 'group-update', group: toWireGroup(group) });
    // The new member learns the signed log it must check the others against (and sign its accept on).
    return groups.entriesOf(group.id).then((entries) => {
      for (const frame of logFrames(group.id, entries)) presence.announceTo([session.key], frame);
    });
  });
}

/** The leaver gets `group-removed`, those who remain the group without them; an empty group is gone. */
export function leaveGroup(
  port: CommandPort,
  session: CommandSession,
  frame: GroupLeaveFrame,
): Promise<void> {
  return port.ctx.groups.leave(session.key, frame.group).then((result) => {
    if (!result.ok) return refuseGroup(port, result.failure, frame.type);
    const { remaining } = result;
    port.log('info', { user: session.user, group: frame.group, deleted: remaining === null }, 'left group');
    // Through presence, not this socket: a newer session of the account may have taken over meanwhile.
    port.ctx.presence.announceTo([session.key], { type: 'group-removed', group: frame.group });
    if (remaining) {
      port.ctx.presence.announceTo(memberKeys(remaining), {
        type: 'group-update',
        group: toWireGroup(remaining),
      });
    }
  });
}

/**
 * A member's signed changes join the group's log in order; every member (the sender too) gets those
 * stored. The first refused one stops the rest and is answered.
 */
export async function appendToLog(
  port: CommandPort,
  session: CommandSession,
  frame: GroupEntryFrame,
): Promise<void> {
  const { groups, presence } = port.ctx;
  const appended: string[] = [];
  let failure: GroupFailure | null = null;
  for (const entry of frame.entries) {
    const result = await groups.appendEntry(session, frame.group, entry);
    if (!result.ok) {
      failure = result.failure;
      break;
    }
    appended.push(entry);
  }
  if (appended.length > 0) {
    const group = await groups.getGroup(frame.group);
    if (group)
      presence.announceTo(memberKeys(group), { type: 'group-log', group: group.id, entries: appended });
  }
  if (failure) refuseGroup(port, failure, frame.type);
}

/**
 * A group id the sender is not in is probing or a confused client: a warning. The rest are people
 * naming a group or a member wrongly.
 */
function refuseGroup(port: CommandPort, failure: GroupFailure, ref: ClientFrame['type']): void {
  port.refuse(failure.code === ErrorCode.UnknownGroup ? 'warn' : 'info', failure.code, failure.message, ref);
}
