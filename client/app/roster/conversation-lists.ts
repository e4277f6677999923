/**
 * The lists the sidebar and the tab title read (`messenger.lists`): who is online, the people, contacts
 * and groups entries, and unread counts. It exists so components see only these reads, not the
 * `ConversationList` methods the features use to keep the counts (load, active, addUnread, markRead).
 */
import type { ConversationEntry, ConversationList } from './conversation-list.js';
import type { Directory } from './directory.js';

export class ConversationLists {
  readonly #directory: Directory;
  readonly #list: ConversationList;

  constructor(directory: Directory, list: ConversationList) {
    this.#directory = directory;
    this.#list = list;
  }

  get online(): readonly string[] {
    return this.#directory.online;
  }

  unread(conversation: string): number {
    return this.#list.unread(conversation);
  }

  unreadFor(peer: string): number {
    return this.unread(this.#directory.direct(peer));
  }

  /** Everyone online, as list entries. */
  get people(): readonly ConversationEntry[] {
    return this.#list.people;
  }

  /** People from history who are not online now. */
  get offlineContacts(): readonly ConversationEntry[] {
    return this.#list.offlineContacts;
  }

  /** The Lobby first, then the user's groups by name. */
  get groups(): readonly ConversationEntry[] {
    return this.#list.groups;
  }

  get totalUnread(): number {
    return this.#list.totalUnread;
  }
}
