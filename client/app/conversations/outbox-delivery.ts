/**
 * The sending side of messages: numbering, sending at once over open channels, the outbox for
 * everyone else, re-sending when a connection opens, and acknowledgements.
 */
import type { FileInfo } from '../../../shared/file-protocol.js';
import { LOBBY_CONVERSATION } from '../../../shared/peer-protocol.js';
import type { ReactionBody } from '../../../shared/peer-protocol.js';
import { randomHex } from '../../net/random-id.js';
import type { AccountStore } from '../../storage/account-store.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import type { PeerLinks } from '../peer-links.js';
import type { Directory } from '../roster/directory.js';
import { toWire } from '../../storage/stored-message.js';

export interface OutboxDeliveryDeps {
  readonly links: Pick<PeerLinks, 'send' | 'isOpen' | 'connect' | 'warn'>;
  readonly directory: Directory;
  readonly store: AccountStore;
  /** One of this user's messages changed (sent, delivered); the view may show it. */
  updated(message: StoredMessage): void;
}

export class OutboxDelivery {
  readonly #deps: OutboxDeliveryDeps;
  /** Own messages on their way into storage, by id: an ack may overtake the write. */
  readonly #persisting = new Map<string, Promise<void>>();
  /** conversation → the seq of the next own message there. */
  readonly #seqs = new Map<string, Promise<number>>();
  /** Per-peer chain so outbox flushes for one peer never interleave. */
  readonly #flushes = new Map<string, Promise<void>>();
  #closed = false;

  constructor(deps: OutboxDeliveryDeps) {
    this.#deps = deps;
  }

  /** Everyone a message to `conversation` goes to now. */
  recipientsOf(conversation: string): string[] {
    const { directory } = this.#deps;
    return directory.membersOf(conversation).filter((user) => user !== directory.me);
  }

  /**
   * Sends a message with `body` (text or a file offer, already checked) to everyone else in
   * `conversation`. `shown` receives the message before anything waits for storage; the returned
   * promise settles once it is stored.
   */
  async send(
    conversation: string,
    body: { text: string } | { file: FileInfo } | { reaction: ReactionBody },
    shown: (message: StoredMessage) => void,
    id: string = randomHex(16),
  ): Promise<void> {
    const { directory, store } = this.#deps;
    const recipients = this.recipientsOf(conversation);
    const seq = await this.#takeSeq(conversation);
    const draft = { id, conversation, sentAt: Date.now(), ...body, seq };
    const message: StoredMessage = {
      ...draft,
      author: directory.me,
      recipients,
      deliveredTo: [],
      sent: false,
    };
    // The common case, open channels, goes out before anything waits for storage; the outbox
    // rows written next cover every other case (and a lost frame: no ack, so it is sent again).
    let sent = recipients.length === 0;
    for (const peer of recipients) {
      if (this.#deps.links.send(peer, { type: 'message', message: toWire(message) })) sent = true;
    }
    shown({ ...message, sent });
    const persisting = store.addOwnMessage({ ...draft, sent }, recipients);
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
    for (const peer of recipients) {
      if (!this.#deps.links.isOpen(peer) && directory.isOnline(peer)) this.#deps.links.connect(peer);
    }
  }

  /** `peer` stored these messages. */
  async acked(peer: string, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      await this.#persisting.get(id);
      const updated = await this.#deps.store.markDelivered(id, peer);
      if (updated) this.#deps.updated(updated);
    }
  }

  /** Whether anything waits for `peer`. */
  async hasPending(peer: string): Promise<boolean> {
    return (await this.#deps.store.pendingFor(peer)).length > 0;
  }

  /** Re-sends every message `peer` has not acknowledged, oldest first; serialized per peer. */
  flush(peer: string): Promise<void> {
    const previous = this.#flushes.get(peer) ?? Promise.resolve();
    const next = previous.then(async () => {
      const { directory, store } = this.#deps;
      if (this.#closed) return;
      const gone: string[] = [];
      for (const message of await store.pendingFor(peer)) {
        // Someone who left a group gets nothing more of it; the Lobby is whoever is online.
        if (message.conversation !== LOBBY_CONVERSATION && !directory.isMember(message.conversation, peer)) {
          gone.push(message.id);
          continue;
        }
        if (!this.#deps.links.send(peer, { type: 'message', message: toWire(message) })) return;
        if (!message.sent) {
          const updated = await store.markSent(message.id);
          if (updated) this.#deps.updated(updated);
        }
      }
      if (gone.length > 0) await store.dropFromOutbox(peer, gone);
    });
    const settled = next.catch((error: unknown) =>
      this.#deps.links.warn(`delivery to ${peer} failed`, error),
    );
    this.#flushes.set(peer, settled);
    return settled;
  }

  close(): void {
    this.#closed = true;
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
