/**
 * The lists beside the conversation: people online, contacts from history who are offline, the
 * Lobby and the groups — each with its unread count — and the unread total for the tab title.
 */
import { msg } from '@lit/localize';
import { LOBBY_CONVERSATION, directPeerOf } from '../../../shared/peer-protocol.js';
import { byName } from './directory.js';
import type { Directory } from './directory.js';

/** One entry of a people or groups list. */
export interface ConversationEntry {
  readonly conversation: string;
  readonly name: string;
  readonly online: boolean;
  readonly unread: number;
  /** A group this user is invited to (not in yet): who invited. */
  readonly invitedBy?: string;
}

export class ConversationList {
  readonly #directory: Directory;
  /** conversation id → unread count, for every stored conversation. */
  readonly #unread = new Map<string, number>();
  /** Direct-conversation peers known from history (shown as contacts when offline). */
  readonly #contacts = new Set<string>();

  constructor(directory: Directory) {
    this.#directory = directory;
  }

  /** The stored conversations, at open. */
  load(summaries: ReadonlyArray<{ id: string; unread: number }>): void {
    for (const summary of summaries) {
      this.#unread.set(summary.id, summary.unread);
      this.#addContact(summary.id);
    }
  }

  /** `conversation` has a message now: it is listed (its peer a contact), unread count unchanged. */
  active(conversation: string): void {
    this.#unread.set(conversation, this.#unread.get(conversation) ?? 0);
    this.#addContact(conversation);
  }

  addUnread(conversation: string, count: number): void {
    this.#unread.set(conversation, (this.#unread.get(conversation) ?? 0) + count);
  }

  /** Clears the unread count; false when there was none. */
  markRead(conversation: string): boolean {
    if ((this.#unread.get(conversation) ?? 0) === 0) return false;
    this.#unread.set(conversation, 0);
    return true;
  }

  unread(conversation: string): number {
    return this.#unread.get(conversation) ?? 0;
  }

  get totalUnread(): number {
    let total = 0;
    for (const count of this.#unread.values()) total += count;
    return total;
  }

  /** Everyone online, as list entries. */
  get people(): readonly ConversationEntry[] {
    return this.#directory.online.map((name) => this.#personEntry(name, true));
  }

  /** People from history who are not online now. */
  get offlineContacts(): readonly ConversationEntry[] {
    return [...this.#contacts]
      .filter((peer) => !this.#directory.isOnline(peer))
      .sort(byName)
      .map((name) => this.#personEntry(name, false));
  }

  /** The Lobby first, then the user's groups by name. */
  get groups(): readonly ConversationEntry[] {
    const lobby = {
      conversation: LOBBY_CONVERSATION,
      name: msg('Lobby'),
      online: true,
      unread: this.unread(LOBBY_CONVERSATION),
    };
    return [
      lobby,
      ...this.#directory.groups.map((group) => {
        const conversation = `group:${group.id}`;
        return { conversation, name: group.name, online: true, unread: this.unread(conversation) };
      }),
      // Invitations last, marked: nothing of them opens until accepted.
      ...this.#directory.invitations.map((invitation) => ({
        conversation: `group:${invitation.group}`,
        name: invitation.name,
        online: true,
        unread: 0,
        invitedBy: invitation.inviter,
      })),
    ];
  }

  #personEntry(name: string, online: boolean): ConversationEntry {
    const conversation = this.#directory.direct(name);
    return { conversation, name, online, unread: this.unread(conversation) };
  }

  #addContact(conversation: string): void {
    const peer = directPeerOf(conversation, this.#directory.me);
    if (peer) this.#contacts.add(peer);
  }
}
