/**
 * Which messages of a batch are vouched for by the author's next one. Each signed message names the
 * hash of its author's previous statement in the conversation (`prev`, shared/message-signature.ts),
 * and its signature covers that name; so a valid signature on message n+1 whose `prev` is the
 * SHA-256 of message n's statement says the author wrote exactly that statement — as much as n's own
 * signature would (SHA-256 is collision resistant). A catch-up batch holds runs of one author's
 * consecutive seqs: checking the last signature of each run and hashing the rest costs one
 * signature per run instead of one per message (~0.1 ms each here; hashing is ~100 times cheaper).
 *
 * This file only finds the links; `MessageVerifier.check` decides what they are worth.
 */
import type { Authored } from '../../../shared/message-signature.js';

function positionKey(message: Pick<Authored, 'conversation' | 'author' | 'seq'>): string {
  return `${message.conversation}\n${message.author}\n${message.seq}`;
}

/**
 * For each of `candidates` (indices into `messages`) that another candidate names as its `prev` —
 * the same author and conversation, the next seq, a `prev` equal to `hash` of it — the indices of
 * those that do. A message no candidate names is left out. `hash` is only asked for messages that
 * some candidate at the next seq names a `prev` for.
 */
export async function vouchers(
  messages: readonly Authored[],
  candidates: readonly number[],
  hash: (message: Authored) => Promise<string>,
): Promise<Map<number, number[]>> {
  const byPosition = new Map<string, number[]>();
  for (const index of candidates) {
    const message = messages[index]!;
    if (message.prev === undefined) continue;
    const key = positionKey({ ...message, seq: message.seq - 1 });
    byPosition.set(key, [...(byPosition.get(key) ?? []), index]);
  }
  const named = candidates.filter((index) => byPosition.has(positionKey(messages[index]!)));
  const hashes = await Promise.all(named.map((index) => hash(messages[index]!)));
  const found = new Map<number, number[]>();
  named.forEach((index, at) => {
    const next = byPosition.get(positionKey(messages[index]!))!;
    const naming = next.filter((other) => messages[other]!.prev === hashes[at]);
    if (naming.length > 0) found.set(index, naming);
  });
  return found;
}
