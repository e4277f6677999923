/**
 * Every frame a peer sends, routed to the feature that handles it, and what a data channel opening
 * or closing means to each feature. File frames pace a transfer, so
 * they go straight to the transfers; the rest are handled one at a time in each peer's order (an ack
 * must not overtake the message it follows), in a queue per peer that is dropped once it drains.
 * A flood is cut on the way in (inbound-limits.ts): `typing`, `read` and `sync-heads` past their
 * token bucket, and anything past a full queue, are dropped with one warning per flood.
 */
import type { AppFrame } from '../../shared/peer-protocol.js';
import type { GroupSync } from './conversations/group-sync.js';
import type { Inbox } from './conversations/inbox.js';
import type { OutboxDelivery } from './conversations/outbox-delivery.js';
import type { ReadReceipts } from './attention/read-receipts.js';
import type { TypingIndicator } from './attention/typing-indicator.js';
import { isFileFrame } from './files/file-transfers.js';
import type { FileFrame, FileTransfers } from './files/file-transfers.js';
import { InboundLimiter, MAX_QUEUED_FRAMES, isLimited } from './inbound-limits.js';
import type { Warn } from './warn.js';

/** Frames handled in each peer's order; file frames go straight to the transfers instead. */
export type QueuedFrame = Exclude<InboundFrame, FileFrame>;
/** What the mesh hands on: every frame but the identity hello, which it runs itself. */
type InboundFrame = AppFrame;

/** The features frames and connection events go to, each by the few methods that take them. */
export interface InboundRoutes {
  readonly inbox: Pick<Inbox, 'receive' | 'showArriving'>;
  readonly delivery: Pick<OutboxDelivery, 'acked' | 'flush' | 'settled'>;
  readonly sync: Pick<
    GroupSync,
    'onAck' | 'onHeads' | 'arriving' | 'onBatches' | 'onDeleted' | 'onDone' | 'announce' | 'connectionClosed'
  >;
  readonly typing: Pick<TypingIndicator, 'received'>;
  readonly receipts: Pick<ReadReceipts, 'received'>;
  readonly files: Pick<FileTransfers, 'frame' | 'chunk' | 'connectionOpened' | 'connectionClosed'>;
  /** The open conversation tells its peers what this user has read (when the page is in view). */
  reportSeen(): void;
  /** Something visible changed. */
  changed(): void;
  warn: Warn;
}

export class PeerInbound {
  readonly #routes: InboundRoutes;
  /** Frames waiting for their turn, per peer; a peer with no entry has nothing being handled. */
  readonly #queues = new Map<string, QueuedFrame[]>();
  readonly #limiter: InboundLimiter;
  /** `${kind}\n${peer}` of each flood being dropped now: warned about once, until it subsides. */
  readonly #flooding = new Set<string>();
  #closed = false;

  constructor(routes: InboundRoutes, limiter = new InboundLimiter()) {
    this.#routes = routes;
    this.#limiter = limiter;
  }

  /** A text frame from `peer`, already validated by the mesh. */
  frame(peer: string, frame: InboundFrame): void {
    if (this.#closed) return;
    if (isFileFrame(frame)) {
      // File frames pace a transfer: they must not wait behind message writes.
      this.#routes.files.frame(peer, frame).catch((error: unknown) => this.#failed(peer, frame.type, error));
      return;
    }
    const queue = this.#queues.get(peer);
    if (!this.#admit(peer, frame.type, queue?.length ?? 0)) return;
    // A message shows the moment it arrives; storing it (and the ack) then takes its turn in the
    // peer's queue, which a file's chunk writes can slow to a crawl.
    if (frame.type === 'message') this.#routes.inbox.showArriving(peer, frame.message);
    // A catch-up batch's signatures are checked while the batches before it are stored.
    if (frame.type === 'sync-batch') this.#routes.sync.arriving(peer, frame);
    if (queue) {
      queue.push(frame);
      return;
    }
    const started = [frame];
    this.#queues.set(peer, started);
    void this.#drain(peer, started);
  }

  /** A binary frame from `peer`: a file chunk. */
  chunk(peer: string, bytes: Uint8Array): void {
    if (!this.#closed) this.#routes.files.chunk(peer, bytes);
  }

  /** A data channel opened: the outbox goes out, groups catch up, transfers go on, reads are told. */
  opened(peer: string): void {
    if (this.#closed) return;
    const routes = this.#routes;
    void routes.delivery.flush(peer).then(() => routes.changed());
    void routes.sync.announce(peer);
    routes.files.connectionOpened(peer);
    routes.reportSeen();
    routes.changed();
  }

  /** A data channel closed (or its peer went offline): what streamed over it stops. */
  closed(peer: string): void {
    this.#routes.sync.connectionClosed(peer);
    this.#routes.files.connectionClosed(peer);
  }

  /** Frames still queued are dropped; one being handled finishes. */
  close(): void {
    this.#closed = true;
    for (const queue of this.#queues.values()) queue.length = 0;
  }

  /**
   * A frame's handling threw. Once closed, that is the storage closing under the frame being
   * handled (the page is going away), not a fault: nothing is lost that a reload would not fetch.
   */
  #failed(peer: string, kind: AppFrame['type'], error: unknown): void {
    if (!this.#closed) this.#routes.warn(`handling ${kind} from ${peer} failed`, error);
  }

  /** Whether a frame of `kind` from `peer` may join its queue of `queued`; warns once per flood. */
  #admit(peer: string, kind: QueuedFrame['type'], queued: number): boolean {
    const full = queued >= MAX_QUEUED_FRAMES;
    const limited = !full && isLimited(kind) && !this.#limiter.allow(peer, kind);
    const flood = `${full ? 'queue' : kind}\n${peer}`;
    if (!full && !limited) {
      this.#flooding.delete(flood);
      if (queued === 0) this.#flooding.delete(`queue\n${peer}`);
      return true;
    }
    if (!this.#flooding.has(flood)) {
      this.#flooding.add(flood);
      this.#routes.warn(
        full
          ? `${peer} sent frames faster than they can be handled: dropping them`
          : `${peer} sent ${kind} frames too fast: dropping them`,
      );
    }
    return false;
  }

  async #drain(peer: string, queue: QueuedFrame[]): Promise<void> {
    for (let frame = queue.shift(); frame; frame = queue.shift()) {
      try {
        await this.#handle(peer, frame, queue);
      } catch (error) {
        this.#failed(peer, frame.type, error);
      }
    }
    // Checked and removed in the same turn as the last shift: a frame arriving later starts anew.
    this.#queues.delete(peer);
  }

  /** `frame`, the next of `peer`'s `queue` (the batches queued behind a batch join it). */
  async #handle(peer: string, frame: QueuedFrame, queue: QueuedFrame[]): Promise<void> {
    if (this.#closed) return;
    const routes = this.#routes;
    switch (frame.type) {
      case 'message':
        return routes.inbox.receive(peer, frame.message);
      case 'ack': {
        const ended = routes.sync.onAck(peer, frame.refused ? [...frame.ids, ...frame.refused] : frame.ids);
        // Not awaited: the next acks of a burst are written with this one (ack-gathering.ts).
        if (frame.ids.length > 0)
          void routes.delivery.acked(peer, frame.ids, ended).then(
            () => routes.changed(),
            (error: unknown) => this.#failed(peer, 'ack', error),
          );
        else routes.changed();
        return;
      }
      case 'sync-heads':
        await routes.sync.onHeads(peer, frame);
        // Its heads marked what it holds of ours delivered: shown now, not at the next render
        // something else asks for (a burst caught up from another member stayed `delivered to 3 of 4`).
        routes.changed();
        return;
      case 'sync-batch': {
        const frames = [frame, ...nextBatches(queue, frame, MERGED_BATCHES - 1)] as const;
        let room = MERGED_BATCHES - frames.length;
        // Those queued while these are checked may join them (GroupSync.onBatches).
        return routes.sync.onBatches(peer, frames, () => {
          const joining = nextBatches(queue, frame, room);
          room -= joining.length;
          return joining;
        });
      }
      case 'sync-deleted':
        return routes.sync.onDeleted(peer, frame);
      case 'sync-done':
        routes.sync.onDone(peer, frame.conversation);
        return;
      case 'typing':
        routes.typing.received(peer, frame.conversation);
        return;
      case 'read':
        // A receipt can overtake the write of the own message it is about (outbox-delivery.ts).
        await routes.delivery.settled();
        return routes.receipts.received(peer, frame.conversation, frame.ids);
      default: {
        const unreachable: never = frame;
        return unreachable;
      }
    }
  }
}

/**
 * How many catch-up batches of one conversation, queued behind the first (by the time it is
 * handled, or while its signatures are checked), are taken in with it: stored in one
 * transaction, each acked for its own ids. They come a few at a time
 * (`SYNC_BATCHES_IN_FLIGHT`) while the one before is stored; each transaction and its reads cost
 * a round trip to the browser's storage, on a member's critical path back.
 */
export const MERGED_BATCHES = 4;

/** The catch-up batches of `first`'s conversation next in `queue` (taken off it), up to `most`. */
function nextBatches(
  queue: QueuedFrame[],
  first: Extract<QueuedFrame, { type: 'sync-batch' }>,
  most: number,
) {
  const taken: Array<Extract<QueuedFrame, { type: 'sync-batch' }>> = [];
  for (let next = queue[0]; taken.length < most; next = queue[0]) {
    if (next?.type !== 'sync-batch' || next.conversation !== first.conversation) break;
    taken.push(next);
    queue.shift();
  }
  return taken;
}
