/**
 * The little this app keeps in `localStorage` beside IndexedDB (the send journal, the unasked-file
 * totals) reads it through these two: a browser may block storage for the origin, and what is
 * stored may be anything another version (or a person) wrote there.
 */

/** The part of `Storage` these modules use: a test may hand in its own. */
export type NoteStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

/** `localStorage`, or null where there is none. */
export function browserStorage(): NoteStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Reading `localStorage` itself throws where the browser blocks storage for the origin.
    return null;
  }
}

/** `raw` parsed as JSON, or null when it is missing or is not JSON. */
export function parseStoredJson(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
