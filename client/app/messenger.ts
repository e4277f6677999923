/**
 * Everything a signed-in user does with other people: presence, direct conversations, groups and
 * the Lobby, the outbox and acknowledgements, group catch-up, unread counts. It owns the account's
 * store and the peer mesh; the signaling server only feeds it presence, groups and set-up signals,
 * so a conversation whose data channels are open keeps working while the server is away.
 */
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import { VoiceInfo, safeFileName } from '../../shared/file-protocol.js';
import { LOBBY_CONVERSATION, MessageText, ReactionEmoji, directPeerOf } from '../../shared/peer-protocol.js';
import type { PeerFrame, SignalPayload } from '../../shared/peer-protocol.js';
import { randomHex } from '../net/random-id.js';
import { FileStore } from '../storage/file-store.js';
import { FileTransfers, isFileFrame } from './files/file-transfers.js';
import type { FileFrame } from './files/file-transfers.js';
import { Inbox } from './conversations/inbox.js';
import type { Group, IceServer } from '../../shared/protocol.js';
import { PeerMesh } from '../net/peer-mesh.js';
import type { PeerLinkFactory, PeerState } from '../net/peer-mesh.js';
import type { AccountStore } from '../storage/account-store.js';
import { Directory, byName } from './roster/directory.js';
import type { ConversationKind } from './roster/directory.js';
import { GroupSync } from './conversations/group-sync.js';
import { OutboxDelivery } from './conversations/outbox-delivery.js';
import type { MessageView } from './conversations/message-view.js';
import { OpenConversation, VIEW_LIMIT } from './conversations/open-conversation.js';
import { ConversationList } from './roster/conversation-list.js';
import { Notifier } from './attention/notifier.js';
import type { NotificationPermissionState } from './attention/notifier.js';
import { ReadReceipts } from './attention/read-receipts.js';
import { TypingIndicator } from './attention/typing-indicator.js';
import { voiceFileName } from './voice/voice-recording.js';
import type { ConversationEntry } from './roster/conversation-list.js';

export type { ConversationEntry } from './roster/conversation-list.js';

export interface OpenConversationView {
  readonly conversation: string;
  readonly kind: ConversationKind;
  readonly title: string;
  /** Direct conversations: the other person. */
  readonly peer: string | null;
  /** Everyone in it, this user included (the Lobby: everyone online). */
  readonly members: readonly string[];
  /** Direct conversations: whether the other person is online, and the data channel's state. */
  readonly peerOnline: boolean;
  readonly link: PeerState;
  readonly messages: readonly MessageView[];
  /** Its notifications are silenced; absent: not muted. */
  readonly muted?: boolean;
  /** Who is typing in it now, by name; absent: no one. */
  readonly typing?: readonly string[];
}

export interface MessengerOptions {
  me: string;
  store: AccountStore;
  /** Relays a set-up signal through the signaling server; false when it is unreachable. */
  sendSignal(to: string, payload: SignalPayload): boolean;
  onChange(): void;
  createLink?: PeerLinkFactory;
  /** Own files up to this size are kept in storage, to survive a reload; tests lower it. */
  keepOutgoingFileBytes?: number;
  /** Where warnings about bad peer input go. */
  warn?: (message: string, error?: unknown) => void;
}

/** Frames handled in each peer's order; file frames go straight to the transfers instead. */
type QueuedFrame = Exclude<PeerFrame, { type: 'hello' } | FileFrame>;

export class Messenger {
  readonly me: string;
  readonly directory: Directory;
  readonly #store: AccountStore;
  readonly #options: MessengerOptions;
  readonly #mesh: PeerMesh;
  readonly #sync: GroupSync;
  readonly #warn: (message: string, error?: unknown) => void;
  #iceServers: IceServer[] = [];
  readonly #list: ConversationList;
  #open: OpenConversation | null = null;
  #visible = true;
  readonly #delivery: OutboxDelivery;
  readonly #files: FileTransfers;
  readonly #notifier: Notifier;
  readonly #typing: TypingIndicator;
  readonly #receipts: ReadReceipts;
  readonly #inbox: Inbox;
  /** Settles once this user's previous reaction is shown, so the next toggle sees it. */
  #reacting: Promise<void> = Promise.resolve();
  /** Per-peer chain: one peer's frames are handled in the order they came. */
  readonly #inbound = new Map<string, Promise<void>>();
  #closed = false;

  private constructor(options: MessengerOptions) {
    this.me = options.me;
    this.directory = new Directory(options.me);
    this.#list = new ConversationList(this.directory);
    this.#store = options.store;
    this.#options = options;
    this.#warn = options.warn ?? ((message, error) => console.warn(`[parley] ${message}`, error ?? ''));
    this.#mesh = new PeerMesh(
      {
        me: options.me,
        iceServers: () => this.#iceServers,
        ...(options.createLink ? { createLink: options.createLink } : {}),
      },
      {
        sendSignal: (to, payload) => void this.#options.sendSignal(to, payload),
        onOpen: (peer) => this.#onOpen(peer),
        onClose: (peer) => {
          this.#sync.peerGone(peer);
          this.#files.peerClosed(peer);
          this.#changed();
        },
        onFrame: (peer, frame) => {
          // File frames pace a transfer: they must not wait behind message writes.
          if (isFileFrame(frame)) {
            this.#files
              .frame(peer, frame)
              .catch((error: unknown) => this.#warn(`handling ${frame.type} from ${peer} failed`, error));
          } else {
            // A message shows the moment it arrives; storing it (and the ack) then takes its turn in
            // the peer's queue, which a file's chunk writes can slow to a crawl.
            if (frame.type === 'message') this.#inbox.showArriving(peer, frame.message);
            this.#enqueue(peer, frame);
          }
        },
        onChunk: (peer, data) => this.#files.chunk(peer, data),
        onBadInput: (peer, error) => this.#warn(`bad input from ${peer}: ${error.message}`),
        onStateChange: (peer) => {
          if (this.#open && this.#open.conversation === this.directory.direct(peer)) this.#changed();
        },
      },
    );
    this.#delivery = new OutboxDelivery({
      directory: this.directory,
      store: this.#store,
      send: (peer, frame) => this.#mesh.send(peer, frame),
      want: (peer) => this.#mesh.want(peer),
      isOpen: (peer) => this.#mesh.state(peer) === 'open',
      updated: (message) => this.#open?.upsert(message),
      warn: (message, error) => this.#warn(message, error),
    });
    this.#files = new FileTransfers({
      directory: this.directory,
      files: this.#store.files,
      send: (peer, frame) => this.#mesh.send(peer, frame),
      addBulk: (peer, source) => this.#mesh.addBulk(peer, source),
      removeBulk: (peer, source) => this.#mesh.removeBulk(peer, source),
      wakeBulk: (peer) => this.#mesh.wakeBulk(peer),
      isOpen: (peer) => this.#mesh.state(peer) === 'open',
      want: (peer) => this.#mesh.want(peer),
      changed: (id) => {
        if (this.#open?.fileChanged(id)) this.#changed();
      },
      warn: (message, error) => this.#warn(message, error),
      freeBytes: () => FileStore.freeBytes(),
      ...(options.keepOutgoingFileBytes === undefined
        ? {}
        : { keepOutgoingBytes: options.keepOutgoingFileBytes }),
    });
    this.#sync = new GroupSync({
      directory: this.directory,
      store: this.#store,
      send: (peer, frame) => this.#mesh.send(peer, frame),
      accept: (conversation, messages) => this.#inbox.storeBatch(conversation, messages),
      warn: (message) => this.#warn(message),
    });
    this.#notifier = new Notifier({
      kindOf: (conversation) => this.directory.kindOf(conversation),
      title: (conversation) => this.directory.title(conversation),
      open: (conversation) => this.selectConversation(conversation),
      changed: () => this.#changed(),
      warn: (message, error) => this.#warn(message, error),
    });
    const link = {
      directory: this.directory,
      send: (peer: string, frame: PeerFrame) => this.#mesh.send(peer, frame),
      isOpen: (peer: string) => this.#mesh.state(peer) === 'open',
    };
    this.#typing = new TypingIndicator({
      ...link,
      changed: (conversation) => {
        if (this.#open?.conversation === conversation) this.#changed();
      },
    });
    this.#receipts = new ReadReceipts({
      ...link,
      store: this.#store,
      updated: (message) => {
        this.#open?.upsert(message);
        this.#changed();
      },
      warn: (message) => this.#warn(message),
    });
    this.#inbox = new Inbox({
      me: this.me,
      directory: this.directory,
      store: this.#store,
      list: this.#list,
      files: this.#files,
      notifier: this.#notifier,
      typing: this.#typing,
      open: () => this.#open,
      visible: () => this.#visible,
      ack: (peer, ids) => void this.#mesh.send(peer, { type: 'ack', ids }),
      seen: () => this.#reportSeen(),
      changed: () => this.#changed(),
      warn: (message) => this.#warn(message),
    });
  }

  /** Opens the messenger of `me` on its store, with unread counts and contacts loaded. */
  static async open(options: MessengerOptions): Promise<Messenger> {
    const messenger = new Messenger(options);
    const summaries = await options.store.listConversations();
    messenger.#list.load(summaries);
    messenger.#notifier.loadMuted(summaries.filter((summary) => summary.muted).map((summary) => summary.id));
    await messenger.#files.resumeAll();
    return messenger;
  }

  // ── from the signaling server ────────────────────────────────────────────────────────────────

  /** The server's welcome: who is online now, the user's groups, and the ICE servers to use. */
  networkUp(online: readonly string[], groups: readonly Group[], iceServers: readonly IceServer[]): void {
    this.#iceServers = [...iceServers];
    const next = new Set(online.filter((name) => name !== this.me));
    for (const peer of this.directory.online) {
      // A peer whose data channel is open is demonstrably there; the server may just have restarted.
      if (!next.has(peer) && this.#mesh.state(peer) !== 'open') this.#mesh.peerOffline(peer);
    }
    this.directory.setOnline(next);
    this.directory.setGroups(groups);
    for (const peer of next) this.#reach(peer);
    this.#changed();
  }

  peerOnline(peer: string): void {
    if (peer === this.me) return;
    this.directory.addOnline(peer);
    this.#reach(peer);
    this.#changed();
  }

  peerOffline(peer: string): void {
    this.directory.removeOnline(peer);
    this.#mesh.peerOffline(peer);
    this.#sync.peerGone(peer);
    this.#files.peerClosed(peer);
    this.#changed();
  }

  /** A group was created with this user in it, or changed. */
  groupUpdated(group: Group): void {
    const previous = this.directory.putGroup(group);
    const conversation = `group:${group.id}`;
    const before = new Set(previous?.members.map((m) => m.user) ?? []);
    for (const { user } of group.members) {
      if (user === this.me || !this.directory.isOnline(user)) continue;
      // New members (or a new group) catch up from whoever is connected.
      if (!before.has(user) || !previous) {
        if (this.#mesh.state(user) === 'open') void this.#sync.announce(user, [conversation]);
        else this.#mesh.want(user);
      }
    }
    if (this.#open?.conversation === conversation) this.#open.membershipChanged();
    this.#changed();
  }

  /** This user left a group: it leaves the lists; its history stays on this device. */
  groupRemoved(groupId: string): void {
    this.directory.removeGroup(groupId);
    if (this.#open?.conversation === `group:${groupId}`) this.#open = null;
    this.#changed();
  }

  handleSignal(from: string, data: unknown): void {
    this.#mesh.handleSignal(from, data);
  }

  // ── commands from the UI ─────────────────────────────────────────────────────────────────────

  /** Opens a conversation: a direct one by peer name (`dm:` id) or a group or the Lobby by id. */
  async selectConversation(conversation: string): Promise<void> {
    if (this.directory.kindOf(conversation) === null)
      throw new TypeError(`unknown conversation ${conversation}`);
    const open = new OpenConversation(
      conversation,
      this.me,
      (message) => this.#files.view(message),
      // The Lobby is whoever is online now: a reaction checked when it came stays counted.
      (author) => conversation === LOBBY_CONVERSATION || this.directory.isMember(conversation, author),
    );
    this.#open = open;
    // Connecting takes a few round trips: start it before reading history, not after.
    const peer = directPeerOf(conversation, this.me);
    if (peer && this.directory.isOnline(peer)) this.#mesh.want(peer);
    this.#changed();
    const messages = await this.#store.listConversation(conversation, { limit: VIEW_LIMIT });
    if (this.#open !== open) return;
    open.set(messages);
    this.#reportSeen();
    await this.#markReadIfSeen();
    this.#changed();
  }

  /** Opens the direct conversation with `peer`. */
  selectPerson(peer: string): Promise<void> {
    return this.selectConversation(this.directory.direct(peer));
  }

  closeConversation(): void {
    this.#open = null;
    this.#changed();
  }

  /** Whether the page is in view: messages arriving in the open conversation are read only if it is. */
  async setVisible(visible: boolean): Promise<void> {
    this.#visible = visible;
    this.#reportSeen();
    await this.#markReadIfSeen();
  }

  /** Sends `text` to the open conversation. Throws `ProtocolError` for text the protocol refuses. */
  async send(text: string): Promise<void> {
    const open = this.#open;
    if (!open) throw new TypeError('no conversation is open');
    const checked = MessageText.safeParse(text);
    if (!checked.success) {
      const tooLong = checked.error.issues.some((issue) => issue.message.includes('longer'));
      throw new ProtocolError(tooLong ? ErrorCode.TextTooLong : ErrorCode.BadFrame, checked.error.message);
    }
    const { conversation } = open;
    this.#list.active(conversation);
    this.#typing.sent(conversation);
    await this.#delivery.send(conversation, { text }, (message) => {
      open.upsert(message);
      this.#changed();
    });
  }

  /** Sends each file to the open conversation, one message per file, in the order given. */
  async sendFiles(files: readonly File[]): Promise<void> {
    const open = this.#open;
    if (!open) throw new TypeError('no conversation is open');
    for (const file of files) await this.#sendFile(open, file, null);
  }

  /**
   * Sends a recorded voice clip to the open conversation: a file whose offer also carries its
   * duration and waveform peaks. Throws `ProtocolError` for values the protocol refuses.
   */
  async sendVoice(blob: Blob, durationMs: number, peaks: readonly number[]): Promise<void> {
    const open = this.#open;
    if (!open) throw new TypeError('no conversation is open');
    const voice = VoiceInfo.safeParse({ durationMs, peaks: [...peaks] });
    if (!voice.success) throw new ProtocolError(ErrorCode.BadFrame, voice.error.message);
    const file = new File([blob], voiceFileName(blob.type), { type: blob.type });
    await this.#sendFile(open, file, voice.data);
  }

  async #sendFile(open: OpenConversation, file: File, voice: VoiceInfo | null): Promise<void> {
    const { conversation } = open;
    const info = await this.#files.describe(file);
    if (voice) info.voice = voice;
    const id = randomHex(16);
    // Registered before the offer goes out, so a request that comes straight back finds the file.
    this.#files.addOutgoing(id, conversation, info, file, this.#delivery.recipientsOf(conversation));
    this.#list.active(conversation);
    await this.#delivery.send(
      conversation,
      { file: info },
      (message) => {
        open.upsert(message);
        this.#changed();
      },
      id,
    );
  }

  /**
   * Toggles this user's `emoji` on message `target` of the open conversation: on if it is not on
   * now, else off. Throws `ProtocolError` for something that is not one emoji.
   */
  async react(target: string, emoji: string): Promise<void> {
    const open = this.#open;
    if (!open) throw new TypeError('no conversation is open');
    if (!open.shows(target)) throw new TypeError(`no message ${target} is shown`);
    const checked = ReactionEmoji.safeParse(emoji);
    if (!checked.success) throw new ProtocolError(ErrorCode.BadFrame, checked.error.message);
    const previous = this.#reacting;
    let shown = (): void => undefined;
    this.#reacting = new Promise<void>((resolve) => (shown = resolve));
    try {
      await previous;
      const on = !open.reactedByMe(target, emoji);
      await this.#delivery.send(open.conversation, { reaction: { target, emoji, on } }, (message) => {
        open.upsert(message);
        this.#changed();
        shown();
      });
    } finally {
      shown();
    }
  }

  /** The person typed in the open conversation's **Message** box: its members may hear of it. */
  typed(): void {
    if (this.#open) this.#typing.typed(this.#open.conversation);
  }

  /** Silences (or not) the notifications of `conversation`; kept with the conversation. */
  async setMuted(conversation: string, muted: boolean): Promise<void> {
    this.#notifier.setMuted(conversation, muted);
    await this.#store.setMuted(conversation, muted);
  }

  isMuted(conversation: string): boolean {
    return this.#notifier.isMuted(conversation);
  }

  get notificationPermission(): NotificationPermissionState {
    return this.#notifier.permission;
  }

  /** Asks the browser to allow notifications; call only on the person's request. */
  enableNotifications(): Promise<NotificationPermissionState> {
    return this.#notifier.request();
  }

  cancelFile(id: string): Promise<void> {
    return this.#files.cancel(id);
  }

  retryFile(id: string): Promise<void> {
    return this.#files.retry(id);
  }

  chooseFileAgain(id: string, file: File): Promise<void> {
    return this.#files.chooseAgain(id, file);
  }

  /** A file's bytes and its safe name, to save; null when this browser does not have them. */
  async fileToSave(id: string): Promise<{ blob: Blob; name: string } | null> {
    const message = await this.#store.getMessage(id);
    const blob = await this.#files.blobOf(id);
    if (!message?.file || !blob) return null;
    return { blob, name: safeFileName(message.file.name) };
  }

  close(): void {
    this.#closed = true;
    this.#typing.close();
    this.#notifier.close();
    this.#delivery.close();
    this.#files.close();
    this.#mesh.closeAll();
    this.#store.close();
  }

  // ── views ───────────────────────────────────────────────────────────────────────────────────

  get online(): readonly string[] {
    return this.directory.online;
  }

  unread(conversation: string): number {
    return this.#list.unread(conversation);
  }

  unreadFor(peer: string): number {
    return this.unread(this.directory.direct(peer));
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

  get openConversation(): OpenConversationView | null {
    const open = this.#open;
    if (!open) return null;
    const { conversation } = open;
    const kind = this.directory.kindOf(conversation) ?? 'direct';
    const peer = directPeerOf(conversation, this.me);
    return {
      conversation,
      kind,
      title: this.directory.title(conversation),
      peer,
      members: this.directory.membersOf(conversation).sort(byName),
      peerOnline: peer ? this.directory.isOnline(peer) : true,
      link: peer ? this.#mesh.state(peer) : 'none',
      messages: open.views,
      muted: this.#notifier.isMuted(conversation),
      typing: this.#typing.typing(conversation),
    };
  }

  // ── delivery ─────────────────────────────────────────────────────────────────────────────────

  /** `peer` is online: connect if anything waits for them or a group is shared (for catch-up). */
  #reach(peer: string): void {
    if (this.#mesh.state(peer) === 'open') {
      void this.#delivery.flush(peer).then(() => this.#changed());
      return;
    }
    const open = this.#open?.conversation;
    if (
      this.directory.sharesGroupWith(peer) ||
      open === this.directory.direct(peer) ||
      this.#files.waitsFor(peer)
    ) {
      this.#mesh.want(peer);
      return;
    }
    void this.#delivery.hasPending(peer).then((pending) => {
      if (pending && this.directory.isOnline(peer)) this.#mesh.want(peer);
    });
  }

  #onOpen(peer: string): void {
    void this.#delivery.flush(peer).then(() => this.#changed());
    void this.#sync.announce(peer);
    this.#files.peerOpen(peer);
    this.#reportSeen();
    this.#changed();
  }

  #enqueue(peer: string, frame: QueuedFrame): void {
    const previous = this.#inbound.get(peer) ?? Promise.resolve();
    const next = previous
      .then(() => this.#receive(peer, frame))
      .catch((error: unknown) => this.#warn(`handling ${frame.type} from ${peer} failed`, error));
    this.#inbound.set(peer, next);
  }

  async #receive(peer: string, frame: QueuedFrame): Promise<void> {
    if (this.#closed) return;
    switch (frame.type) {
      case 'message':
        return this.#inbox.receive(peer, frame.message);
      case 'ack':
        this.#sync.onAck(peer, frame.ids);
        await this.#delivery.acked(peer, frame.ids);
        this.#changed();
        return;
      case 'sync-heads':
        return this.#sync.onHeads(peer, frame);
      case 'sync-batch':
        return this.#sync.onBatch(peer, frame);
      case 'typing':
        this.#typing.received(peer, frame.conversation);
        return;
      case 'read':
        return this.#receipts.received(peer, frame.conversation, frame.ids);
      default: {
        const unreachable: never = frame;
        return unreachable;
      }
    }
  }

  async #markReadIfSeen(): Promise<void> {
    const conversation = this.#open?.conversation;
    if (!conversation || !this.#visible) return;
    if (!this.#list.markRead(conversation)) return;
    this.#changed();
    await this.#store.markRead(conversation);
  }

  /** The open conversation is on screen: its authors hear what was read, its notification goes. */
  #reportSeen(): void {
    const open = this.#open;
    if (!open || !this.#visible || this.#closed) return;
    this.#notifier.seen(open.conversation);
    this.#receipts.seen(open.conversation, open.views);
  }

  #changed(): void {
    if (!this.#closed) this.#options.onChange();
  }
}
