/**
 * The history feature as the UI sees it: **Search messages**, **Export history** and **Import
 * history**, one small facade (`Messenger.history`) so the composition root only builds it.
 */
import type { AccountStore } from '../../storage/account-store.js';
import type { SearchHit } from '../../storage/search-index.js';
import type { Directory } from '../roster/directory.js';
import { exportHistory } from './history-export.js';
import { importHistory } from './history-import.js';
import type { ImportSummary } from './history-import.js';

/** A **Search results** entry: a message found, with its conversation's title. */
export interface MessageSearchResult extends SearchHit {
  readonly title: string;
}

export interface MessageHistoryOptions {
  store: AccountStore;
  directory: Directory;
  /** Reloads the conversation lists from the store, after an import added to them. */
  reload(): Promise<void>;
}

export class MessageHistory {
  readonly #options: MessageHistoryOptions;

  constructor(options: MessageHistoryOptions) {
    this.#options = options;
  }

  /**
   * **Search messages**: the newest stored messages holding every part of `query`, in every
   * conversation this user can open, with its title.
   */
  async search(query: string): Promise<MessageSearchResult[]> {
    const { store, directory } = this.#options;
    const hits = await store.search.search(query);
    return hits
      .filter((hit) => directory.kindOf(hit.conversation) !== null)
      .map((hit) => ({ ...hit, title: directory.title(hit.conversation) }));
  }

  /** **Export history**: the whole history as one file, encrypted with `passphrase`. */
  async export(passphrase: string): Promise<Blob> {
    return (await exportHistory(this.#options.store, passphrase)).blob;
  }

  /**
   * **Import history**: merges an exported history in (see `importHistory`); the lists then show
   * its conversations. Rejects with a `HistoryError`, having changed nothing, when it cannot.
   */
  async import(file: Blob, passphrase: string): Promise<ImportSummary> {
    const summary = await importHistory(this.#options.store, file, passphrase);
    await this.#options.reload();
    return summary;
  }
}
