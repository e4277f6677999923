/**
 * Who is in which conversation, as far as this client knows: presence and groups from the server,
 * direct conversations by construction. Every membership check of the app goes through here.
 */
import { msg } from '@lit/localize';
import {
  LOBBY_CONVERSATION,
  directConversationId,
  directPeerOf,
  groupConversationId,
  groupIdOf,
} from '../../../shared/peer-protocol.js';
import type { Group, GroupInvite } from '../../../shared/protocol.js';

export type ConversationKind = 'direct' | 'group' | 'lobby';

/**
 * Whether a group member's membership is proven: `verified` (the group's signed log admits them),
 * `unverified` (the server lists them, the log does not: they get nothing and are heard from not at
 * all), `unsigned` (the group has no signed log — made before logs, or its log was withheld — so
 * the server's list is all there is).
 */
export type MemberStatus = 'verified' | 'unverified' | 'unsigned';

export class Directory {
  readonly me: string;
  #online = new Set<string>();
  readonly #groups = new Map<string, Group>();
  /**
   * Groups this user is invited to, by id: not conversations — nobody in them is a member to this
   * user, so no check below ever counts them — until accepted, when the server sends the group.
   */
  readonly #invitations = new Map<string, GroupInvite>();
  /**
   * Each group's members as its signed log admits them (roster/group-replay.ts), with when each
   * joined by the log: where a group has one, only those the server lists too count as members.
   */
  readonly #admitted = new Map<string, ReadonlyMap<string, number>>();

  constructor(me: string) {
    this.me = me;
  }

  // ── presence ─────────────────────────────────────────────────────────────────────────────────

  setOnline(users: Iterable<string>): void {
    this.#online = new Set([...users].filter((user) => user !== this.me));
  }

  addOnline(user: string): void {
    if (user !== this.me) this.#online.add(user);
  }

  removeOnline(user: string): void {
    this.#online.delete(user);
  }

  isOnline(user: string): boolean {
    return this.#online.has(user);
  }

  get online(): readonly string[] {
    return [...this.#online].sort(byName);
  }

  // ── groups ───────────────────────────────────────────────────────────────────────────────────

  setGroups(groups: readonly Group[]): void {
    this.#groups.clear();
    for (const group of groups) this.#groups.set(group.id, group);
    for (const id of this.#admitted.keys()) if (!this.#groups.has(id)) this.#admitted.delete(id);
  }

  /** Stores a group as the server sent it; returns the previous version. */
  putGroup(group: Group): Group | undefined {
    const previous = this.#groups.get(group.id);
    this.#groups.set(group.id, group);
    return previous;
  }

  removeGroup(id: string): Group | undefined {
    const previous = this.#groups.get(id);
    this.#groups.delete(id);
    this.#admitted.delete(id);
    return previous;
  }

  /** The members group `id`'s signed log admits (user → joined at), or null for a group without one. */
  setAdmitted(id: string, members: ReadonlyMap<string, number> | null): void {
    if (members) this.#admitted.set(id, members);
    else this.#admitted.delete(id);
  }

  /** Whether `conversation` is a group whose membership comes from a signed log. */
  isSigned(conversation: string): boolean {
    const id = groupIdOf(conversation);
    return id !== null && this.#admitted.has(id);
  }

  /** Whether a member the server lists in group `conversation` is proven by its log (see `MemberStatus`). */
  memberStatus(conversation: string, user: string): MemberStatus {
    const id = groupIdOf(conversation);
    const admitted = id === null ? undefined : this.#admitted.get(id);
    if (!admitted) return 'unsigned';
    return admitted.has(user) ? 'verified' : 'unverified';
  }

  /** Everyone the server lists in group `conversation`, proven or not: for showing, never for sending. */
  listedMembers(conversation: string): string[] {
    return this.group(conversation)?.members.map((m) => m.user) ?? [];
  }

  get groups(): readonly Group[] {
    return [...this.#groups.values()].sort((a, b) => byName(a.name, b.name) || byName(a.id, b.id));
  }

  putInvitation(invitation: GroupInvite): void {
    if (!this.#groups.has(invitation.group)) this.#invitations.set(invitation.group, invitation);
  }

  removeInvitation(id: string): void {
    this.#invitations.delete(id);
  }

  clearInvitations(): void {
    this.#invitations.clear();
  }

  /** Invitations waiting for this user's answer, by group name. */
  get invitations(): readonly GroupInvite[] {
    return [...this.#invitations.values()].sort((a, b) => byName(a.name, b.name) || byName(a.group, b.group));
  }

  group(conversation: string): Group | undefined {
    const id = groupIdOf(conversation);
    return id === null ? undefined : this.#groups.get(id);
  }

  // ── conversations ────────────────────────────────────────────────────────────────────────────

  kindOf(conversation: string): ConversationKind | null {
    if (conversation === LOBBY_CONVERSATION) return 'lobby';
    if (groupIdOf(conversation) !== null) return this.group(conversation) ? 'group' : null;
    return directPeerOf(conversation, this.me) === null ? null : 'direct';
  }

  /** Everyone in a conversation, this user included; empty for one this user is not in. */
  membersOf(conversation: string): string[] {
    switch (this.kindOf(conversation)) {
      case 'lobby':
        return [this.me, ...this.#online];
      case 'group': {
        // With a signed log, only members it admits: a name the server slipped in gets nothing.
        const admitted = this.#admitted.get(groupIdOf(conversation) ?? '');
        const listed = this.listedMembers(conversation);
        return admitted ? listed.filter((user) => admitted.has(user)) : listed;
      }
      case 'direct':
        return [this.me, directPeerOf(conversation, this.me) ?? this.me];
      case null:
        return [];
    }
  }

  /** Whether `user` may write into `conversation` now. */
  isMember(conversation: string, user: string): boolean {
    return this.membersOf(conversation).includes(user);
  }

  /**
   * When `user` joined a group, or 0 for other conversations: by the signed log where the group has
   * one (the time the member signed their accept), else by the server's clock.
   */
  memberSince(conversation: string, user: string): number {
    const admitted = this.#admitted.get(groupIdOf(conversation) ?? '');
    if (admitted) return admitted.get(user) ?? 0;
    return this.group(conversation)?.members.find((m) => m.user === user)?.since ?? 0;
  }

  /** The groups `peer` and this user are both in: what they keep each other up to date on. */
  sharedGroups(peer: string): string[] {
    return [...this.#groups.values()]
      .map((group) => groupConversationId(group.id))
      .filter((conversation) => this.isMember(conversation, peer) && this.isMember(conversation, this.me));
  }

  /** Whether this user shares any group with `peer`. */
  sharesGroupWith(peer: string): boolean {
    return this.sharedGroups(peer).length > 0;
  }

  title(conversation: string): string {
    switch (this.kindOf(conversation)) {
      case 'lobby':
        return msg('Lobby');
      case 'group':
        return this.group(conversation)?.name ?? msg('Group');
      case 'direct':
        return directPeerOf(conversation, this.me) ?? conversation;
      case null:
        return conversation;
    }
  }

  direct(peer: string): string {
    return directConversationId(this.me, peer);
  }
}

export function byName(a: string, b: string): number {
  return a.localeCompare(b);
}
