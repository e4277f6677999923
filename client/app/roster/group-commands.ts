/**
 * The group commands a person gives — create a group, add members, leave, answer an invitation —
 * sent over the session's socket, each followed by `GroupRequests` until the server's answer about
 * it arrives. Reached as `AppStore.groups`; the session hands the server's group frames to
 * `requests`.
 */
import type { ClientFrame } from '../../../shared/protocol.js';
import type { GroupLedger } from './group-ledger.js';
import { GroupRequests } from './group-requests.js';
import type { GroupCommand, GroupRequest } from './group-requests.js';

/** What the commands need of the session. */
export interface GroupCommandPort {
  /** Sends on the signaling socket; false when it is not open. */
  send(frame: ClientFrame): boolean;
  /** Something the person sees changed. */
  changed(): void;
  /** The words for "the server cannot be reached", in the language of the moment. */
  unreachableText(): string;
  /**
   * The group's signed log (roster/group-ledger.ts), when signed in: invitations are signed
   * alongside `group-add`, and a leave is signed before `group-leave` (after it, the server would
   * no longer take this user's entry).
   */
  log(): Pick<GroupLedger, 'invite' | 'leave'> | null;
}

export class GroupCommands {
  readonly requests = new GroupRequests();
  readonly #port: GroupCommandPort;

  constructor(port: GroupCommandPort) {
    this.#port = port;
  }

  /** The last group command: waiting for the server, failed (with words why), or settled. */
  get request(): GroupRequest {
    return this.requests.state;
  }

  /** Creates a group with `members` (this user is always in it). The server answers with the group. */
  create(name: string, members: readonly string[]): boolean {
    return this.#send({ type: 'group-create', name: name.trim(), members: [...members] });
  }

  addMembers(groupId: string, members: readonly string[]): boolean {
    this.#port.log()?.invite(groupId, members);
    return this.#send({ type: 'group-add', group: groupId, members: [...members] });
  }

  leave(groupId: string): boolean {
    const log = this.#port.log();
    if (!log) return this.#send({ type: 'group-leave', group: groupId });
    log.leave(groupId, () => void this.#send({ type: 'group-leave', group: groupId }));
    return true;
  }

  /** Answers an invitation: accepting joins the group (and opens it), declining drops it. */
  answerInvitation(groupId: string, accept: boolean): boolean {
    return this.#send({ type: accept ? 'group-accept' : 'group-decline', group: groupId });
  }

  #send(frame: GroupCommand): boolean {
    const sent = this.#port.send(frame);
    this.requests.sent(frame, sent, this.#port.unreachableText());
    this.#port.changed();
    return sent;
  }
}
