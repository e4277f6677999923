/**
 * How stored messages are packed into catch-up frames, written once for the two senders of batches:
 * a group catch-up (`GroupSync`) and the author's own outbox on reconnect (`OutboxDelivery`). A
 * deleted message goes as its place and its author's tombstone (`sync-deleted`), never as a message:
 * its signature no longer covers what is left of it.
 */
import {
  MAX_SYNC_BATCH,
  MAX_SYNC_DELETED,
  SYNC_BATCH_TARGET_BYTES,
  utf8ByteLength,
} from '../../../shared/peer-protocol.js';
import type { ChatMessage, DeletedMessage, PeerFrame } from '../../../shared/peer-protocol.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import { toWire } from '../../storage/stored-message.js';

export type SyncFrame = Extract<PeerFrame, { type: 'sync-batch' | 'sync-deleted' }>;

/**
 * Takes the next batch off the front of `queue`: up to `MAX_SYNC_BATCH` messages and about
 * `SYNC_BATCH_TARGET_BYTES` (a single larger message still goes, alone), up to the first deleted
 * row. Empty only if `queue` is, or starts with a deleted row.
 */
export function takeBatch(queue: StoredMessage[]): ChatMessage[] {
  const batch: ChatMessage[] = [];
  let bytes = 0;
  for (const message of queue) {
    if (batch.length === MAX_SYNC_BATCH || message.deleted) break;
    const next = toWire(message);
    const size = utf8ByteLength(JSON.stringify(next));
    if (batch.length > 0 && bytes + size > SYNC_BATCH_TARGET_BYTES) break;
    batch.push(next);
    bytes += size;
  }
  queue.splice(0, batch.length);
  return batch;
}

/**
 * The next frame of `conversation` off the front of `queue`, in the queue's order: a `sync-batch`
 * of messages, or a `sync-deleted` of the deleted rows there, each with its tombstone from
 * `tombstones` (by id). A deleted row whose tombstone is not here is dropped: nothing could prove
 * its place. Null once `queue` is empty.
 */
export function takeSyncFrame(
  conversation: string,
  queue: StoredMessage[],
  tombstones: ReadonlyMap<string, ChatMessage>,
): SyncFrame | null {
  while (queue.length > 0) {
    const messages = takeBatch(queue);
    if (messages.length > 0) return { type: 'sync-batch', conversation, messages };
    const run = queue.findIndex((message) => !message.deleted);
    const rows = queue.splice(0, Math.min(run < 0 ? queue.length : run, MAX_SYNC_DELETED));
    const deleted = rows.flatMap((row) => {
      // Held here on a tombstone still to be checked: that one goes with it.
      const tombstone =
        row.proof ?? (row.deletedBy === undefined ? undefined : tombstones.get(row.deletedBy));
      return tombstone && row.hash !== undefined ? [placeOf(row, row.hash, tombstone)] : [];
    });
    if (deleted.length > 0) return { type: 'sync-deleted', conversation, deleted };
  }
  return null;
}

/** The tombstones of the deleted rows among `rows`, by id, as stored here. */
export async function tombstonesOf(
  rows: readonly StoredMessage[],
  getMessage: (id: string) => Promise<StoredMessage | undefined>,
): Promise<Map<string, ChatMessage>> {
  const ids = rows.flatMap((row) => (row.deleted && row.deletedBy !== undefined ? [row.deletedBy] : []));
  const found = await Promise.all(ids.map((id) => getMessage(id)));
  return new Map(
    found.flatMap((tombstone) => (tombstone ? [[tombstone.id, toWire(tombstone)] as const] : [])),
  );
}

/** The ids a frame carries: what its ack names. */
export function idsOf(frame: SyncFrame): string[] {
  return frame.type === 'sync-batch'
    ? frame.messages.map((message) => message.id)
    : frame.deleted.map((entry) => entry.id);
}

function placeOf(row: StoredMessage, hash: string, tombstone: ChatMessage): DeletedMessage {
  const { id, conversation, author, seq, sentAt } = row;
  return { id, conversation, author, seq, sentAt, hash, tombstone };
}
