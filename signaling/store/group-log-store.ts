/**
 * Each group's signed membership log (shared/group-log.ts), stored opaquely: the server keeps the
 * entries in the order it accepted them and hands them out, but cannot sign one, so it can withhold
 * entries and never invent them. The store checks only what keeps the log a chain: an entry must
 * name the last one's hash as its `prev` (or, the first, none), and a log is bounded in length.
 */

/** An entry as the store keeps it: its text, the SHA-256 of that text, and the hash it follows. */
export interface StoredGroupEntry {
  /** The entry's JSON text, exactly as the member sent it. */
  text: string;
  /** SHA-256 of `text`, lowercase hex. */
  hash: string;
  /** The hash of the entry it follows; null for the first (the create entry). */
  prev: string | null;
}

export type AppendEntryResult =
  | 'appended'
  /** `prev` is not the hash of the log's last entry (another change came first, or a replay). */
  | 'stale'
  /** The log holds `maxEntries` already. */
  | 'full'
  /** No such group. */
  | 'unknown-group';

export interface GroupLogStore {
  /** Appends `entry` to the log of `groupId` if it follows the last entry, in one transaction. */
  appendGroupEntry(groupId: string, entry: StoredGroupEntry, maxEntries: number): Promise<AppendEntryResult>;
  /** The texts of the log of `groupId`, oldest first; empty for a group without one (or no group). */
  groupEntries(groupId: string): Promise<string[]>;
}
