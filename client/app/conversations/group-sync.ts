/**
 * Catch-up for groups: when two members connect, each tells the other, per shared group, how far it
 * holds each author's messages (`sync-heads`); the other sends what is missing (`sync-batch`), one
 * bounded batch at a time, the next after the previous one's ack. So a member who was away gets
 * everything from whoever is online, even when the author is not.
 */
import {
  MAX_SYNC_AUTHORS,
  MAX_SYNC_BATCH,
  SYNC_BATCH_TARGET_BYTES,
  utf8ByteLength,
} from '../../../shared/peer-protocol.js';
import type { ChatMessage, PeerFrame } from '../../../shared/peer-protocol.js';
import type { AccountStore } from '../../storage/account-store.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import type { PeerLinks } from '../peer-links.js';
import type { Directory } from '../roster/directory.js';
import { toWire } from '../../storage/stored-message.js';
import { differsFrom, forwardedProblem, seqReach, warnConflict } from './arrival-checks.js';

type SyncHeadsFrame = Extract<PeerFrame, { type: 'sync-heads' }>;
type SyncBatchFrame = Extract<PeerFrame, { type: 'sync-batch' }>;

export interface GroupSyncDeps {
  readonly links: Pick<PeerLinks, 'send' | 'warn'>;
  readonly directory: Directory;
  readonly store: AccountStore;
  /** Stores forwarded messages of one conversation from `peer` (already checked here) in one go. */
  accept(peer: string, conversation: string, messages: readonly ChatMessage[]): Promise<void>;
}

/** What one peer still lacks of one group, and the batch on its way. */
interface Stream {
  peer: string;
  conversation: string;
  queue: StoredMessage[];
  inFlight: Set<string>;
}

export class GroupSync {
  readonly #deps: GroupSyncDeps;
  /** `${peer}\n${conversation}` → its stream. */
  readonly #streams = new Map<string, Stream>();

  constructor(deps: GroupSyncDeps) {
    this.#deps = deps;
  }

  /** Tells `peer` how far this side holds each shared group (or just `conversations`). */
  async announce(peer: string, conversations = this.#deps.directory.sharedGroups(peer)): Promise<void> {
    for (const conversation of conversations) {
      const heads = await this.#deps.store.heads(conversation);
      const list = [...heads].slice(0, MAX_SYNC_AUTHORS).map(([author, seq]) => ({ author, seq }));
      this.#deps.links.send(peer, { type: 'sync-heads', conversation, heads: list });
    }
  }

  /** `peer` said how far it holds a group: stream it what it lacks. */
  async onHeads(peer: string, frame: SyncHeadsFrame): Promise<void> {
    const { conversation } = frame;
    if (!this.#shared(peer, conversation)) {
      this.#deps.links.warn(`${peer} asked to catch up on ${conversation}, which we do not share`);
      return;
    }
    const heads = new Map(frame.heads.map(({ author, seq }) => [author, seq]));
    // A member added later gets what was said from the moment they joined.
    const since = this.#deps.directory.memberSince(conversation, peer);
    const missing = await this.#deps.store.missingFor(conversation, heads, since);
    const stream: Stream = {
      peer,
      conversation,
      // Their own messages they have, or will get back from nobody: never send them anyone's word for it.
      queue: missing.filter((message) => message.author !== peer),
      inFlight: new Set(),
    };
    this.#streams.set(streamKey(peer, conversation), stream);
    this.#sendNext(stream);
  }

  /** Acks from `peer`: a batch fully acked lets the next one go. */
  onAck(peer: string, ids: readonly string[]): void {
    for (const stream of this.#streams.values()) {
      if (stream.peer !== peer || stream.inFlight.size === 0) continue;
      for (const id of ids) stream.inFlight.delete(id);
      if (stream.inFlight.size === 0) this.#sendNext(stream);
    }
  }

  /** Messages `peer` forwarded: each is checked, stored unless known, and the batch acked. */
  async onBatch(peer: string, frame: SyncBatchFrame): Promise<void> {
    const { conversation } = frame;
    if (!this.#shared(peer, conversation)) {
      this.#deps.links.warn(`${peer} forwarded messages of ${conversation}, which we do not share`);
      return;
    }
    const accepted = await this.#acceptable(peer, frame);
    if (accepted.length > 0) await this.#deps.accept(peer, conversation, accepted);
    // Processed, stored or refused: the sender may go on.
    this.#deps.links.send(peer, { type: 'ack', ids: frame.messages.map((message) => message.id) });
  }

  /** The messages of a forwarded batch that pass the arrival checks; each refusal is warned about. */
  async #acceptable(peer: string, frame: SyncBatchFrame): Promise<ChatMessage[]> {
    const { conversation } = frame;
    const { directory, store, links } = this.#deps;
    const now = Date.now();
    const checked = frame.messages.filter((message) => {
      const problem = forwardedProblem(conversation, message, directory, now);
      if (problem) links.warn(`${peer} forwarded a message ${problem} into ${conversation}`);
      return problem === null;
    });
    const { beyond, held } = seqReach(checked, await store.heads(conversation));
    const accepted: ChatMessage[] = [];
    for (const message of checked) {
      if (beyond.has(message)) {
        links.warn(`${peer} forwarded seq ${message.seq} of ${message.author}, which is out of reach`);
      } else if (held.has(message)) {
        // A position we fill: the same message again (dropped), or another one there (refused).
        const stored = await store.getMessage(message.id);
        if (!stored)
          links.warn(`${peer} forwarded a second message at seq ${message.seq} of ${message.author}`);
        else if (differsFrom(stored, message)) warnConflict(links.warn, peer, message.id);
      } else {
        accepted.push(message);
      }
    }
    return accepted;
  }

  /** The connection to `peer` closed: what was streaming starts over on the next `sync-heads`. */
  connectionClosed(peer: string): void {
    for (const [key, stream] of this.#streams) if (stream.peer === peer) this.#streams.delete(key);
  }

  #shared(peer: string, conversation: string): boolean {
    const directory = this.#deps.directory;
    return (
      directory.kindOf(conversation) === 'group' &&
      directory.isMember(conversation, directory.me) &&
      directory.isMember(conversation, peer)
    );
  }

  #sendNext(stream: Stream): void {
    const key = streamKey(stream.peer, stream.conversation);
    if (this.#streams.get(key) !== stream) return;
    if (stream.queue.length === 0) {
      this.#streams.delete(key);
      return;
    }
    const batch: ChatMessage[] = [];
    let bytes = 0;
    while (stream.queue.length > 0 && batch.length < MAX_SYNC_BATCH) {
      const next = toWire(stream.queue[0] as StoredMessage);
      const size = utf8ByteLength(JSON.stringify(next));
      if (batch.length > 0 && bytes + size > SYNC_BATCH_TARGET_BYTES) break;
      stream.queue.shift();
      batch.push(next);
      bytes += size;
    }
    stream.inFlight = new Set(batch.map((message) => message.id));
    if (
      !this.#deps.links.send(stream.peer, {
        type: 'sync-batch',
        conversation: stream.conversation,
        messages: batch,
      })
    ) {
      this.#streams.delete(key);
    }
  }
}

function streamKey(peer: string, conversation: string): string {
  return `${peer}\n${conversation}`;
}
