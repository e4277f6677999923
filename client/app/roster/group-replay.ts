/**
 * Who a group's signed log admits (shared/group-log.ts): a pure replay, from the creator's entry
 * along the chain of `prev` hashes. The rules:
 * - the log starts at a `create` whose signature verifies; its actor is the first member;
 * - an `invite` counts only when its actor is a member at that point of the chain;
 * - a member is admitted only by an invite followed by their own `accept`; a `leave` removes them;
 * - an entry whose signature does not verify is not part of the log (nor is anything after it);
 * - two verified entries on one `prev` are a fork: the server showed members different histories,
 *   or a member signed two. It is reported, and the replay follows the one the server sent first.
 * Entries that break a rule stay in the chain but change nothing.
 */
import type { GroupEntry } from '../../../shared/group-log.js';
import { nameKey } from '../../../shared/names.js';

/** An entry as the ledger holds it: parsed, hashed, and whether its signature verified. */
export interface CheckedEntry {
  readonly entry: GroupEntry;
  /** SHA-256 of the entry's text: what the next entry names as `prev`. */
  readonly hash: string;
  readonly verified: boolean;
}

export interface Replayed {
  /** Who is a member at the end of the chain, and when each joined (the time they signed). */
  readonly members: ReadonlyMap<string, number>;
  /** Invited and not (yet) accepted, by name key (an invitation names people as typed). */
  readonly invited: ReadonlySet<string>;
  /** The hash of the chain's last entry: what this user's next change names as `prev`. */
  readonly head: string;
  /** Hashes with more than one verified entry on them: the log forked there. */
  readonly forks: readonly string[];
}

/**
 * Replays `entries` (in the order the server sent them) of group `groupId`; null when no verified
 * `create` of that group is among them: then the group has no signed membership.
 */
export function replayGroupLog(groupId: string, entries: readonly CheckedEntry[]): Replayed | null {
  const next = new Map<string, CheckedEntry[]>();
  const roots: CheckedEntry[] = [];
  for (const checked of entries) {
    if (!checked.verified || checked.entry.group !== groupId) continue;
    const { prev, kind } = checked.entry;
    if (prev === undefined) {
      if (kind === 'create') roots.push(checked);
      continue;
    }
    const list = next.get(prev) ?? [];
    list.push(checked);
    next.set(prev, list);
  }
  const root = roots[0];
  if (!root) return null;
  const forks: string[] = roots.length > 1 ? ['(create)'] : [];
  const members = new Map<string, number>([[root.entry.actor, root.entry.at]]);
  const invited = new Set<string>();
  const seen = new Set<string>([root.hash]);
  let head = root.hash;
  for (;;) {
    const candidates = next.get(head) ?? [];
    if (candidates.length > 1) forks.push(head);
    const following = candidates[0];
    // A hash is never its own descendant; `seen` only guards against a broken hash function.
    if (!following || seen.has(following.hash)) break;
    seen.add(following.hash);
    apply(following.entry, members, invited);
    head = following.hash;
  }
  return { members, invited, head, forks };
}

function apply(entry: GroupEntry, members: Map<string, number>, invited: Set<string>): void {
  switch (entry.kind) {
    case 'invite': {
      if (!members.has(entry.actor) || entry.subject === undefined) return;
      const subject = nameKey(entry.subject);
      if (![...members.keys()].some((member) => nameKey(member) === subject)) invited.add(subject);
      return;
    }
    case 'accept':
      if (invited.delete(nameKey(entry.actor))) members.set(entry.actor, entry.at);
      return;
    case 'leave':
      members.delete(entry.actor);
      return;
    case 'create':
      // Only the first entry creates; a later one changes nothing.
      return;
  }
}
