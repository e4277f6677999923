/**
 * Messages from others as they arrive: live from their author (checked, shown at once, stored,
 * acked) or in a catch-up batch (stored in one transaction). Decides what counts as unread and what
 * raises a notification; the messenger owns what is open and whether the page is in view.
 */
import { ErrorCode } from '../../../shared/errors.js';
import type { ChatMessage, DeletedMessage } from '../../../shared/peer-protocol.js';
import type { AccountStore } from '../../storage/account-store.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import type { PeerLinks } from '../peer-links.js';
import type { ConversationList } from '../roster/conversation-list.js';
import type { Directory } from '../roster/directory.js';
import type { MessageVerifier } from '../identity/message-signing.js';
import type { OpenConversation } from './open-conversation.js';
import { sentAtProblem, signatureProblem } from './arrival-checks.js';
import { equivocationNotice, reviewChain, reviewCopies } from './equivocation.js';
import type { CopyReviewDeps } from './equivocation.js';
import { raisesAttention } from './reactions.js';
import { actionProblem } from './action-checks.js';

export interface InboxDeps {
  readonly links: Pick<PeerLinks, 'send' | 'warn'>;
  readonly directory: Directory;
  readonly store: AccountStore;
  /** Checks authors' signatures against their pinned keys, before anything is stored. */
  readonly verifier: Pick<MessageVerifier, 'check' | 'expectBatches'>;
  /** The unread counts and contacts beside the conversation. */
  readonly list: Pick<ConversationList, 'active' | 'addUnread'>;
  /** A file message someone else wrote was stored: its transfer starts. */
  fileArrived(message: StoredMessage): Promise<void>;
  /** These messages of `conversation` arrived unseen: a system notification may say so. */
  notify(conversation: string, messages: readonly ChatMessage[]): void;
  /** `author`'s message came: they are no longer typing in `conversation`. */
  typingStopped(conversation: string, author: string): void;
  /** The conversation on screen, if any. */
  open(): OpenConversation | null;
  /** Whether the page is in view. */
  visible(): boolean;
  /** The open conversation is on screen: report what was read. */
  seen(): void;
  changed(): void;
}

export class Inbox {
  readonly #deps: InboxDeps;

  readonly #review: CopyReviewDeps;

  constructor(deps: InboxDeps) {
    this.#deps = deps;
    this.#review = {
      store: deps.store,
      warn: deps.links.warn,
      found: (evidence) => {
        const open = deps.open();
        if (open?.conversation !== evidence.conversation) return;
        open.notice(equivocationNotice(evidence));
        deps.changed();
      },
    };
  }

  /** The verdict on each message's signature (the one check on the way in; group catch-up uses it too). */
  check(messages: readonly ChatMessage[]): ReturnType<MessageVerifier['check']> {
    return this.#deps.verifier.check(messages);
  }

  /** Catch-up batches are coming (this side asked for them): their checks get ready. */
  expectBatches(): void {
    this.#deps.verifier.expectBatches();
  }

  /** A live message from `peer`: checked (its signature too), stored (shown first if open), acked. */
  async receive(peer: string, message: ChatMessage): Promise<void> {
    const problem =
      this.#problemWith(peer, message) ??
      signatureProblem((await this.#deps.verifier.check([message]))[0]!) ??
      (await this.actionProblem(message));
    if (problem) {
      this.#deps.links.warn(`${peer} sent a message ${problem} (${ErrorCode.ForbiddenConversation})`);
      // It may have been shown as it arrived (`showArriving`): it goes.
      await this.#unshow(message.id);
      return;
    }
    if ((await this.#store(message)) === 'duplicate') {
      await reviewCopies(this.#review, peer, [message], () => true);
      // Shown as it arrived, but another message holds its position: the stored one is what shows.
      await this.#unshow(message.id);
    } else {
      // Before the ack, so an ack means the message was handled whole (it is shown already).
      await reviewChain(this.#review, peer, [message]);
    }
    // Acked even when a duplicate: the sender keeps re-sending until it hears this.
    this.#deps.links.send(peer, { type: 'ack', ids: [message.id] });
    // After the ack, so the author has stored its own message by the time the receipt arrives.
    if (this.#deps.open()?.conversation === message.conversation) this.#deps.seen();
    if (message.file) void this.#deps.fileArrived(incomingRow(message, Date.now()));
  }

  /** Why an edit or tombstone may not be stored (its author is not its target's), or null. */
  actionProblem(message: ChatMessage): Promise<string | null> {
    return actionProblem(message, (id) => this.#deps.store.getMessage(id));
  }

  /**
   * Places of deleted messages forwarded by `peer`, already checked against their tombstones: each
   * is held as a deleted row (shown as deleted if its conversation is open); one whose message is
   * stored here has its tombstone applied instead; one whose seq holds another message is refused.
   * `awaiting`: ids of places whose author's key is not known yet (their tombstone is checked once
   * it is, by `settleHeld`).
   */
  async holdDeleted(
    peer: string,
    places: readonly DeletedMessage[],
    awaiting: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    const receivedAt = Date.now();
    for (const place of places) {
      const result = await this.#deps.store.redactions.hold(place, receivedAt, awaiting.has(place.id));
      if (result.kind === 'taken') {
        this.#deps.links.warn(
          `${peer} forwarded deleted message ${place.id} at seq ${place.seq} of ${place.author}, which holds another message`,
        );
      } else if (result.kind === 'stored' && !awaiting.has(place.id)) {
        const problem = await this.actionProblem(place.tombstone);
        if (problem) this.#deps.links.warn(`${peer} forwarded a tombstone ${problem}`);
        else await this.#redact(place.tombstone);
      } else if (result.kind === 'held') {
        const open = this.#deps.open();
        if (open?.conversation !== place.conversation) continue;
        open.upsert(result.row);
        this.#deps.changed();
      }
    }
  }

  /**
   * A tombstone was stored: its target's text goes from storage, and from view. A target not
   * stored yet gets a deleted row in its place, so when it comes it is a duplicate, text unstored.
   */
  async #redact(message: ChatMessage): Promise<void> {
    const result = await this.#deps.store.redactions.redact(message);
    if (result.kind !== 'redacted' && result.kind !== 'held') return;
    const open = this.#deps.open();
    if (open?.conversation !== message.conversation) return;
    open.upsert(result.row);
    this.#deps.changed();
  }

  /** Takes message `id` out of the open conversation unless it is stored (a copy of it may be). */
  async #unshow(id: string): Promise<void> {
    const open = this.#deps.open();
    if (!open?.has(id) || (await this.#deps.store.getMessage(id))) return;
    open.remove(id);
    this.#deps.changed();
  }

  /** Shows a live message in the open conversation before it is stored, if it may be shown at all. */
  showArriving(peer: string, message: ChatMessage): void {
    const open = this.#deps.open();
    if (!open || open.conversation !== message.conversation || open.has(message.id)) return;
    // `receive` warns about a message that may not be delivered; here it is just not shown. Its
    // signature is checked there, before it is stored: the channel it came on is the author's own
    // (its hello proved the same key), and `receive` takes it out of view if the check fails.
    if (this.#problemWith(peer, message) || message.sig === undefined) return;
    open.upsert(incomingRow(message, Date.now()));
    this.#deps.changed();
  }

  /**
   * Why a live message from `peer` may not be delivered, or null when it may: live messages come from
   * their author, who must be in the conversation with us.
   */
  #problemWith(peer: string, message: ChatMessage): string | null {
    const { directory } = this.#deps;
    const { me } = directory;
    if (message.author !== peer || !directory.isMember(message.conversation, peer)) return 'it may not send';
    if (!directory.isMember(message.conversation, me)) return 'into a conversation we are not in';
    return sentAtProblem(message, directory, Date.now());
  }

  /** Shows and stores a message someone else wrote, already checked; counts it unread if unseen. */
  async #store(message: ChatMessage): Promise<'stored' | 'duplicate'> {
    const open = this.#deps.open();
    const inView = open?.conversation === message.conversation;
    // A reaction is never unread: it only changes how its message looks.
    const seen = (inView && this.#deps.visible()) || !raisesAttention(message);
    const receivedAt = Date.now();
    // Shown at once, stored right after: the ack waits for the store, so a message that fails to
    // be stored is sent again.
    if (open && inView && !open.has(message.id)) {
      open.upsert(incomingRow(message, receivedAt));
      this.#deps.changed();
    }
    const result = await this.#deps.store.addIncomingMessage(message, { unread: !seen, receivedAt });
    if (result === 'duplicate') return result;
    if (message.tombstone) await this.#redact(message);
    // A reaction only changes how its message looks: it is not news, so it does not list the
    // conversation as active (nor stop its author's typing).
    if (!raisesAttention(message)) return result;
    this.#deps.typingStopped(message.conversation, message.author);
    if (!seen) this.#deps.notify(message.conversation, [message]);
    this.#deps.list.active(message.conversation);
    if (!seen) {
      this.#deps.list.addUnread(message.conversation, 1);
      this.#deps.changed();
    }
    return result;
  }

  /**
   * Like `#store`, for a catch-up batch of one conversation from `peer`, in one transaction.
   * `awaiting`: ids of messages whose author's key is not known yet (stored, marked unverified).
   * Resolves once the batch is stored and shown; `reviewed` once its copies and chain links are
   * checked too (equivocation.ts). The review goes on while the next batch is stored: it asks for
   * what it reads before returning, so it reads the store as this batch left it.
   */
  async storeBatch(
    peer: string,
    conversation: string,
    messages: readonly ChatMessage[],
    awaiting: ReadonlySet<string> = new Set(),
  ): Promise<{ reviewed: Promise<void> }> {
    const open = this.#deps.open();
    const inView = open?.conversation === conversation;
    const seen = inView && this.#deps.visible();
    const receivedAt = Date.now();
    // Reactions are never unread: stored apart from the messages that count.
    const news = messages.filter(raisesAttention);
    const reactions = messages.filter((message) => !raisesAttention(message));
    const counted =
      news.length > 0
        ? await this.#deps.store.addIncomingBatch(conversation, news, {
            unread: !seen,
            receivedAt,
            awaitingKey: awaiting,
          })
        : [];
    const stored =
      reactions.length > 0
        ? [
            ...counted,
            ...(await this.#deps.store.addIncomingBatch(conversation, reactions, {
              unread: false,
              receivedAt,
              awaitingKey: awaiting,
            })),
          ]
        : counted;
    const fresh = new Set(stored);
    // A tombstone takes text away for good: only once its signature is checked (`settleHeld`).
    for (const message of messages)
      if (message.tombstone && fresh.has(message.id) && !awaiting.has(message.id))
        await this.#redact(message);
    // Shown (and counted unread) before the copies and the chain are reviewed: a conflict found
    // there is shown when it is recorded (`found`), and a catch-up's count need not wait for it.
    if (stored.length > 0) {
      if (!seen)
        this.#deps.notify(
          conversation,
          // Edits and deletions are no news to announce (the notifier passes over reactions itself).
          messages.filter((message) => fresh.has(message.id) && raisesAttention(message)),
        );
      for (const message of messages) {
        if (!fresh.has(message.id)) continue;
        const row = incomingRow(message, receivedAt);
        if (awaiting.has(message.id)) row.awaitingKey = message.author;
        if (open && inView) open.upsert(row);
        if (message.file) void this.#deps.fileArrived(row);
      }
      // Only new messages make a conversation active; a batch of reactions alone does not.
      if (counted.length > 0) this.#deps.list.active(conversation);
      if (!seen && counted.length > 0) this.#deps.list.addUnread(conversation, counted.length);
      this.#deps.changed();
      if (seen) this.#deps.seen();
    }
    const known = messages.filter((message) => !fresh.has(message.id));
    const checked = messages.filter((message) => fresh.has(message.id) && !awaiting.has(message.id));
    const reviewed = Promise.all([
      known.length > 0 ? reviewCopies(this.#review, peer, known, (copy) => !awaiting.has(copy.id)) : null,
      reviewChain(this.#review, peer, checked),
    ]).then(() => undefined);
    return { reviewed };
  }

  /**
   * `author`'s key is pinned now (a hello with them verified): the messages of theirs that others
   * forwarded before it was known are checked. Those that verify lose their unverified mark; those
   * that do not are forgeries and are deleted, so the next catch-up fetches the honest copy.
   * Resolves with whether any was held (what is stored may have changed).
   */
  async settleHeld(author: string): Promise<boolean> {
    const { store, verifier, links } = this.#deps;
    const held = await store.authorship.awaitingKeyOf(author);
    if (held.length === 0) return false;
    // A held deleted row stands on its tombstone: that is what is checked.
    const verdicts = await verifier.check(held.map((message) => message.proof ?? message));
    const verified = held.filter((_, i) => verdicts[i] === 'valid').map((message) => message.id);
    const forged = held.filter((_, i) => verdicts[i] === 'invalid').map((message) => message.id);
    const kept = await store.authorship.settle(verified, forged);
    if (forged.length > 0) {
      links.warn(
        `${forged.length} forwarded message(s) of ${author} did not verify against their key: removed`,
      );
    }
    const open = this.#deps.open();
    for (const id of forged) open?.remove(id);
    for (const row of kept) open?.upsert(row);
    for (const row of kept) if (row.tombstone) await this.#redact(row);
    this.#deps.changed();
    return true;
  }
}

/** Someone else's message as stored here. */
export function incomingRow(message: ChatMessage, receivedAt: number): StoredMessage {
  return { ...message, recipients: [], deliveredTo: [], sent: false, receivedAt };
}
