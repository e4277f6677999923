/**
 * How stored messages are packed into `sync-batch` frames, written once for the two senders of
 * batches: a group catch-up (`GroupSync`) and the author's own outbox on reconnect (`OutboxDelivery`).
 */
import { MAX_SYNC_BATCH, SYNC_BATCH_TARGET_BYTES, utf8ByteLength } from '../../../shared/peer-protocol.js';
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import { toWire } from '../../storage/stored-message.js';

/**
 * Takes the next batch off the front of `queue`: up to `MAX_SYNC_BATCH` messages and about
 * `SYNC_BATCH_TARGET_BYTES` (a single larger message still goes, alone). Empty only if `queue` is.
 */
export function takeBatch(queue: StoredMessage[]): ChatMessage[] {
  const batch: ChatMessage[] = [];
  let bytes = 0;
  for (const message of queue) {
    if (batch.length === MAX_SYNC_BATCH) break;
    const next = toWire(message);
    const size = utf8ByteLength(JSON.stringify(next));
    if (batch.length > 0 && bytes + size > SYNC_BATCH_TARGET_BYTES) break;
    batch.push(next);
    bytes += size;
  }
  queue.splice(0, batch.length);
  return batch;
}
