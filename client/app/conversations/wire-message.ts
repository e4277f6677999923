/**
 * A stored message as it goes on the wire: what its author wrote, never what this device noted about
 * its delivery (recipients, acks, reads), which peers have no business seeing.
 */
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import type { StoredMessage } from '../../storage/stored-message.js';

/** The authored message alone, without what this device stored about its delivery. */
export function toWire(message: StoredMessage): ChatMessage {
  const wire: ChatMessage = {
    id: message.id,
    conversation: message.conversation,
    author: message.author,
    seq: message.seq,
    sentAt: message.sentAt,
  };
  if (message.text !== undefined) wire.text = message.text;
  if (message.file !== undefined) wire.file = message.file;
  if (message.reaction !== undefined) wire.reaction = message.reaction;
  if (message.sig !== undefined) wire.sig = message.sig;
  return wire;
}
