/**
 * The giving side of group catch-up (group-sync.ts is the asking side): a member said how far it
 * holds a group (`sync-heads`), so it is streamed what it lacks, in seq order, in bounded batches,
 * `SYNC_BATCHES_IN_FLIGHT` waiting for their ack at once, then `sync-done`. Our own messages that a
 * member lacks go this way too, not by the outbox (sent by both, side by side, they interleaved and
 * batches landed past what the member held), and the heads it sent mark ours it holds delivered.
 */
import type { ChatMessage, PeerFrame } from '../../../shared/peer-protocol.js';
import { isSigned } from '../../storage/stored-message.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import type { AccountStore } from '../../storage/account-store.js';
import type { PeerLinks } from '../peer-links.js';
import type { Directory } from '../roster/directory.js';
import type { OutboxDelivery } from './outbox-delivery.js';
import { idsOf, takeSyncFrame, tombstonesOf } from './sync-batches.js';

/** How many batches of one stream may wait for their ack at once. */
export const SYNC_BATCHES_IN_FLIGHT = 4;

type SyncHeadsFrame = Extract<PeerFrame, { type: 'sync-heads' }>;

export interface CatchUpStreamsDeps {
  readonly links: Pick<PeerLinks, 'send' | 'warn'>;
  readonly directory: Directory;
  readonly store: AccountStore;
  /**
   * Our own messages' side: the outbox's work for a peer under way (it signs messages stored before
   * signing) is awaited before streaming; own messages streamed are marked sent; what a peer's heads
   * say it holds of ours is marked delivered to it.
   */
  readonly delivery: Pick<OutboxDelivery, 'flushed' | 'wentOut' | 'heldBy'>;
}

/** What one peer still lacks of one group, and the batches on their way (ids not yet acked). */
interface Stream {
  peer: string;
  conversation: string;
  queue: StoredMessage[];
  /** The tombstones of the deleted rows in `queue`, by id: each goes with its target's place. */
  tombstones: ReadonlyMap<string, ChatMessage>;
  inFlight: Array<Set<string>>;
  /** Whether `sync-done` went: once `queue` is empty. */
  doneSent: boolean;
  /** Our own messages in `queue` not yet marked sent, by id: marked as their batch goes out. */
  ownUnsent: Map<string, StoredMessage>;
}

export class CatchUpStreams {
  readonly #deps: CatchUpStreamsDeps;
  /** `${peer}\n${conversation}` → its stream. */
  readonly #streams = new Map<string, Stream>();

  constructor(deps: CatchUpStreamsDeps) {
    this.#deps = deps;
  }

  /** `peer` (a member of the group: the caller checked) said how far it holds it: stream it what it lacks. */
  async start(peer: string, frame: SyncHeadsFrame): Promise<void> {
    const { conversation } = frame;
    const heads = new Map(frame.heads.map(({ author, seq }) => [author, seq]));
    const { delivery, directory, store } = this.#deps;
    const ownHead = heads.get(directory.me);
    // Their word for what they hold of ours: a lie would only cost them their own receipts. Marked
    // while the stream starts: the first batch need not wait for it.
    const marking =
      ownHead === undefined
        ? Promise.resolve()
        : delivery
            .heldBy(peer, conversation, ownHead)
            .catch((error: unknown) => this.#deps.links.warn(`marking what ${peer} holds failed`, error));
    // A member added later gets what was said from the moment they joined.
    const since = directory.memberSince(conversation, peer);
    // Read while the outbox's flush for this peer (begun as the link opened) runs, not after it: it
    // matters here only when own messages stored before messages were signed are among what they
    // lack — the flush signs those — and then they are read again once it is done.
    let missing = await store.missingFor(conversation, heads, since);
    if (
      missing.some((message) => message.author === directory.me && !isSigned(message) && !message.deleted)
    ) {
      await delivery.flushed(peer);
      missing = await store.missingFor(conversation, heads, since);
    }
    // Their own messages they have, or will get back from nobody: never send them anyone's word
    // for it. Unsigned ones (stored before messages were signed) are refused by every receiver:
    // not sent. Deleted ones go as their place with their tombstone (a hole would stall the
    // author's seqs).
    const queue = missing.filter(
      (message) => message.author !== peer && (isSigned(message) || message.deleted),
    );
    const tombstones = await tombstonesOf(queue, (id) => store.getMessage(id));
    const ownUnsent = new Map(
      queue
        .filter((message) => message.author === directory.me && !message.sent)
        .map((message) => [message.id, message]),
    );
    const stream: Stream = {
      peer,
      conversation,
      queue,
      tombstones,
      inFlight: [],
      doneSent: false,
      ownUnsent,
    };
    this.#streams.set(streamKey(peer, conversation), stream);
    this.#fill(stream);
    await marking;
  }

  /**
   * Acks from `peer`: each batch fully acked lets another one go. True when they acked the last
   * batch of a stream: the member holds all of it.
   */
  acked(peer: string, ids: readonly string[]): boolean {
    let ended = false;
    for (const stream of this.#streams.values()) {
      if (stream.peer !== peer || stream.inFlight.length === 0) continue;
      for (const batch of stream.inFlight) for (const id of ids) batch.delete(id);
      stream.inFlight = stream.inFlight.filter((batch) => batch.size > 0);
      this.#fill(stream);
      if (stream.queue.length === 0 && stream.inFlight.length === 0) ended = true;
    }
    return ended;
  }

  /** The connection to `peer` closed: its streams start over on its next `sync-heads`. */
  closed(peer: string): void {
    for (const [key, stream] of this.#streams) if (stream.peer === peer) this.#streams.delete(key);
  }

  /** Sends batches until `SYNC_BATCHES_IN_FLIGHT` wait for their ack; a drained stream ends. */
  #fill(stream: Stream): void {
    const key = streamKey(stream.peer, stream.conversation);
    if (this.#streams.get(key) !== stream) return;
    while (stream.inFlight.length < SYNC_BATCHES_IN_FLIGHT && stream.queue.length > 0) {
      const frame = takeSyncFrame(stream.conversation, stream.queue, stream.tombstones);
      if (!frame) break;
      const ids = idsOf(frame);
      stream.inFlight.push(new Set(ids));
      if (!this.#deps.links.send(stream.peer, frame)) {
        this.#streams.delete(key);
        return;
      }
      this.#wentOut(stream, ids);
    }
    if (stream.queue.length === 0 && !stream.doneSent) {
      stream.doneSent = true;
      this.#deps.links.send(stream.peer, { type: 'sync-done', conversation: stream.conversation });
    }
    if (stream.queue.length === 0 && stream.inFlight.length === 0) this.#streams.delete(key);
  }

  /** Our own messages among `ids` just went out (on a stream): marked sent, once. */
  #wentOut(stream: Stream, ids: readonly string[]): void {
    const own = ids.flatMap((id) => {
      const message = stream.ownUnsent.get(id);
      stream.ownUnsent.delete(id);
      return message ? [message] : [];
    });
    if (own.length === 0) return;
    this.#deps.delivery
      .wentOut(own)
      .catch((error: unknown) => this.#deps.links.warn('marking own messages sent failed', error));
  }
}

/** The key of `peer`'s state for `conversation`, here and in group-sync.ts. */
export function streamKey(peer: string, conversation: string): string {
  return `${peer}\n${conversation}`;
}
