/**
 * The conversation on screen, as one view model: choosing and closing it, which of its messages are
 * held in view (pages as the person scrolls, the message it was opened at), whether the page is in
 * view, and the view components read. What the person sends to it (text, edits, deletions, files,
 * voice, reactions) is `sending` (conversation-sending.ts), behind the same one `requireOpen()`.
 * It delegates the work — delivery, transfers, typing, receipts — to the features that own it (like
 * hydrogen-web's `ComposerViewModel`).
 */
import { LOBBY_CONVERSATION, directPeerOf } from '../../../shared/peer-protocol.js';
import type { LinkRoute } from '../../net/link-route.js';
import type { PeerState } from '../../net/peer-mesh.js';
import type { AccountStore } from '../../storage/account-store.js';
import { isLogEntry } from '../../storage/stored-message.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import type { Notifier } from '../attention/notifier.js';
import type { ReadReceipts } from '../attention/read-receipts.js';
import type { TypingIndicator } from '../attention/typing-indicator.js';
import type { FileTransfers } from '../files/file-transfers.js';
import type { PeerLinks } from '../peer-links.js';
import type { ConversationList } from '../roster/conversation-list.js';
import { byName } from '../roster/directory.js';
import type { ConversationKind, Directory } from '../roster/directory.js';
import { equivocationNotice } from './equivocation.js';
import { ConversationSending } from './conversation-sending.js';
import { compareMessages } from './message-view.js';
import type { MessageView } from './message-view.js';
import { OpenConversation, PAGE_SIZE } from './open-conversation.js';
import type { WindowEnds } from './open-conversation.js';
import type { OutboxDelivery } from './outbox-delivery.js';

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
  /** Direct conversations: how the open channel runs; absent or null: not open, or not known yet. */
  readonly route?: LinkRoute | null;
  /**
   * Direct conversations: the last attempt to connect failed, and the likely cause — no TURN server
   * is configured (`no-relay`), or one is and the other network still blocks the connection.
   */
  readonly connectProblem?: ConnectProblem | null;
  /** The messages held in view: a window of the conversation, oldest first. */
  readonly messages: readonly MessageView[];
  /**
   * Whether storage holds messages before the first of `messages` (`older`) and after the last
   * (`newer`): the log asks for them with `loadPage` as the person scrolls there. Absent: none.
   */
  readonly older?: boolean;
  readonly newer?: boolean;
  /** Its notifications are silenced; absent: not muted. */
  readonly muted?: boolean;
  /** Who is typing in it now, by name; absent: no one. */
  readonly typing?: readonly string[];
  /** The message it was opened at (a search result): scrolled to and highlighted; absent: none. */
  readonly focus?: string;
  /** What it says above the log: an author who signed conflicting messages here. */
  readonly notices?: readonly string[];
}

export type ConnectProblem = 'no-relay' | 'blocked';

export interface ActiveConversationDeps {
  /** `status`: the data channel with a direct conversation's peer, for the view. */
  readonly links: Pick<PeerLinks, 'connect' | 'status'>;
  /** Whether the ICE servers include a TURN relay. */
  relayConfigured(): boolean;
  readonly directory: Directory;
  readonly store: Pick<
    AccountStore,
    'listConversation' | 'listAround' | 'getMessage' | 'markRead' | 'authorship' | 'redactions'
  >;
  readonly list: Pick<ConversationList, 'active' | 'markRead'>;
  readonly delivery: Pick<OutboxDelivery, 'send' | 'recipientsOf'>;
  readonly files: Pick<FileTransfers, 'view' | 'describe' | 'addOutgoing'>;
  readonly typing: Pick<TypingIndicator, 'typed' | 'sent' | 'typing'>;
  readonly receipts: Pick<ReadReceipts, 'seen'>;
  readonly notifier: Pick<Notifier, 'seen' | 'isMuted'>;
  changed(): void;
}

export class ActiveConversation {
  readonly #deps: ActiveConversationDeps;
  #open: OpenConversation | null = null;
  /** The message the open conversation was opened at, if it was. */
  #focus: { open: OpenConversation; id: string } | null = null;
  #visible = true;
  #closed = false;
  /** The ends of the open conversation whose next page is being read. */
  readonly #paging = new Set<'older' | 'newer'>();

  /** Sending to the open conversation: text, edits, deletions, files, voice, reactions. */
  readonly sending: ConversationSending;

  constructor(deps: ActiveConversationDeps) {
    this.#deps = deps;
    this.sending = new ConversationSending(deps, {
      requireOpen: () => this.#requireOpen(),
      toNewest: (open) => this.#toNewest(open),
      shown: (open, message) => this.#shown(open, message),
    });
  }

  /** The conversation on screen, if any (the inbox shows arriving messages in it). */
  get current(): OpenConversation | null {
    return this.#open;
  }

  /** Whether the page is in view. */
  get visible(): boolean {
    return this.#visible;
  }

  /**
   * Opens a conversation: a direct one (`dm:` id), a group or the Lobby. With `at` (a search
   * result), at that message: the page around it is loaded instead of the newest, and the view's
   * `focus` names it. An `at` that is not a message of this conversation opens at the newest.
   */
  async select(conversation: string, options: { at?: string } = {}): Promise<void> {
    const { directory } = this.#deps;
    if (directory.kindOf(conversation) === null) throw new TypeError(`unknown conversation ${conversation}`);
    const open = new OpenConversation(
      conversation,
      directory.me,
      (message) => this.#deps.files.view(message),
      // The Lobby is whoever is online now: a reaction checked when it came stays counted.
      (author) => conversation === LOBBY_CONVERSATION || directory.isMember(conversation, author),
    );
    this.#open = open;
    // Connecting takes a few round trips: start it before reading history, not after.
    const peer = directPeerOf(conversation, directory.me);
    if (peer && directory.isOnline(peer)) this.#deps.links.connect(peer);
    this.#focus = null;
    this.#deps.changed();
    const [{ messages, ends }, equivocations] = await Promise.all([
      this.#page(open, options.at),
      this.#deps.store.authorship.equivocations(conversation),
    ]);
    if (this.#open !== open) return;
    open.set(messages, ends);
    for (const evidence of equivocations) open.notice(equivocationNotice(evidence));
    this.reportSeen();
    await this.#markReadIfSeen();
    this.#deps.changed();
  }

  close(): void {
    this.#open = null;
    this.#deps.changed();
  }

  /**
   * Reads the page before (`older`) or after (`newer`) the messages held, as the person scrolls to
   * that end of the log. Nothing happens when storage holds no more there or that page is already
   * being read. The messages it brings came on screen by scrolling: they count as seen.
   */
  async loadPage(direction: 'older' | 'newer'): Promise<void> {
    const open = this.#open;
    if (!open || this.#paging.has(direction) || !open.ends[direction]) return;
    const from = direction === 'older' ? open.first : open.last;
    if (!from) return;
    this.#paging.add(direction);
    try {
      const position = { sentAt: from.sentAt, id: from.id };
      const page = await this.#deps.store.listConversation(open.conversation, {
        limit: PAGE_SIZE,
        ...(direction === 'older' ? { before: position } : { after: position }),
      });
      if (this.#open !== open) return;
      const more = shownCount(page) >= PAGE_SIZE;
      if (direction === 'older') open.prepend(page, more);
      else open.append(page, more);
    } finally {
      this.#paging.delete(direction);
    }
    this.reportSeen();
    this.#deps.changed();
  }

  /**
   * Shows message `id` of the open conversation (a reply's quote activated): focused where it is
   * held, else the page around it is read, as a search result opens its conversation at a message.
   * A message not stored in this conversation changes nothing.
   */
  async show(id: string): Promise<void> {
    const open = this.#requireOpen();
    if (open.shows(id)) {
      this.#focus = { open, id };
      this.#deps.changed();
      return;
    }
    const { messages, ends } = await this.#page(open, id);
    if (this.#open !== open || this.#focus?.open !== open || this.#focus.id !== id) return;
    open.set(messages, ends);
    this.reportSeen();
    this.#deps.changed();
  }

  /** Whether the page is in view: messages arriving in the open conversation are read only if it is. */
  async setVisible(visible: boolean): Promise<void> {
    this.#visible = visible;
    this.reportSeen();
    await this.#markReadIfSeen();
  }

  /** The person typed in the **Message** box: the members may hear of it. */
  typed(): void {
    if (this.#open) this.#deps.typing.typed(this.#open.conversation);
  }

  /** One of this user's messages changed (sent, delivered, read): shown if it is in view. */
  upsert(message: StoredMessage): void {
    this.#open?.upsert(message);
  }

  /** File `id`'s transfer changed; true when the open conversation shows it. */
  fileChanged(id: string): boolean {
    return this.#open?.fileChanged(id) ?? false;
  }

  /** Whether `conversation` is the one on screen. */
  isOpen(conversation: string): boolean {
    return this.#open?.conversation === conversation;
  }

  /** Someone came online or went (see `OpenConversation.presenceChanged`). */
  presenceChanged(): void {
    this.#open?.presenceChanged();
  }

  /** A group's members changed, or (`left`) this user left it. */
  groupChanged(conversation: string, left: boolean): void {
    if (!this.isOpen(conversation)) return;
    if (left) this.#open = null;
    else this.#open?.membershipChanged();
  }

  /** The open conversation is on screen: its authors hear what was read, its notification goes. */
  reportSeen(): void {
    const open = this.#open;
    if (!open || !this.#visible || this.#closed) return;
    this.#deps.notifier.seen(open.conversation);
    this.#deps.receipts.seen(open.conversation, open.views);
  }

  /** What components show of the open conversation. */
  get view(): OpenConversationView | null {
    const open = this.#open;
    if (!open) return null;
    const { directory } = this.#deps;
    const { conversation } = open;
    const peer = directPeerOf(conversation, directory.me);
    const status = peer ? this.#deps.links.status(peer) : null;
    return {
      conversation,
      kind: directory.kindOf(conversation) ?? 'direct',
      title: directory.title(conversation),
      peer,
      members: directory.membersOf(conversation).sort(byName),
      peerOnline: peer ? directory.isOnline(peer) : true,
      link: status?.state ?? 'none',
      route: status?.route ?? null,
      connectProblem: status?.failed ? (this.#deps.relayConfigured() ? 'blocked' : 'no-relay') : null,
      messages: open.views,
      older: open.ends.older,
      newer: open.ends.newer,
      muted: this.#deps.notifier.isMuted(conversation),
      typing: this.#deps.typing.typing(conversation),
      notices: open.notices,
      ...(this.#focus?.open === open ? { focus: this.#focus.id } : {}),
    };
  }

  /** The messenger closed: nothing more is reported to peers. */
  stop(): void {
    this.#closed = true;
  }

  /**
   * The messages `open` starts with: the newest page, or the one around message `at`; and whether
   * storage holds more before and after them.
   */
  async #page(
    open: OpenConversation,
    at: string | undefined,
  ): Promise<{ messages: StoredMessage[]; ends: WindowEnds }> {
    const { store } = this.#deps;
    const { conversation } = open;
    const target = at === undefined ? undefined : await store.getMessage(at);
    if (!target || target.conversation !== conversation || !isLogEntry(target)) {
      const messages = await store.listConversation(conversation, { limit: PAGE_SIZE });
      return { messages, ends: { older: shownCount(messages) >= PAGE_SIZE, newer: false } };
    }
    this.#focus = { open, id: target.id };
    const messages = await store.listAround(conversation, target, PAGE_SIZE);
    // listAround reads up to and including `at` going back, then after it going forward: either
    // half that came back full may have more beyond it.
    const upTo = messages.filter((m) => compareMessages(m, target) <= 0);
    const after = messages.filter((m) => compareMessages(m, target) > 0);
    return {
      messages,
      ends: {
        older: shownCount(upTo) >= Math.ceil(PAGE_SIZE / 2),
        newer: shownCount(after) >= Math.floor(PAGE_SIZE / 2),
      },
    };
  }

  /**
   * Something is sent from a window of older messages: the newest page comes back, so the person
   * sees what they sent where it belongs.
   */
  async #toNewest(open: OpenConversation): Promise<void> {
    if (!open.ends.newer) return;
    const messages = await this.#deps.store.listConversation(open.conversation, { limit: PAGE_SIZE });
    if (this.#open !== open) return;
    open.set(messages, { older: shownCount(messages) >= PAGE_SIZE, newer: false });
    if (this.#focus?.open === open) this.#focus = null;
    this.#deps.changed();
  }

  #requireOpen(): OpenConversation {
    if (!this.#open) throw new TypeError('no conversation is open');
    return this.#open;
  }

  #shown(open: OpenConversation, message: StoredMessage): void {
    open.upsert(message);
    this.#deps.changed();
  }

  async #markReadIfSeen(): Promise<void> {
    const conversation = this.#open?.conversation;
    if (!conversation || !this.#visible) return;
    if (!this.#deps.list.markRead(conversation)) return;
    this.#deps.changed();
    await this.#deps.store.markRead(conversation);
  }
}

/** How many messages of a page the log shows (reactions, edits and tombstones are folded into them). */
function shownCount(page: readonly StoredMessage[]): number {
  return page.filter(isLogEntry).length;
}
