/**
 * The composition root of everything a signed-in user does with other people: the one object
 * components and the session read. Its features — presence, the open conversation, delivery, the
 * inbox, group catch-up, files, typing, read receipts, notifications — are built and wired in
 * `wire-messenger.ts`; this file opens them (stored lists, unfinished transfers), forwards the open
 * conversation's commands, hands out the features' own facades — `server` (what the signaling server
 * says), `lists`, `files`, `identity`, `notifications`, `history`, `groupLog` — and closes it all.
 * It routes nothing and holds no feature's state. The signaling server only feeds it presence,
 * groups and set-up signals: a conversation whose data channels are open keeps working while it is away.
 */
import { directPeerOf } from '../../shared/peer-protocol.js';
import { DeviceKey } from './identity/device-key.js';
import type { IdentityCommands } from './identity/identity-commands.js';
import type { NotificationSettings } from './attention/notification-settings.js';
import type { FileCommands } from './files/file-commands.js';
import type { MessageHistory } from './history/message-history.js';
import { openConversationView } from './open-conversation-view.js';
import type { OpenConversationView } from './open-conversation-view.js';
import type { ConversationLists } from './roster/conversation-lists.js';
import type { Directory } from './roster/directory.js';
import type { GroupLedger } from './roster/group-ledger.js';
import type { ServerEvents } from './server-events.js';
import { wireMessenger } from './wire-messenger.js';
import type { MessengerFeatures, MessengerOptions } from './wire-messenger.js';

export type { ConversationEntry } from './roster/conversation-list.js';
export type { IdentityView } from './identity/identity-book.js';
export type { MessageSearchResult } from './history/message-history.js';
export type { GroupMembershipView, OpenConversationView } from './open-conversation-view.js';
export type { MessengerOptions } from './wire-messenger.js';

export class Messenger {
  readonly me: string;
  readonly directory: Directory;
  /** **Search messages**, **Export history**, **Import history**. */
  readonly history: MessageHistory;
  /** The person's commands about identities: safety numbers, verification, new keys. */
  readonly identity: IdentityCommands;
  /** The person's commands on files in the log. */
  readonly files: FileCommands;
  /** Whether notifications are allowed, asking for them, muting a conversation. */
  readonly notifications: NotificationSettings;
  /** Each group's signed membership log: what the server sends of it, and this user's changes. */
  readonly groupLog: GroupLedger;
  /** What the signaling server tells this user: presence, groups, invitations, signals. */
  readonly server: ServerEvents;
  /** The people, contacts and groups lists, with their unread counts. */
  readonly lists: ConversationLists;
  readonly #options: MessengerOptions;
  readonly #features: MessengerFeatures;
  #closed = false;

  private constructor(options: MessengerOptions, key: DeviceKey) {
    this.me = options.me;
    this.#options = options;
    const f = (this.#features = wireMessenger(options, key, {
      changed: () => this.#changed(),
      select: (conversation) => this.selectConversation(conversation),
      loadConversations: () => this.#loadConversations(),
    }));
    this.directory = f.directory;
    this.history = f.history;
    this.identity = f.identity;
    this.files = f.fileCommands;
    this.notifications = f.notifications;
    this.groupLog = f.groupLog;
    this.server = f.server;
    this.lists = f.lists;
  }

  /** Opens the messenger of `me` on its store, with unread counts and contacts loaded. */
  static async open(options: MessengerOptions): Promise<Messenger> {
    const key = await DeviceKey.load(options.store.identity);
    const messenger = new Messenger(options, key);
    await messenger.#loadConversations();
    await messenger.#features.transfers.resumeAll();
    return messenger;
  }

  // ── commands from the UI: the open conversation ──────────────────────────────────────────────

  /**
   * Opens a conversation: a direct one by peer name (`dm:` id) or a group or the Lobby by id; with
   * `at`, at that message (a search result).
   */
  selectConversation(conversation: string, options: { at?: string } = {}): Promise<void> {
    const peer = directPeerOf(conversation, this.me);
    if (peer !== null) this.#features.policy.contacted(peer);
    return this.#features.active.select(conversation, options);
  }

  /** Opens the direct conversation with `peer`. */
  selectPerson(peer: string): Promise<void> {
    return this.selectConversation(this.directory.direct(peer));
  }

  closeConversation(): void {
    this.#features.active.close();
  }

  /** Whether the page is in view: messages arriving in the open conversation are read only if it is. */
  setVisible(visible: boolean): Promise<void> {
    return this.#features.active.setVisible(visible);
  }

  /**
   * Sends `text` to the open conversation; with `replyTo`, as a reply to that message. Throws
   * `ProtocolError` for text the protocol refuses.
   */
  send(text: string, options: { replyTo?: string } = {}): Promise<void> {
    return this.#features.active.sending.send(text, options);
  }

  /** **Edit**: replaces the text of this user's message `target` of the open conversation. */
  edit(target: string, text: string): Promise<void> {
    return this.#features.active.sending.edit(target, text);
  }

  /** **Delete for everyone**: this user's message `target` of the open conversation. */
  deleteForEveryone(target: string): Promise<void> {
    return this.#features.active.sending.deleteForEveryone(target);
  }

  /** Sends each file to the open conversation, one message per file, in the order given. */
  sendFiles(files: readonly File[]): Promise<void> {
    return this.#features.active.sending.sendFiles(files);
  }

  /** Sends a recorded voice clip to the open conversation (see `ConversationSending.sendVoice`). */
  sendVoice(blob: Blob, durationMs: number, peaks: readonly number[]): Promise<void> {
    return this.#features.active.sending.sendVoice(blob, durationMs, peaks);
  }

  /** Toggles this user's `emoji` on message `target` of the open conversation. */
  react(target: string, emoji: string): Promise<void> {
    return this.#features.active.sending.react(target, emoji);
  }

  /** The person scrolled to the `older` or `newer` end of the open conversation's log: its next page. */
  loadPage(direction: 'older' | 'newer'): Promise<void> {
    return this.#features.active.loadPage(direction);
  }

  /** Shows message `id` of the open conversation, reading the page around it if it is not held. */
  showMessage(id: string): Promise<void> {
    return this.#features.active.show(id);
  }

  /** The person typed in the open conversation's **Message** box: its members may hear of it. */
  typed(): void {
    this.#features.active.typed();
  }

  get openConversation(): OpenConversationView | null {
    const view = this.#features.active.view;
    if (!view) return null;
    return openConversationView(view, {
      directory: this.directory,
      identities: this.#features.identities,
      groupLog: this.groupLog,
    });
  }

  close(): void {
    const f = this.#features;
    this.#closed = true;
    f.inbound.close();
    f.active.stop();
    f.typing.close();
    f.notifier.close();
    f.delivery.close();
    f.sync.close();
    f.groupLog.close();
    f.transfers.close();
    f.mesh.closeAll();
    this.#options.store.close();
  }

  /** The conversation lists (unread, muted) as stored: on open, and after an import. */
  async #loadConversations(): Promise<void> {
    const { store } = this.#options;
    const { list, notifier, policy, identities } = this.#features;
    const summaries = await store.listConversations();
    list.load(summaries);
    notifier.loadMuted(summaries.filter((summary) => summary.muted).map((summary) => summary.id));
    await policy.learn(
      summaries.map((summary) => summary.id),
      { nextSeq: (id) => store.nextSeq(id), pinned: (peer) => identities.pinned(peer) },
    );
  }

  #changed(): void {
    if (!this.#closed) this.#options.onChange();
  }
}
