/**
 * The `search-index` store: one key `[token, -sentAt, id]` per token of each stored message's text
 * (or file name), written in the same transaction as the message (message-store.ts calls `add`) —
 * except a catch-up batch's, written just after it (search-backlog.ts), which a search writes
 * first: a search never misses what is stored, whether it came typed, sent, caught up or imported.
 *
 * A query (`search`) looks each of its prefixes up (search-tokens.ts), walks the rarest one's keys
 * newest first, keeps the ids every other prefix also has, and confirms each candidate with a
 * substring check on the message itself: an index hit that is not a real match is never shown.
 * Keys alone carry everything a lookup needs (IndexedDB counts and walks them without reading
 * values), and `-sentAt` makes a token's keys run newest first, so the first keys read are the
 * newest hits.
 */
import type { IDBPObjectStore } from 'idb';
import type { AccountSchema, AccountStoreName } from './account-db.js';
import { matchesQuery, queryPrefixes, snippetOf, tokenize } from './search-tokens.js';
import type { SearchBacklog } from './search-backlog.js';
import type { StoreConnection } from './store-connection.js';
import { StoredMessage } from './stored-message.js';

/** One message found: where it is, and a piece of its text around the match. */
export interface SearchHit {
  readonly id: string;
  readonly conversation: string;
  readonly author: string;
  readonly sentAt: number;
  readonly snippet: string;
}

type SearchKey = AccountSchema['search-index']['key'];
type Indexable = Pick<StoredMessage, 'id' | 'sentAt' | 'text' | 'file'>;

/** The search store inside any read-write transaction that includes it. */
export type SearchIndexWriter = IDBPObjectStore<
  AccountSchema,
  ArrayLike<AccountStoreName>,
  'search-index',
  'readwrite' | 'versionchange'
>;

/** How many results a search returns when not told. */
export const DEFAULT_SEARCH_LIMIT = 50;
/**
 * Other prefixes with more keys than this are never loaded as sets (candidates are then checked by
 * substring alone): with 100,000 messages, two common words each in a fifth of them still can be.
 */
const MAX_SET_SIZE = 200_000;
/** Other prefixes with at most this many keys are loaded as sets at once: that costs next to nothing. */
const EAGER_SET_SIZE = 2048;
/**
 * How many messages a search may confirm by their text alone. Once the first batch's hit rate says
 * finding the rest would take more (and the rarest prefix has more keys left than this), the
 * larger prefixes are loaded as sets instead.
 */
const READ_BUDGET = 2048;
/** A search reads at most this many keys of its rarest prefix: its time stays bounded. */
const MAX_SCAN = 200_000;
/** Keys read by the first request while looking for hits; each later one reads twice as many, up to the cap. */
const FIRST_SCAN_BATCH = 128;
const MAX_SCAN_BATCH = 4096;

/** What of a message is searchable: its text, or a file's name. */
export function searchableText(message: Pick<StoredMessage, 'text' | 'file'>): string {
  return message.text ?? message.file?.name ?? '';
}

/** The keys whose token starts with `prefix`. */
function prefixRange(prefix: string): IDBKeyRange {
  // '\uffff' sorts after every character a token can hold; [] sorts after every number and string.
  return IDBKeyRange.bound([prefix], [`${prefix}\uffff`, []]);
}

/** Reached as `AccountStore.search`; message-store.ts writes through `add`. */
export class SearchIndex {
  readonly #connection: StoreConnection;
  /** Messages stored but not indexed yet (caught up): indexed before any search reads the index. */
  readonly backlog: SearchBacklog;

  constructor(connection: StoreConnection, backlog: SearchBacklog) {
    this.#connection = connection;
    this.backlog = backlog;
  }

  /** Indexes one message inside the caller's transaction (the one that stores it). */
  add(store: SearchIndexWriter, message: Indexable): Promise<void> {
    return SearchIndex.addTo(store, message);
  }

  /** `add`, for the migration that indexes what was stored before the index existed. */
  static async addTo(store: SearchIndexWriter, message: Indexable): Promise<void> {
    const text = searchableText(message);
    if (text === '') return;
    await Promise.all([...tokenize(text)].map((token) => store.put(1, [token, -message.sentAt, message.id])));
  }

  /**
   * The newest messages (at most `limit`) whose text or file name holds every part of `query`,
   * newest first. An empty query (or one of punctuation only) finds nothing.
   */
  async search(query: string, limit = DEFAULT_SEARCH_LIMIT): Promise<SearchHit[]> {
    const prefixes = queryPrefixes(query);
    if (prefixes.length === 0) return [];
    // A caught-up message is stored before its tokens are written: found all the same.
    await this.backlog.drain();
    return this.#connection.run(['search-index', 'messages'], 'readonly', async (tx) => {
      const index = tx.objectStore('search-index');
      const counts = await Promise.all(prefixes.map((prefix) => index.count(prefixRange(prefix))));
      if (counts.includes(0)) return [];
      const order = prefixes.map((prefix, i) => ({ prefix, count: counts[i]! }));
      order.sort((a, b) => a.count - b.count);
      const [driver, ...others] = order;
      // Another prefix's keys are loaded as a set of ids only when that is cheap (few keys), or once
      // the hit rate seen so far says confirming candidates by their text alone would read more
      // than `READ_BUDGET` messages: reading a common word's whole posting (a quarter of 100,000
      // messages) costs far more than the few hundred message reads that usually find the newest.
      const toLoad = others.filter((other) => other.count <= MAX_SET_SIZE);
      const load = (which: typeof toLoad) =>
        Promise.all(which.map(async ({ prefix }) => idsOf(await index.getAllKeys(prefixRange(prefix)))));
      const sets = await load(toLoad.filter((other) => other.count <= EAGER_SET_SIZE));
      let deferred = toLoad.filter((other) => other.count > EAGER_SET_SIZE);
      const messages = tx.objectStore('messages');
      const hits: SearchHit[] = [];
      const seen = new Set<string>();
      let range = prefixRange(driver!.prefix);
      let reads = 0;
      // Keys come a batch per request and their messages are read in parallel: a request's round
      // trip, not the work, is what costs, and one key or message at a time would pay it per hit.
      for (let scanned = 0, batch = FIRST_SCAN_BATCH; hits.length < limit && scanned < MAX_SCAN;) {
        if (
          deferred.length > 0 &&
          scanned > 0 &&
          driver!.count - scanned > READ_BUDGET &&
          projectedReads(reads, hits.length, limit) > READ_BUDGET
        ) {
          sets.push(...(await load(deferred)));
          deferred = [];
        }
        const keys = await index.getAllKeys(range, batch);
        batch = Math.min(batch * 2, MAX_SCAN_BATCH);
        if (keys.length === 0) break;
        scanned += keys.length;
        range = IDBKeyRange.bound(keys[keys.length - 1]!, range.upper as IDBValidKey, true);
        const ids = keys
          .map((key) => key[2])
          .filter((id) => !seen.has(id) && sets.every((set) => set.has(id)));
        for (const id of ids) seen.add(id);
        reads += ids.length;
        const rows = await Promise.all(ids.map((id) => messages.get(id)));
        ids.forEach((id, i) => {
          const message = this.#connection.parse(StoredMessage, 'messages', id, rows[i]);
          const text = message ? searchableText(message) : '';
          if (!message || hits.length >= limit || !matchesQuery(text, query)) return;
          const { conversation, author, sentAt } = message;
          hits.push({ id, conversation, author, sentAt, snippet: snippetOf(text, query) });
        });
      }
      // Newest first within each token already; a prefix spanning several tokens needs the sort.
      return hits.sort((a, b) => b.sentAt - a.sentAt);
    });
  }
}

/** How many more messages reading at the rate seen so far takes to find `limit` hits. */
function projectedReads(reads: number, found: number, limit: number): number {
  return found === 0 ? Infinity : ((limit - found) * reads) / found;
}

function idsOf(keys: readonly SearchKey[]): Set<string> {
  return new Set(keys.map((key) => key[2]));
}
