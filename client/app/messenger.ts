/**
 * The composition root of everything a signed-in user does with other people. It builds the
 * features — presence, the open conversation, delivery, the inbox, group catch-up, files, typing,
 * read receipts, notifications — hands each the one peer port (`peer-links.ts`) and what else it
 * needs by name, wires the peer mesh to the inbound router (`peer-inbound.ts`), and closes it all.
 * It routes nothing and holds no feature's state. Components and the session read one object: the
 * open conversation's commands forwarded here, and the features' own facades — `server` (what the
 * signaling server says), `lists`, `files`, `identity`, `notifications`, `history`, `groupLog`. The
 * signaling server only feeds it presence, groups and set-up signals: a conversation whose data
 * channels are open keeps working while it is away.
 */
import { directPeerOf } from '../../shared/peer-protocol.js';
import type { SignalPayload } from '../../shared/peer-protocol.js';
import { groupConversationId } from '../../shared/peer-protocol.js';
import type { ClientFrame } from '../../shared/protocol.js';
import { PeerMesh } from '../net/peer-mesh.js';
import type { PeerLinkFactory } from '../net/peer-mesh.js';
import type { AccountStore } from '../storage/account-store.js';
import { FileStore } from '../storage/file-store.js';
import { NotificationSettings } from './attention/notification-settings.js';
import { Notifier } from './attention/notifier.js';
import { ReadReceipts } from './attention/read-receipts.js';
import { TypingIndicator } from './attention/typing-indicator.js';
import { ActiveConversation } from './conversations/active-conversation.js';
import { GroupSync } from './conversations/group-sync.js';
import { Inbox } from './conversations/inbox.js';
import { OutboxDelivery } from './conversations/outbox-delivery.js';
import { FetchPolicy } from './files/fetch-policy.js';
import { UnaskedLedger } from '../storage/unasked-ledger.js';
import { FileCommands } from './files/file-commands.js';
import { FileTransfers } from './files/file-transfers.js';
import { MessageHistory } from './history/message-history.js';
import { DeviceKey } from './identity/device-key.js';
import { IdentityBook } from './identity/identity-book.js';
import { IdentityCommands } from './identity/identity-commands.js';
import { openConversationView } from './open-conversation-view.js';
import type { OpenConversationView } from './open-conversation-view.js';
import { PeerInbound } from './peer-inbound.js';
import { peerLinks } from './peer-links.js';
import { ConnectPolicy } from './roster/connect-policy.js';
import { ConversationList } from './roster/conversation-list.js';
import { ConversationLists } from './roster/conversation-lists.js';
import { Directory } from './roster/directory.js';
import { GroupEntryVerifier } from './identity/group-signing.js';
import { GroupLedger } from './roster/group-ledger.js';
import { Presence } from './roster/presence.js';
import { ServerEvents } from './server-events.js';
import { consoleWarn } from './warn.js';
import type { Warn } from './warn.js';

export type { ConversationEntry } from './roster/conversation-list.js';
export type { IdentityView } from './identity/identity-book.js';
export type { MessageSearchResult } from './history/message-history.js';
export type { GroupMembershipView, OpenConversationView } from './open-conversation-view.js';

export interface MessengerOptions {
  me: string;
  store: AccountStore;
  /** Relays a set-up signal through the signaling server; false when it is unreachable. */
  sendSignal(to: string, payload: SignalPayload): boolean;
  /** Sends a frame to the signaling server (signed group changes); false when it is unreachable. */
  sendServer?(frame: ClientFrame): boolean;
  onChange(): void;
  createLink?: PeerLinkFactory;
  /** Test only: `relay` sends every connection through TURN (see `PeerMeshOptions`). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Own files up to this size are kept in storage, to survive a reload; tests lower it. */
  keepOutgoingFileBytes?: number;
  /** Incoming files up to this size come without asking from people this user talked to (`AUTO_FETCH_BYTES`). */
  autoFetchBytes?: number;
  /** Where warnings about bad peer input go. */
  warn?: Warn;
}

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
  readonly #store: AccountStore;
  readonly #onChange: () => void;
  readonly #mesh: PeerMesh;
  readonly #list: ConversationList;
  readonly #presence: Presence;
  readonly #active: ActiveConversation;
  readonly #delivery: OutboxDelivery;
  readonly #sync: GroupSync;
  readonly #files: FileTransfers;
  readonly #notifier: Notifier;
  readonly #typing: TypingIndicator;
  readonly #inbound: PeerInbound;
  readonly #identities: IdentityBook;
  /** Who may make this browser answer a connection (strangers: relayed, rate-limited). */
  readonly #policy: ConnectPolicy;
  #closed = false;

  private constructor(options: MessengerOptions, key: DeviceKey) {
    const { me, store } = options;
    const warn = options.warn ?? consoleWarn;
    const changed = (): void => this.#changed();
    this.me = me;
    this.#store = store;
    this.#onChange = options.onChange;
    const directory = (this.directory = new Directory(me));
    this.#list = new ConversationList(directory);
    this.lists = new ConversationLists(directory, this.#list);
    this.#identities = new IdentityBook({
      me,
      own: key.identity,
      store: store.identity,
      changed: () => {
        // A key pinned or changed: group changes are checked against it from now on.
        void this.groupLog.refresh();
        changed();
      },
    });
    this.#policy = new ConnectPolicy({
      me,
      sharesGroupWith: (peer) => directory.sharesGroupWith(peer),
      verified: (peer) => this.#identities.view(peer).verified,
      relayConfigured: () => this.#presence.relayConfigured,
      warn,
    });
    // The mesh's handlers run only once something connects, after every feature below exists.
    this.#mesh = new PeerMesh(
      {
        me,
        gate: this.#identities.gate(key, warn),
        iceServers: () => this.#presence.iceServers,
        answerPolicy: this.#policy,
        ...(options.createLink ? { createLink: options.createLink } : {}),
        ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
      },
      {
        sendSignal: (to, payload) => void options.sendSignal(to, payload),
        onOpen: (peer) => this.#inbound.opened(peer),
        onClose: (peer) => {
          this.#inbound.closed(peer);
          changed();
        },
        onFrame: (peer, frame) => this.#inbound.frame(peer, frame),
        onChunk: (peer, data) => this.#inbound.chunk(peer, data),
        onBadInput: (peer, error) => warn(`bad input from ${peer}: ${error.message}`),
        onStateChange: (peer) => {
          if (this.#active.isOpen(directory.direct(peer))) changed();
        },
      },
    );
    const links = peerLinks(this.#mesh, warn);
    this.identity = new IdentityCommands({ key, book: this.#identities, directory, links });
    this.#delivery = new OutboxDelivery({
      links,
      directory,
      store,
      key,
      updated: (message) => this.#active.upsert(message),
    });
    this.#files = new FileTransfers({
      links,
      directory,
      files: store.files,
      changed: (id) => {
        if (this.#active.fileChanged(id)) changed();
      },
      freeBytes: () => FileStore.freeBytes(),
      fetchPolicy: new FetchPolicy({
        ledger: new UnaskedLedger(me),
        ...(options.autoFetchBytes === undefined ? {} : { autoFetchBytes: options.autoFetchBytes }),
        // In a group this user is in (accepted), or after this user wrote to the author directly.
        talkedTo: async (author, conversation) =>
          directory.kindOf(conversation) === 'group' || (await store.nextSeq(directory.direct(author))) > 1,
      }),
      ...(options.keepOutgoingFileBytes === undefined
        ? {}
        : { keepOutgoingBytes: options.keepOutgoingFileBytes }),
    });
    this.files = new FileCommands(this.#files, store);
    const inbox = new Inbox({
      links,
      directory,
      store,
      verifier: this.#identities.verifier,
      list: this.#list,
      fileArrived: (message) => this.#files.incoming(message),
      notify: (conversation, messages) => this.#notifier.notify(conversation, messages),
      typingStopped: (conversation, author) => this.#typing.stopped(conversation, author),
      open: () => this.#active.current,
      visible: () => this.#active.visible,
      seen: () => this.#active.reportSeen(),
      changed,
    });
    this.#sync = new GroupSync({ links, directory, store, inbox });
    this.#notifier = new Notifier({
      kindOf: (conversation) => directory.kindOf(conversation),
      title: (conversation) => directory.title(conversation),
      open: (conversation) => this.selectConversation(conversation),
      changed,
      warn,
    });
    this.notifications = new NotificationSettings(this.#notifier, store);
    this.#typing = new TypingIndicator({
      links,
      directory,
      changed: (conversation) => {
        if (this.#active.isOpen(conversation)) changed();
      },
    });
    const receipts = new ReadReceipts({
      links,
      directory,
      store,
      updated: (message) => {
        this.#active.upsert(message);
        changed();
      },
    });
    this.#active = new ActiveConversation({
      links,
      relayConfigured: () => this.#presence.relayConfigured,
      directory,
      store,
      list: this.#list,
      delivery: this.#delivery,
      files: this.#files,
      typing: this.#typing,
      receipts,
      notifier: this.#notifier,
      changed,
    });
    this.history = new MessageHistory({
      store,
      directory,
      reload: async () => {
        await this.#loadConversations();
        changed();
      },
    });
    this.#presence = new Presence({
      links,
      directory,
      disconnect: (peer) => this.#mesh.peerOffline(peer),
      neededNow: (peer) => this.#active.isOpen(directory.direct(peer)) || this.#files.waitsFor(peer),
      hasPending: (peer) => this.#delivery.hasPending(peer),
      deliverTo: (peer) => void this.#delivery.flush(peer).then(changed),
      catchUp: (peer, conversation) => void this.#sync.announce(peer, [conversation]),
      connectionClosed: (peer) => this.#inbound.closed(peer),
      groupChanged: (conversation, left) => this.#active.groupChanged(conversation, left),
      advertised: (peer, identity) => {
        this.#identities.advertised(peer, identity);
        void this.groupLog.refresh();
      },
      changed,
    });
    this.groupLog = new GroupLedger({
      directory,
      key,
      verifier: new GroupEntryVerifier((user) => this.#identities.groupKey(user)),
      send: (frame) => options.sendServer?.(frame) ?? false,
      admittedChanged: (id, added) => {
        const conversation = groupConversationId(id);
        // Newly admitted members catch up (and are caught up) like members the server added.
        for (const user of added) {
          if (user === me || !directory.isOnline(user)) continue;
          if (links.isOpen(user)) void this.#sync.announce(user, [conversation]);
          else links.connect(user);
        }
        this.#active.groupChanged(conversation, false);
        changed();
      },
      forked: (id) => {
        warn(`group ${id}: its membership log forked; members were shown different histories`);
        changed();
      },
      warn,
    });
    this.#inbound = new PeerInbound({
      inbox,
      delivery: this.#delivery,
      sync: this.#sync,
      typing: this.#typing,
      receipts,
      files: this.#files,
      reportSeen: () => this.#active.reportSeen(),
      changed,
      warn,
    });
    this.server = new ServerEvents({
      presence: this.#presence,
      active: this.#active,
      groupLog: this.groupLog,
      mesh: this.#mesh,
    });
  }

  /** Opens the messenger of `me` on its store, with unread counts and contacts loaded. */
  static async open(options: MessengerOptions): Promise<Messenger> {
    const key = await DeviceKey.load(options.store.identity);
    const messenger = new Messenger(options, key);
    await messenger.#loadConversations();
    await messenger.#files.resumeAll();
    return messenger;
  }

  // ── commands from the UI: the open conversation ──────────────────────────────────────────────

  /**
   * Opens a conversation: a direct one by peer name (`dm:` id) or a group or the Lobby by id; with
   * `at`, at that message (a search result).
   */
  selectConversation(conversation: string, options: { at?: string } = {}): Promise<void> {
    const peer = directPeerOf(conversation, this.me);
    if (peer !== null) this.#policy.contacted(peer);
    return this.#active.select(conversation, options);
  }

  /** Opens the direct conversation with `peer`. */
  selectPerson(peer: string): Promise<void> {
    return this.selectConversation(this.directory.direct(peer));
  }

  closeConversation(): void {
    this.#active.close();
  }

  /** Whether the page is in view: messages arriving in the open conversation are read only if it is. */
  setVisible(visible: boolean): Promise<void> {
    return this.#active.setVisible(visible);
  }

  /**
   * Sends `text` to the open conversation; with `replyTo`, as a reply to that message. Throws
   * `ProtocolError` for text the protocol refuses.
   */
  send(text: string, options: { replyTo?: string } = {}): Promise<void> {
    return this.#active.send(text, options);
  }

  /** **Edit**: replaces the text of this user's message `target` of the open conversation. */
  edit(target: string, text: string): Promise<void> {
    return this.#active.edit(target, text);
  }

  /** **Delete for everyone**: this user's message `target` of the open conversation. */
  deleteForEveryone(target: string): Promise<void> {
    return this.#active.deleteForEveryone(target);
  }

  /** Sends each file to the open conversation, one message per file, in the order given. */
  sendFiles(files: readonly File[]): Promise<void> {
    return this.#active.sendFiles(files);
  }

  /** Sends a recorded voice clip to the open conversation (see `ActiveConversation.sendVoice`). */
  sendVoice(blob: Blob, durationMs: number, peaks: readonly number[]): Promise<void> {
    return this.#active.sendVoice(blob, durationMs, peaks);
  }

  /** Toggles this user's `emoji` on message `target` of the open conversation. */
  react(target: string, emoji: string): Promise<void> {
    return this.#active.react(target, emoji);
  }

  /** The person scrolled to the `older` or `newer` end of the open conversation's log: its next page. */
  loadPage(direction: 'older' | 'newer'): Promise<void> {
    return this.#active.loadPage(direction);
  }

  /** Shows message `id` of the open conversation, reading the page around it if it is not held. */
  showMessage(id: string): Promise<void> {
    return this.#active.show(id);
  }

  /** The person typed in the open conversation's **Message** box: its members may hear of it. */
  typed(): void {
    this.#active.typed();
  }

  get openConversation(): OpenConversationView | null {
    const view = this.#active.view;
    if (!view) return null;
    return openConversationView(view, {
      directory: this.directory,
      identities: this.#identities,
      groupLog: this.groupLog,
    });
  }

  close(): void {
    this.#closed = true;
    this.#inbound.close();
    this.#active.stop();
    this.#typing.close();
    this.#notifier.close();
    this.#delivery.close();
    this.#sync.close();
    this.#files.close();
    this.#mesh.closeAll();
    this.#store.close();
  }

  /** The conversation lists (unread, muted) as stored: on open, and after an import. */
  async #loadConversations(): Promise<void> {
    const summaries = await this.#store.listConversations();
    this.#list.load(summaries);
    this.#notifier.loadMuted(summaries.filter((summary) => summary.muted).map((summary) => summary.id));
    await this.#policy.learn(
      summaries.map((summary) => summary.id),
      { nextSeq: (id) => this.#store.nextSeq(id), pinned: (peer) => this.#identities.pinned(peer) },
    );
  }

  #changed(): void {
    if (!this.#closed) this.#onChange();
  }
}
