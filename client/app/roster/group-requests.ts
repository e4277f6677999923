/**
 * This user's group commands (create, add members, leave) and their answers. Each request is matched
 * to the answer that is about it — a create to the new group this user made, an add to an update of
 * that group, a leave to its removal, an error to the command it names in `ref` — so another
 * member's change arriving meanwhile does not settle it. One request is shown at a time: a new one
 * replaces the last.
 */
import type { ClientFrame, Group } from '../../../shared/protocol.js';

export type GroupCommand = Extract<
  ClientFrame,
  { type: 'group-create' | 'group-add' | 'group-leave' | 'group-accept' | 'group-decline' }
>;

export type GroupRequest =
  { kind: 'idle' } | { kind: 'pending'; command: GroupCommand['type'] } | { kind: 'error'; text: string };

/** What settled a request: which command, and for a create (or an accept) the group (to open it). */
export type GroupAnswer =
  { settled: false } | { settled: true; created: Group | null; command: GroupCommand | null };

const UNSETTLED: GroupAnswer = { settled: false };

export class GroupRequests {
  #state: GroupRequest = { kind: 'idle' };
  #pending: GroupCommand | null = null;

  /** The last request: waiting for the server, failed (with words why), or settled. */
  get state(): GroupRequest {
    return this.#state;
  }

  /** `command` went to the server (`sent`), or could not (`unreachableText` says so). */
  sent(command: GroupCommand, sent: boolean, unreachableText: string): void {
    this.#pending = sent ? command : null;
    this.#state = sent
      ? { kind: 'pending', command: command.type }
      : { kind: 'error', text: unreachableText };
  }

  /**
   * The server sent `group`; `isNew`: this user did not know it before. Settles a create answered by
   * a new group this user made, or an add to this group.
   */
  updated(group: Group, isNew: boolean, me: string): GroupAnswer {
    const pending = this.#pending;
    if (!pending) return UNSETTLED;
    if (pending.type === 'group-create' && isNew && group.creator === me) return this.#settle(group, pending);
    if (pending.type === 'group-add' && pending.group === group.id) return this.#settle(null, pending);
    // An accepted invitation opens like a group this user made.
    if (pending.type === 'group-accept' && pending.group === group.id) return this.#settle(group, pending);
    return UNSETTLED;
  }

  /** This user is out of group `groupId`: settles a leave (or a decline) of it. */
  removed(groupId: string): GroupAnswer {
    const pending = this.#pending;
    if (pending?.type !== 'group-leave' && pending?.type !== 'group-decline') return UNSETTLED;
    if (pending.group !== groupId) return UNSETTLED;
    return this.#settle(null, pending);
  }

  /** An error frame about command `ref`; true when it answers the pending request. */
  failed(ref: string | undefined, text: string): boolean {
    if (!this.#pending || ref !== this.#pending.type) return false;
    this.#pending = null;
    this.#state = { kind: 'error', text };
    return true;
  }

  #settle(created: Group | null, command: GroupCommand): GroupAnswer {
    this.#pending = null;
    this.#state = { kind: 'idle' };
    return { settled: true, created, command };
  }
}
