/**
 * The sending side of messages: numbering, sending at once over open channels, the outbox for
 * everyone else, re-sending when a connection opens, and acknowledgements. A group's backlog is not
 * re-sent from here: group catch-up (catch-up-streams.ts) streams it in seq order, batched and windowed,
 * with what others wrote, and the member's heads tell this side what it holds (`heldBy`).
 */
import type { Clock } from '../../net/clock.js';
import { AckGatherer } from './ack-gathering.js';
import type { FileInfo } from '../../../shared/file-protocol.js';
import { LOBBY_CONVERSATION } from '../../../shared/peer-protocol.js';
import type { EditBody, ReactionBody, TombstoneBody } from '../../../shared/peer-protocol.js';
import { randomHex } from '../../net/random-id.js';
import type { AccountStore, OwnMessageDraft } from '../../storage/account-store.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import type { PeerLinks } from '../peer-links.js';
import type { Directory } from '../roster/directory.js';
import type { DeviceKey } from '../identity/device-key.js';
import { MessageSigner } from '../identity/message-signing.js';
import { isSigned, toWire } from '../../storage/stored-message.js';

export interface OutboxDeliveryDeps {
  readonly links: Pick<PeerLinks, 'send' | 'isOpen' | 'connect' | 'warn'>;
  readonly directory: Directory;
  readonly store: AccountStore;
  /** This browser's key: each own message is signed before it is stored, so every copy sent carries it. */
  readonly key: Pick<DeviceKey, 'sign'>;
  /** One of this user's messages changed (sent, delivered); the view may show it. */
  updated(message: StoredMessage): void;
  /** Time for gathering a burst of acks (ack-gathering.ts); injected so tests can step it. */
  readonly clock?: Clock;
}

interface PendingWrite {
  draft: OwnMessageDraft;
  recipients: readonly string[];
  resolve(): void;
  reject(error: unknown): void;
}

export class OutboxDelivery {
  readonly #deps: OutboxDeliveryDeps;
  readonly #signer: MessageSigner;
  /** conversation → the seq of the next own message there. */
  readonly #seqs = new Map<string, Promise<number>>();
  /** Own messages waiting for the write under way to finish, to be stored together. */
  readonly #writes: PendingWrite[] = [];
  #writing = false;
  /** Settles when the writes queued so far are done (never rejects: each send hears its own failure). */
  #idle: Promise<void> = Promise.resolve();
  /** Per-peer chain so outbox flushes for one peer never interleave. */
  readonly #flushes = new Map<string, Promise<void>>();
  #closed = false;
  /** Acks, written at once or with the rest of their burst. */
  readonly #acks: AckGatherer;

  constructor(deps: OutboxDeliveryDeps) {
    this.#deps = deps;
    this.#acks = new AckGatherer((peer, ids) => this.#markAcked(peer, ids), deps.clock);
    const { store, directory } = deps;
    this.#signer = new MessageSigner({
      key: deps.key,
      ownAt: (conversation, seq) => store.authorship.at(conversation, directory.me, seq),
    });
  }

  /** Everyone a message to `conversation` goes to now. */
  recipientsOf(conversation: string): string[] {
    const { directory } = this.#deps;
    return directory.membersOf(conversation).filter((user) => user !== directory.me);
  }

  /**
   * Sends a message with `body` (text or a file offer, already checked) to everyone else in
   * `conversation`. `shown` receives the message once it is on the wire (or, with no channel open,
   * stored); the returned promise settles once it is stored and handed to every open channel.
   */
  async send(
    conversation: string,
    body:
      | { text: string; replyTo?: string }
      | { file: FileInfo }
      | { reaction: ReactionBody }
      | { edit: EditBody }
      | { tombstone: TombstoneBody },
    shown: (message: StoredMessage) => void,
    id: string = randomHex(16),
  ): Promise<void> {
    const { directory, store } = this.#deps;
    const recipients = this.recipientsOf(conversation);
    const seq = await this.#takeSeq(conversation);
    const unsigned = { id, conversation, sentAt: Date.now(), ...body, seq };
    // Sealed at once, in seq order (each links to the one before).
    const sealing = this.#signer.seal({ ...unsigned, author: directory.me });
    const sent = recipients.length === 0 || recipients.some((peer) => this.#deps.links.isOpen(peer));
    const row = { author: directory.me, recipients, deliveredTo: [], sent: false };
    const { prev, sig } = await sealing;
    const draft = { ...unsigned, ...(prev === undefined ? {} : { prev }), sig };
    const message: StoredMessage = { ...draft, ...row };
    const own = { draft: { ...draft, sent }, recipients };
    // Kept before it goes on the wire, so a crash in between cannot lose it from our own history:
    // noted synchronously (send-journal.ts) when the browser allows, else stored first (~5 ms).
    // Shown after it went out: rendering it first would hold the frame back by a render. The store
    // starts after it went out too: the journal keeps it meanwhile, and starting the write (its
    // transaction and requests) held the frame back by 13 ms at p90 during a file transfer.
    if (store.sendJournal.write(own)) {
      this.#goOut(message, recipients);
      const storing = this.#store(own.draft, recipients);
      shown({ ...unsigned, ...row, sent });
      // A note whose write failed stays: the next open stores it (`replaySendJournal`).
      await storing.then(() => store.sendJournal.done(id));
      return;
    }
    shown({ ...unsigned, ...row, sent });
    await this.#store(own.draft, recipients);
    this.#goOut(message, recipients);
  }

  /**
   * Resolves once every own message handed to `send` so far is stored. An ack or a read receipt
   * can overtake the write of the message it is about (the frame went out before its transaction
   * committed): recording it waits for this, or it would find no row to mark.
   */
  settled(): Promise<void> {
    return this.#idle;
  }

  /**
   * Stores an own message, together with every other sent while the previous write was under way
   * (group commit: a burst costs a few transactions, not one each). A failed group is written again
   * one by one, so one bad draft fails only its own send.
   */
  #store(draft: OwnMessageDraft, recipients: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#writes.push({ draft, recipients, resolve, reject });
      if (!this.#writing) this.#idle = this.#writeQueued();
    });
  }

  async #writeQueued(): Promise<void> {
    this.#writing = true;
    const { store } = this.#deps;
    for (let group = this.#writes.splice(0); group.length > 0; group = this.#writes.splice(0)) {
      try {
        await store.addOwnMessages(group);
        for (const write of group) write.resolve();
      } catch (error) {
        if (group.length === 1) group[0]!.reject(error);
        else
          for (const write of group) {
            await store.addOwnMessage(write.draft, [...write.recipients]).then(
              () => write.resolve(),
              (single: unknown) => write.reject(single),
            );
          }
      }
    }
    this.#writing = false;
  }

  /** Sends a stored own message over every open channel; the outbox covers everyone else. */
  #goOut(message: StoredMessage, recipients: readonly string[]): void {
    const { directory } = this.#deps;
    const frame = { type: 'message', message: toWire(message) } as const;
    for (const peer of recipients) {
      if (this.#deps.links.send(peer, frame)) continue;
      if (!this.#deps.links.isOpen(peer) && directory.isOnline(peer)) this.#deps.links.connect(peer);
    }
  }

  /**
   * `peer` stored these messages: recorded in one transaction, with the other acks of its burst
   * (ack-gathering.ts); `last`: it ended a catch-up stream, so the burst is written now. Settles
   * once recorded; callers that handle frames in order must not wait for it, or a burst could
   * never gather.
   */
  acked(peer: string, ids: readonly string[], last = false): Promise<void> {
    return this.#acks.add(peer, ids, last);
  }

  async #markAcked(peer: string, ids: readonly string[]): Promise<void> {
    await this.#idle;
    for (const updated of await this.#deps.store.markDeliveredMany(ids, peer)) this.#deps.updated(updated);
  }

  /** Whether anything waits for `peer`. */
  async hasPending(peer: string): Promise<boolean> {
    return (await this.#deps.store.pendingFor(peer)).length > 0;
  }

  /**
   * Re-sends every message `peer` has not acknowledged, oldest first, one by one — except those of
   * groups we share, which group catch-up streams once `peer` says what it holds (own messages
   * stored before signing are signed here first, for it to send). Serialized per peer.
   */
  flush(peer: string): Promise<void> {
    const previous = this.#flushes.get(peer) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.#closed) return;
      const pending = await this.#signUnsigned(
        await this.#deps.store.pendingFor(peer, (conversation) => this.#streamsTo(peer, conversation)),
      );
      const { single, gone } = this.#sortPending(peer, pending);
      const sent: StoredMessage[] = [];
      for (const message of single) {
        if (!this.#deps.links.send(peer, { type: 'message', message: toWire(message) })) break;
        sent.push(message);
      }
      await this.wentOut(sent);
      if (gone.length > 0) await this.#deps.store.dropFromOutbox(peer, gone);
    });
    const settled = next.catch((error: unknown) =>
      this.#deps.links.warn(`delivery to ${peer} failed`, error),
    );
    this.#flushes.set(peer, settled);
    return settled;
  }

  /** Settles once the flush for `peer` under way (if any) is done. */
  flushed(peer: string): Promise<void> {
    return this.#flushes.get(peer) ?? Promise.resolve();
  }

  /**
   * `peer` holds our messages of group `conversation` up to `seq` (its catch-up heads say so): the
   * ones still waiting for it there are marked delivered, in one transaction of range reads.
   */
  async heldBy(peer: string, conversation: string, seq: number): Promise<void> {
    // Own messages still being stored may be among them.
    await this.#idle;
    const held = await this.#deps.store.messages.markHeldUpTo(peer, conversation, seq);
    for (const updated of held) this.#deps.updated(updated);
  }

  /** Records in one transaction that these own messages went out (those not already marked). */
  async wentOut(messages: readonly StoredMessage[]): Promise<void> {
    const unsent = messages.filter((message) => !message.sent).map((message) => message.id);
    if (unsent.length === 0) return;
    for (const updated of await this.#deps.store.markSentMany(unsent)) this.#deps.updated(updated);
  }

  close(): void {
    this.#closed = true;
    this.#acks.close();
  }

  /**
   * Own messages stored before messages were signed, still waiting for someone, are signed now (in
   * seq order, each linked to the one before) and stored so: receivers refuse unsigned messages.
   */
  async #signUnsigned(pending: StoredMessage[]): Promise<StoredMessage[]> {
    const unsigned = pending
      .filter((message) => !isSigned(message) && !message.deleted)
      .sort((a, b) => a.seq - b.seq);
    if (unsigned.length === 0) return pending;
    const sealed = await Promise.all(unsigned.map((message) => this.#signer.seal(message)));
    const stored = new Map(
      (await this.#deps.store.authorship.addSignatures(sealed)).map((message) => [message.id, message]),
    );
    return pending.map((message) => stored.get(message.id) ?? message);
  }

  /** Whether our messages of `conversation` reach `peer` by group catch-up: a group both are in. */
  #streamsTo(peer: string, conversation: string): boolean {
    const { directory } = this.#deps;
    return (
      directory.kindOf(conversation) === 'group' &&
      directory.isMember(conversation, peer) &&
      directory.isMember(conversation, directory.me)
    );
  }

  /**
   * What waits for `peer`, sorted by how it goes: one by one (direct messages and the Lobby), by
   * group catch-up (a group we share: left out here), or not at all (a group they left: nothing
   * more of it goes to them).
   */
  #sortPending(peer: string, pending: readonly StoredMessage[]): { single: StoredMessage[]; gone: string[] } {
    const { directory } = this.#deps;
    const single: StoredMessage[] = [];
    const gone: string[] = [];
    for (const message of pending) {
      const { conversation } = message;
      if (conversation === LOBBY_CONVERSATION) single.push(message);
      else if (!directory.isMember(conversation, peer)) gone.push(message.id);
      else if (!this.#streamsTo(peer, conversation)) single.push(message);
    }
    // A deleted message need not reach anyone outside a group catch-up (whose seqs must have no
    // hole): its tombstone says what there is to know.
    for (const message of single) if (message.deleted) gone.push(message.id);
    return { single: single.filter((message) => !message.deleted), gone };
  }

  /** The next seq of own messages in `conversation`: read from storage once, then counted here. */
  #takeSeq(conversation: string): Promise<number> {
    const next = this.#seqs.get(conversation) ?? this.#deps.store.nextSeq(conversation);
    this.#seqs.set(
      conversation,
      next.then((seq) => seq + 1),
    );
    next.catch(() => this.#seqs.delete(conversation));
    return next;
  }
}
