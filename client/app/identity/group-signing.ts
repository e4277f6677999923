/**
 * Signing this user's group changes and checking others' (shared/group-log.ts says what is signed).
 * Entries are checked against the signer's pinned key, or — for someone this browser never met in
 * a hello — the key the server hands out with presence: trust on first use, as for a first contact.
 * A verdict is kept per entry and key, so when a key is pinned later (or changes) the next check
 * uses it, and an entry that only the server's key vouched for fails if the pinned key disagrees.
 */
import { bytesToHex } from '../../../shared/identity-protocol.js';
import type { PublicIdentity } from '../../../shared/identity-protocol.js';
import { groupEntryText, groupStatement, parseGroupEntry } from '../../../shared/group-log.js';
import type { GroupChange, GroupEntry } from '../../../shared/group-log.js';
import type { DeviceKey } from './device-key.js';
import { verifySignature } from './device-key.js';
import { cryptoProvider } from './crypto-provider.js';

const encoder = new TextEncoder();

/** SHA-256 of an entry's text, lowercase hex: what the next entry names as `prev`. */
export async function groupEntryHash(text: string): Promise<string> {
  // Through the page's provider: plain-HTTP pages have no `crypto.subtle` (crypto-provider.ts).
  return bytesToHex(await (await cryptoProvider()).digest('SHA-256', encoder.encode(text)));
}

/** `change` signed with this browser's key, as the text that travels. */
export async function signGroupChange(key: Pick<DeviceKey, 'sign'>, change: GroupChange): Promise<string> {
  return groupEntryText({ ...change, sig: await key.sign(groupStatement(change)) } as GroupEntry);
}

/** An entry parsed and hashed; null when the text is not an entry (the server sent junk). */
export async function readGroupEntry(text: string): Promise<{ entry: GroupEntry; hash: string } | null> {
  let entry: GroupEntry;
  try {
    entry = parseGroupEntry(text);
  } catch {
    return null;
  }
  return { entry, hash: await groupEntryHash(text) };
}

export class GroupEntryVerifier {
  /** `hash alg:key` → whether that key signed that entry. Bounded: entries come from the server. */
  readonly #verdicts = new Map<string, Promise<boolean>>();
  readonly #keyOf: (user: string) => Promise<PublicIdentity | null>;

  /** `keyOf`: the key to check `user`'s entries with (pinned, else advertised), or null. */
  constructor(keyOf: (user: string) => Promise<PublicIdentity | null>) {
    this.#keyOf = keyOf;
  }

  /** Whether `entry`'s actor signed it, by the key known for them now; false when none is known. */
  async verify(entry: GroupEntry, hash: string): Promise<boolean> {
    const key = await this.#keyOf(entry.actor);
    if (!key) return false;
    const id = `${hash} ${key.alg}:${key.key}`;
    let verdict = this.#verdicts.get(id);
    if (!verdict) {
      if (this.#verdicts.size >= 16_384) this.#verdicts.clear();
      const { sig, ...change } = entry;
      verdict = verifySignature(key, sig, groupStatement(change));
      this.#verdicts.set(id, verdict);
    }
    return verdict;
  }
}
