/**
 * Everything a signed-in user does with other people: who is online, one-to-one conversations, the
 * outbox and acknowledgements, unread counts. It owns the account's store and the peer mesh; the
 * signaling server only feeds it presence and set-up signals, so a conversation whose data channel is
 * open keeps working while the server is away.
 */
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import { MAX_ACK_IDS, MessageText, directConversationId, directPeerOf } from '../../shared/peer-protocol.js';
import type { ChatMessage, PeerFrame, SignalPayload } from '../../shared/peer-protocol.js';
import type { IceServer } from '../../shared/protocol.js';
import { PeerMesh } from '../net/peer-mesh.js';
import type { PeerLinkFactory, PeerState } from '../net/peer-mesh.js';
import { randomHex } from '../net/random-id.js';
import type { AccountStore } from '../storage/account-store.js';
import type { StoredMessage } from '../storage/stored-message.js';
import { compareMessages, toMessageView } from './message-view.js';
import type { MessageView } from './message-view.js';

export interface ContactView {
  readonly name: string;
  readonly conversation: string;
  readonly online: boolean;
  readonly unread: number;
}

export interface OpenConversationView {
  readonly peer: string;
  readonly conversation: string;
  readonly peerOnline: boolean;
  readonly link: PeerState;
  readonly messages: readonly MessageView[];
}

export interface MessengerOptions {
  me: string;
  store: AccountStore;
  /** Relays a set-up signal through the signaling server; false when it is unreachable. */
  sendSignal(to: string, payload: SignalPayload): boolean;
  onChange(): void;
  createLink?: PeerLinkFactory;
  /** Where warnings about bad peer input go. */
  warn?: (message: string, error?: unknown) => void;
}

/** How many messages of a conversation are held in view. */
const VIEW_LIMIT = 500;

export class Messenger {
  readonly me: string;
  readonly #store: AccountStore;
  readonly #options: MessengerOptions;
  readonly #mesh: PeerMesh;
  readonly #warn: (message: string, error?: unknown) => void;
  #iceServers: IceServer[] = [];
  #online = new Set<string>();
  /** conversation id → unread count, for every stored conversation. */
  readonly #unread = new Map<string, number>();
  /** Direct-conversation peers known from history (shown as contacts when offline). */
  readonly #contacts = new Set<string>();
  #openPeer: string | null = null;
  #openMessages: StoredMessage[] = [];
  /** Views of `#openMessages`; null when they must be rebuilt. */
  #views: readonly MessageView[] | null = null;
  readonly #viewCache = new WeakMap<StoredMessage, MessageView>();
  #visible = true;
  /** Own messages on their way into storage, by id. */
  readonly #persisting = new Map<string, Promise<void>>();
  /** conversation → the seq of the next own message there. */
  readonly #seqs = new Map<string, Promise<number>>();
  /** Per-peer chain so outbox flushes for one peer never interleave. */
  readonly #flushes = new Map<string, Promise<void>>();
  #closed = false;

  private constructor(options: MessengerOptions) {
    this.me = options.me;
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
        onOpen: (peer) => this.#flush(peer),
        onClose: () => this.#changed(),
        onFrame: (peer, frame) => void this.#receive(peer, frame),
        onBadInput: (peer, error) => this.#warn(`bad input from ${peer}: ${error.message}`),
        onStateChange: (peer) => {
          if (peer === this.#openPeer) this.#changed();
        },
      },
    );
  }

  /** Opens the messenger of `me` on its store, with unread counts and contacts loaded. */
  static async open(options: MessengerOptions): Promise<Messenger> {
    const messenger = new Messenger(options);
    for (const summary of await options.store.listConversations()) {
      messenger.#unread.set(summary.id, summary.unread);
      const peer = directPeerOf(summary.id, options.me);
      if (peer) messenger.#contacts.add(peer);
    }
    return messenger;
  }

  // ── network events, fed by the app store ────────────────────────────────────────────────────

  /** The server's welcome: who is online now, and the ICE servers to use. */
  networkUp(online: readonly string[], iceServers: readonly IceServer[]): void {
    this.#iceServers = [...iceServers];
    const next = new Set(online.filter((name) => name !== this.me));
    for (const peer of this.#online) {
      // A peer whose data channel is open is demonstrably there; the server may just have restarted.
      if (!next.has(peer) && this.#mesh.state(peer) !== 'open') this.#mesh.peerOffline(peer);
    }
    this.#online = next;
    for (const peer of next) void this.#deliverPending(peer);
    if (this.#openPeer && next.has(this.#openPeer)) this.#mesh.want(this.#openPeer);
    this.#changed();
  }

  peerOnline(peer: string): void {
    if (peer === this.me) return;
    this.#online.add(peer);
    void this.#deliverPending(peer);
    if (peer === this.#openPeer) this.#mesh.want(peer);
    this.#changed();
  }

  peerOffline(peer: string): void {
    this.#online.delete(peer);
    this.#mesh.peerOffline(peer);
    this.#changed();
  }

  handleSignal(from: string, data: unknown): void {
    this.#mesh.handleSignal(from, data);
  }

  // ── commands from the UI ─────────────────────────────────────────────────────────────────────

  async selectConversation(peer: string): Promise<void> {
    const conversation = directConversationId(this.me, peer);
    this.#openPeer = peer;
    this.#setOpenMessages([]);
    // Connecting takes a few round trips: start it before reading history, not after.
    if (this.#online.has(peer)) this.#mesh.want(peer);
    this.#changed();
    const messages = await this.#store.listConversation(conversation, { limit: VIEW_LIMIT });
    if (this.#openPeer !== peer) return;
    this.#setOpenMessages(messages);
    await this.#markReadIfSeen();
    this.#changed();
  }

  closeConversation(): void {
    this.#openPeer = null;
    this.#setOpenMessages([]);
    this.#changed();
  }

  /** Whether the page is in view: messages arriving in the open conversation are read only if it is. */
  async setVisible(visible: boolean): Promise<void> {
    this.#visible = visible;
    await this.#markReadIfSeen();
  }

  /** Sends `text` to the open conversation. Throws `ProtocolError` for text the protocol refuses. */
  async send(text: string): Promise<void> {
    const peer = this.#openPeer;
    if (!peer) throw new TypeError('no conversation is open');
    const checked = MessageText.safeParse(text);
    if (!checked.success) {
      const tooLong = checked.error.issues.some((issue) => issue.message.includes('longer'));
      throw new ProtocolError(tooLong ? ErrorCode.TextTooLong : ErrorCode.BadFrame, checked.error.message);
    }
    const conversation = directConversationId(this.me, peer);
    const draft = {
      id: randomHex(16),
      conversation,
      sentAt: Date.now(),
      text,
      seq: await this.#takeSeq(conversation),
    };
    const message: StoredMessage = {
      ...draft,
      author: this.me,
      recipients: [peer],
      deliveredTo: [],
      sent: false,
    };
    // The common case, an open channel, goes out before anything waits for storage; the outbox
    // row written next covers every other case (and a lost frame: no ack, so it is sent again).
    const sent = this.#mesh.send(peer, { type: 'message', message: toWire(message) });
    this.#contacts.add(peer);
    this.#unread.set(conversation, this.#unread.get(conversation) ?? 0);
    this.#upsertOpen({ ...message, sent });
    this.#changed();
    const persisting = this.#store.addOwnMessage({ ...draft, sent }, [peer]);
    // An ack may overtake the write: its handler waits for this first.
    this.#persisting.set(
      draft.id,
      persisting.then(
        () => undefined,
        () => undefined,
      ),
    );
    try {
      await persisting;
    } finally {
      this.#persisting.delete(draft.id);
    }
    if (!sent) await this.#deliverPending(peer);
  }

  /** The next seq of own messages in `conversation`: read from storage once, then counted here. */
  #takeSeq(conversation: string): Promise<number> {
    const next = this.#seqs.get(conversation) ?? this.#store.nextSeq(conversation);
    this.#seqs.set(
      conversation,
      next.then((seq) => seq + 1),
    );
    next.catch(() => this.#seqs.delete(conversation));
    return next;
  }

  close(): void {
    this.#closed = true;
    this.#mesh.closeAll();
    this.#store.close();
  }

  // ── views ───────────────────────────────────────────────────────────────────────────────────

  get online(): readonly string[] {
    return [...this.#online].sort(byName);
  }

  unreadFor(peer: string): number {
    return this.#unread.get(directConversationId(this.me, peer)) ?? 0;
  }

  /** People from history who are not online now. */
  get offlineContacts(): readonly ContactView[] {
    return [...this.#contacts]
      .filter((peer) => !this.#online.has(peer))
      .sort(byName)
      .map((name) => ({
        name,
        conversation: directConversationId(this.me, name),
        online: false,
        unread: this.unreadFor(name),
      }));
  }

  get totalUnread(): number {
    let total = 0;
    for (const count of this.#unread.values()) total += count;
    return total;
  }

  get openConversation(): OpenConversationView | null {
    const peer = this.#openPeer;
    if (!peer) return null;
    return {
      peer,
      conversation: directConversationId(this.me, peer),
      peerOnline: this.#online.has(peer),
      link: this.#mesh.state(peer),
      messages: this.#openViews(),
    };
  }

  // ── delivery ─────────────────────────────────────────────────────────────────────────────────

  /** Sends what `peer` lacks if the connection is open, or starts one if anything waits. */
  async #deliverPending(peer: string): Promise<void> {
    if (this.#mesh.state(peer) === 'open') return this.#flush(peer);
    if (!this.#online.has(peer)) return;
    const pending = await this.#store.pendingFor(peer);
    if (pending.length > 0 && this.#online.has(peer)) this.#mesh.want(peer);
  }

  /** Re-sends every message `peer` has not acknowledged, oldest first; serialized per peer. */
  #flush(peer: string): Promise<void> {
    const previous = this.#flushes.get(peer) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.#closed) return;
      for (const message of await this.#store.pendingFor(peer)) {
        if (!this.#mesh.send(peer, { type: 'message', message: toWire(message) })) return;
        if (!message.sent) {
          const updated = await this.#store.markSent(message.id);
          if (updated) this.#upsertOpen(updated);
        }
      }
      this.#changed();
    });
    const settled = next.catch((error: unknown) => this.#warn(`delivery to ${peer} failed`, error));
    this.#flushes.set(peer, settled);
    return settled;
  }

  async #receive(peer: string, frame: Exclude<PeerFrame, { type: 'hello' }>): Promise<void> {
    if (this.#closed) return;
    switch (frame.type) {
      case 'message':
        return this.#receiveMessage(peer, frame.message);
      case 'ack':
        for (const id of frame.ids) {
          await this.#persisting.get(id);
          const updated = await this.#store.markDelivered(id, peer);
          if (updated) this.#upsertOpen(updated);
        }
        this.#changed();
        return;
      default: {
        const unreachable: never = frame;
        return unreachable;
      }
    }
  }

  async #receiveMessage(peer: string, message: ChatMessage): Promise<void> {
    // A peer may only write as itself, into the conversation it shares with us.
    if (message.author !== peer || directPeerOf(message.conversation, this.me) !== peer) {
      this.#warn(`${peer} sent a message it may not send (${ErrorCode.ForbiddenConversation})`);
      return;
    }
    const inView = this.#openPeer === peer;
    const seen = inView && this.#visible;
    const receivedAt = Date.now();
    // Shown at once, stored right after: the ack (below) waits for the store, so a message that
    // fails to be stored is sent again.
    if (inView && !this.#openMessages.some((m) => m.id === message.id)) {
      this.#upsertOpen({ ...message, recipients: [], deliveredTo: [], sent: false, receivedAt });
      this.#changed();
    }
    const result = await this.#store.addIncomingMessage(message, { unread: !seen, receivedAt });
    // Acked even when a duplicate: the sender keeps re-sending until it hears this.
    this.#mesh.send(peer, { type: 'ack', ids: [message.id].slice(0, MAX_ACK_IDS) });
    if (result === 'duplicate') return;
    this.#contacts.add(peer);
    if (!seen) {
      this.#unread.set(message.conversation, (this.#unread.get(message.conversation) ?? 0) + 1);
      this.#changed();
    }
  }

  async #markReadIfSeen(): Promise<void> {
    const peer = this.#openPeer;
    if (!peer || !this.#visible) return;
    const conversation = directConversationId(this.me, peer);
    if ((this.#unread.get(conversation) ?? 0) === 0) return;
    this.#unread.set(conversation, 0);
    this.#changed();
    await this.#store.markRead(conversation);
  }

  /** The open conversation's views, rebuilt only after its messages changed. */
  #openViews(): readonly MessageView[] {
    if (!this.#views) {
      this.#views = this.#openMessages.map((message) => {
        let view = this.#viewCache.get(message);
        if (!view) {
          view = toMessageView(message, this.me);
          this.#viewCache.set(message, view);
        }
        return view;
      });
    }
    return this.#views;
  }

  #setOpenMessages(messages: StoredMessage[]): void {
    this.#openMessages = messages;
    this.#views = null;
  }

  #upsertOpen(message: StoredMessage): void {
    if (!this.#openPeer || message.conversation !== directConversationId(this.me, this.#openPeer)) return;
    this.#views = null;
    const index = this.#openMessages.findIndex((m) => m.id === message.id);
    if (index >= 0) {
      this.#openMessages[index] = message;
      return;
    }
    this.#openMessages.push(message);
    // Usually the newest: only re-sort when it arrived out of order.
    const previous = this.#openMessages[this.#openMessages.length - 2];
    if (previous && compareMessages(previous, message) > 0) this.#openMessages.sort(compareMessages);
    if (this.#openMessages.length > VIEW_LIMIT)
      this.#openMessages.splice(0, this.#openMessages.length - VIEW_LIMIT);
  }

  #changed(): void {
    if (!this.#closed) this.#options.onChange();
  }
}

function byName(a: string, b: string): number {
  return a.localeCompare(b);
}

/** The authored message alone, without what this device stored about its delivery. */
function toWire(message: StoredMessage): ChatMessage {
  const wire: ChatMessage = {
    id: message.id,
    conversation: message.conversation,
    author: message.author,
    seq: message.seq,
    sentAt: message.sentAt,
    text: message.text,
  };
  if (message.sig !== undefined) wire.sig = message.sig;
  return wire;
}
