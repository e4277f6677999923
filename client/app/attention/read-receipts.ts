/**
 * Read receipts: while a conversation is on screen (open, page visible), the ids of others' messages
 * in it go back to their authors in `read` frames; an author stores who read each own message, and
 * the view turns it from `delivered` to `read`.
 */
import { ErrorCode } from '../../../shared/errors.js';
import { MAX_ACK_IDS } from '../../../shared/peer-protocol.js';
import type { AccountStore } from '../../storage/account-store.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import type { PeerLinks } from '../peer-links.js';
import type { Directory } from '../roster/directory.js';

export interface ReadReceiptsDeps {
  readonly links: Pick<PeerLinks, 'send' | 'isOpen' | 'warn'>;
  readonly directory: Directory;
  readonly store: AccountStore;
  /** One of this user's messages was read by someone more. */
  updated(message: StoredMessage): void;
}

export class ReadReceipts {
  readonly #deps: ReadReceiptsDeps;
  /**
   * Ids already reported to their authors, this session. Not stored: after a reload the messages
   * on screen are reported again, which the author's store takes as a no-op.
   */
  readonly #reported = new Set<string>();

  constructor(deps: ReadReceiptsDeps) {
    this.#deps = deps;
  }

  /**
   * The person has these messages of `conversation` on screen: each author whose connection is
   * open hears which of theirs, in frames of at most `MAX_ACK_IDS` ids. Authors not connected are
   * told the next time this is called with their connection open.
   */
  seen(conversation: string, messages: ReadonlyArray<{ id: string; author: string; own: boolean }>): void {
    const byAuthor = new Map<string, string[]>();
    for (const message of messages) {
      if (message.own || this.#reported.has(message.id)) continue;
      const ids = byAuthor.get(message.author);
      if (ids) ids.push(message.id);
      else byAuthor.set(message.author, [message.id]);
    }
    for (const [author, ids] of byAuthor) {
      if (!this.#deps.links.isOpen(author)) continue;
      for (let start = 0; start < ids.length; start += MAX_ACK_IDS) {
        const batch = ids.slice(start, start + MAX_ACK_IDS);
        if (!this.#deps.links.send(author, { type: 'read', conversation, ids: batch })) break;
        for (const id of batch) this.#reported.add(id);
      }
    }
  }

  /**
   * `peer` read these messages of `conversation`. Counted only for a member of the conversation and
   * only on this user's own messages that were sent to `peer` (the store checks each id).
   */
  async received(peer: string, conversation: string, ids: readonly string[]): Promise<void> {
    const { directory } = this.#deps;
    if (peer === directory.me || !directory.isMember(conversation, peer)) {
      this.#deps.links.warn(
        `${peer} sent read receipts for a conversation it is not in (${ErrorCode.ForbiddenConversation})`,
      );
      return;
    }
    const updated = await this.#deps.store.markReadBy(conversation, ids, peer);
    for (const message of updated) this.#deps.updated(message);
  }
}
