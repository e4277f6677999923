/**
 * Copies that were not stored because their id or their author's position was taken: the same
 * message again (nothing to say), an altered copy (warned about; the first stays), or — when both
 * copies carry a signature that verified against the author's key — equivocation: the author signed
 * two different messages for one (conversation, seq). Only the author's key could have made both, so
 * the evidence is kept and the conversation says so; the first copy still stays.
 */
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import type { AccountStore } from '../../storage/account-store.js';
import type { Equivocation } from '../../storage/authorship-store.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import { isSigned, toWire } from '../../storage/stored-message.js';
import { messageHash } from '../identity/message-signing.js';
import type { Warn } from '../warn.js';
import { differsFrom, warnConflict } from './arrival-checks.js';

export type { Equivocation } from '../../storage/authorship-store.js';

export interface CopyReviewDeps {
  readonly store: Pick<AccountStore, 'getMessage' | 'authorship'>;
  readonly warn: Warn;
  /** Equivocation was found (and its evidence stored): the conversation shows it. */
  found(evidence: Equivocation): void;
}

/** What the conversation says about an equivocation. */
export function equivocationNotice(evidence: Pick<Equivocation, 'author' | 'seq'>): string {
  return `${evidence.author} signed conflicting messages (number ${evidence.seq}): the first one received is shown`;
}

/**
 * Reviews `copies` from `peer` that were not stored. `verified` says which copies' signatures
 * verified against their author's pinned key: only those can prove equivocation.
 */
export async function reviewCopies(
  deps: CopyReviewDeps,
  peer: string,
  copies: readonly ChatMessage[],
  verified: (copy: ChatMessage) => boolean,
): Promise<void> {
  for (const copy of copies) {
    const byId = await deps.store.getMessage(copy.id);
    // Deleted here: its author took it back; a copy that still says something is no second history.
    if (byId?.deleted) continue;
    if (byId && !differsFrom(byId, copy)) continue;
    const first = byId ?? (await deps.store.authorship.at(copy.conversation, copy.author, copy.seq));
    if (!first) continue;
    if (verified(copy) && checked(first) && samePosition(first, copy)) {
      await record(deps, peer, first, copy);
    } else if (byId) {
      warnConflict(deps.warn, peer, copy.id);
    } else {
      deps.warn(`${peer} forwarded a second message at seq ${copy.seq} of ${copy.author}`);
    }
  }
}

/**
 * Checks the chain links of `messages` from `peer` (just stored, their signatures verified): each
 * one's `prev` must be the hash of what its author stored at seq − 1, and the message stored at
 * seq + 1 must name this one. A link that does not match, between two checked messages, is the
 * author's signature on two histories — equivocation at the earlier seq, found even when the other
 * copy itself never arrives here. The kept copy is the one held; the other, the message naming
 * another predecessor.
 */
export async function reviewChain(
  deps: CopyReviewDeps,
  peer: string,
  messages: readonly ChatMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  const ids = new Set(messages.map((message) => message.id));
  const byPlace = new Map(messages.map((message) => [place(message, 0), message]));
  const ends = messages.filter((m) => !byPlace.has(place(m, -1)) || !byPlace.has(place(m, 1)));
  // Asked for first, before anything is awaited: the caller stores the next batch meanwhile, and a
  // read asked for before that batch's transaction sees the store without it.
  const reading = deps.store.authorship.neighbours(ends);
  // Awaited below; should hashing fail first, its failure is the one reported.
  reading.catch(() => undefined);
  // A neighbour in `messages` is what is stored there (they were just stored): only the ends of
  // each run are read back, and the hashes a later message in the run links to are taken all at
  // once — a catch-up batch is a run. A live message alone hashes nothing of its own.
  const linkedTo = messages.filter((message) => byPlace.has(place(message, 1)));
  const hashes = new Map(
    await Promise.all(linkedTo.map(async (message) => [message.id, await messageHash(message)] as const)),
  );
  const read = await reading;
  const stored = new Map(ends.map((message, i) => [message.id, read[i]!]));
  for (const message of messages) {
    const inBatch = byPlace.get(place(message, -1));
    const before = inBatch ?? stored.get(message.id)?.before;
    const beforeHash = inBatch ? hashes.get(inBatch.id) : before && (await messageHash(before));
    if (before && checked(before) && message.prev !== beforeHash) {
      await record(deps, peer, before, message);
    }
    if (byPlace.has(place(message, 1))) continue;
    // A later message already held that names another message at this one's seq.
    const after = stored.get(message.id)?.after;
    if (after && !ids.has(after.id) && checked(after) && after.prev !== (await messageHash(message))) {
      await record(deps, peer, message, after);
    }
  }
}

/** Where `message`'s neighbour `step` seqs away sits, as a key. */
function place(message: ChatMessage, step: number): string {
  return `${message.conversation}\n${message.author}\n${message.seq + step}`;
}

async function record(
  deps: CopyReviewDeps,
  peer: string,
  kept: ChatMessage,
  other: ChatMessage,
): Promise<void> {
  const evidence: Equivocation = {
    conversation: kept.conversation,
    author: kept.author,
    seq: kept.seq,
    kept: toWire(kept),
    other: toWire(other),
    from: peer,
    at: Date.now(),
  };
  await deps.store.authorship.addEquivocation(evidence);
  deps.warn(
    `${kept.author} signed conflicting messages at seq ${kept.seq} of ${kept.conversation} (from ${peer})`,
  );
  deps.found(evidence);
}

/** A stored copy whose signature was checked when it came (or our own, signed here). */
function checked(message: ChatMessage & Pick<StoredMessage, 'awaitingKey'>): boolean {
  return message.awaitingKey === undefined && isSigned(message);
}

function samePosition(a: ChatMessage, b: ChatMessage): boolean {
  return a.conversation === b.conversation && a.author === b.author && a.seq === b.seq;
}
