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

export class Directory {
  readonly me: string;
  #online = new Set<string>();
  readonly #groups = new Map<string, Group>();
  /**
   * Groups this user is invited to, by id: not conversations — nobody in them is a member to this
   * user, so no check below ever counts them — until accepted, when the server sends the group.
   */
  readonly #invitations = new Map<string, GroupInvite>();

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
    return previous;
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
      case 'group':
        return this.group(conversation)?.members.map((m) => m.user) ?? [];
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

  /** When `user` joined a group (server clock), or 0 for other conversations. */
  memberSince(conversation: string, user: string): number {
    return this.group(conversation)?.members.find((m) => m.user === user)?.since ?? 0;
  }

  /** The groups `peer` and this user are both in: what they keep each other up to date on. */
  sharedGroups(peer: string): string[] {
    return [...this.#groups.values()]
      .filter(
        (group) =>
          group.members.some((m) => m.user === peer) && group.members.some((m) => m.user === this.me),
      )
      .map((group) => groupConversationId(group.id));
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
