/**
 * What of a forwarded catch-up frame may be taken in: the arrival checks (arrival-checks.ts), the
 * author's signature against their pinned key, and a seq within reach of what this side holds.
 * Each refusal is warned about; what was refused as out of reach is said apart, since asking the
 * forwarder again from where this side is now may bring it in order.
 */
import type { ChatMessage, DeletedMessage, PeerFrame } from '../../../shared/peer-protocol.js';
import type { AccountStore } from '../../storage/account-store.js';
import type { PeerLinks } from '../peer-links.js';
import type { Directory } from '../roster/directory.js';
import {
  forwardedProblem,
  placeAsMessage,
  placeProblem,
  seqReach,
  signatureProblem,
} from './arrival-checks.js';
import type { Inbox } from './inbox.js';
import type { Verdict } from '../identity/message-signing.js';

type SyncBatchFrame = Extract<PeerFrame, { type: 'sync-batch' }>;
type SyncDeletedFrame = Extract<PeerFrame, { type: 'sync-deleted' }>;

export interface ForwardedCheckDeps {
  readonly links: Pick<PeerLinks, 'warn'>;
  readonly directory: Directory;
  readonly store: Pick<AccountStore, 'highestSeqs'>;
  readonly inbox: Pick<Inbox, 'check' | 'actionProblem'>;
}

/**
 * The forwarded places that pass the arrival checks (as messages would), that their tombstone
 * names exactly, whose tombstone's signature is valid — or, when this browser never met the
 * author, carries a signature to check once it does (`awaiting`), as forwarded messages do — and
 * whose seq is within reach.
 */
export async function acceptablePlaces(
  deps: ForwardedCheckDeps,
  peer: string,
  frame: SyncDeletedFrame,
): Promise<{ accepted: DeletedMessage[]; awaiting: Set<string>; outOfReach: boolean }> {
  const { conversation } = frame;
  const { directory, store, links, inbox } = deps;
  const now = Date.now();
  const refuse = (deleted: DeletedMessage, problem: string): void =>
    links.warn(`${peer} forwarded deleted message ${deleted.id} of ${deleted.author} ${problem}`);
  const checked = frame.deleted.filter((deleted) => {
    const problem =
      forwardedProblem(conversation, placeAsMessage(deleted), directory, now) ?? placeProblem(deleted);
    if (problem) refuse(deleted, problem);
    return problem === null;
  });
  const verdicts = await inbox.check(checked.map((deleted) => deleted.tombstone));
  const awaiting = new Set<string>();
  const signed = checked.filter((deleted, i) => {
    const verdict = verdicts[i]!;
    if (verdict === 'unknown-key') awaiting.add(deleted.id);
    const problem = verdict === 'unknown-key' ? null : signatureProblem(verdict);
    if (problem) refuse(deleted, `with a tombstone ${problem}`);
    return problem === null;
  });
  const places = signed.map(placeAsMessage);
  const held = await store.highestSeqs(
    conversation,
    places.map((place) => place.author),
  );
  const { beyond } = seqReach(places, held);
  const accepted = signed.filter((deleted, i) => {
    if (beyond.has(places[i]!)) refuse(deleted, `at seq ${deleted.seq}, which is out of reach`);
    return !beyond.has(places[i]!);
  });
  return { accepted, awaiting, outOfReach: beyond.size > 0 };
}

/**
 * The messages of a forwarded batch that pass the arrival checks and whose signature verifies
 * against their author's pinned key, or — when this browser never met the author — carries a
 * signature to check once it does (`awaiting`); each refusal is warned about. Copies of positions
 * already held go on to the store, which keeps the first, and the inbox compares them.
 */
export async function acceptableMessages(
  deps: ForwardedCheckDeps,
  peer: string,
  frame: SyncBatchFrame,
  early?: Promise<readonly Verdict[]>,
): Promise<{ accepted: ChatMessage[]; awaiting: Set<string>; outOfReach: boolean }> {
  const { conversation } = frame;
  const { directory, store, links, inbox } = deps;
  const now = Date.now();
  const checked = frame.messages.filter((message) => {
    const problem = forwardedProblem(conversation, message, directory, now);
    if (problem) links.warn(`${peer} forwarded a message ${problem} into ${conversation}`);
    return problem === null;
  });
  const verdicts = await verdictsOf(inbox, frame, checked, early);
  const awaiting = new Set<string>();
  const signed = checked.filter((message, i) => {
    const verdict = verdicts[i]!;
    if (verdict === 'unknown-key') awaiting.add(message.id);
    const problem = verdict === 'unknown-key' ? null : signatureProblem(verdict);
    if (problem)
      links.warn(`${peer} forwarded a message of ${message.author} ${problem} into ${conversation}`);
    return problem === null;
  });
  const problems = await Promise.all(signed.map((message) => inbox.actionProblem(message)));
  const allowed = signed.filter((message, i) => {
    const problem = problems[i];
    if (problem) links.warn(`${peer} forwarded a message of ${message.author} ${problem}`);
    return !problem;
  });
  const held = await store.highestSeqs(
    conversation,
    allowed.map((message) => message.author),
  );
  const { beyond } = seqReach(allowed, held);
  for (const message of beyond) {
    links.warn(`${peer} forwarded seq ${message.seq} of ${message.author}, which is out of reach`);
  }
  return {
    accepted: allowed.filter((message) => !beyond.has(message)),
    awaiting,
    outOfReach: beyond.size > 0,
  };
}

/**
 * The verdicts on `checked` (messages of `frame`): those checked as the frame arrived (`early`, one
 * per message of the frame) where there are any, else checked now. An author's key unknown then is
 * asked again: the hello that pins it may have passed in between.
 */
async function verdictsOf(
  inbox: Pick<Inbox, 'check'>,
  frame: SyncBatchFrame,
  checked: readonly ChatMessage[],
  early: Promise<readonly Verdict[]> | undefined,
): Promise<Verdict[]> {
  const all = early && (await early.catch(() => undefined));
  if (!all) return inbox.check(checked);
  const byMessage = new Map(frame.messages.map((message, i) => [message, all[i]]));
  const verdicts = checked.map((message) => byMessage.get(message));
  const again = checked.filter((_, i) => verdicts[i] === undefined || verdicts[i] === 'unknown-key');
  const fresh = again.length > 0 ? await inbox.check(again) : [];
  let next = 0;
  return verdicts.map((verdict) =>
    verdict === undefined || verdict === 'unknown-key' ? fresh[next++]! : verdict,
  );
}
