/**
 * **Import history**: restores an exported history into this account, merged by id (see
 * `HistoryStore`: nothing duplicated, nothing here overwritten). The file is read twice, a record
 * at a time: first every record is decrypted and checked — a wrong passphrase, a damaged or a cut
 * off file stops the import there with a `HistoryError`, before anything is written — then it is
 * read again and written in one pass.
 */
import type { AccountStore } from '../../storage/account-store.js';
import type { StoredFile } from '../../storage/stored-file.js';
import { HistoryError, HistoryErrorCode, HistoryReader } from './history-format.js';

export type ImportStore = Pick<AccountStore, 'history'>;

/** What an import added (messages already here are not counted). */
export interface ImportSummary {
  readonly messages: number;
  readonly files: number;
}

/** Imports `file` into `store`; throws `HistoryError` (writing nothing) when it cannot be read whole. */
export async function importHistory(
  store: ImportStore,
  file: Blob,
  passphrase: string,
): Promise<ImportSummary> {
  const reader = await HistoryReader.open(file, passphrase);
  await validate(reader);
  let messages = 0;
  let files = 0;
  let pending: { row: StoredFile; size: number | null; parts: Blob[] } | null = null;
  const finishFile = async (): Promise<void> => {
    if (!pending) return;
    const bytes = pending.size === null ? null : new Blob(pending.parts, { type: pending.row.info.type });
    if (await store.history.mergeFile(pending.row, bytes)) files += 1;
    pending = null;
  };
  for await (const { entry, tail } of reader.records()) {
    if (entry.kind === 'file-bytes') {
      // Copied into a Blob of its own at once: the browser may keep it on disk.
      pending?.parts.push(new Blob([tail.slice()]));
      continue;
    }
    await finishFile();
    switch (entry.kind) {
      case 'conversations':
        await store.history.mergeConversations(entry.rows);
        break;
      case 'messages':
        messages += (await store.history.mergeMessages(entry.rows)).added;
        break;
      case 'file':
        pending = { row: entry.row, size: entry.size, parts: [] };
        break;
      case 'end':
        break;
      default: {
        const unreachable: never = entry;
        throw new TypeError(`unknown entry ${String(unreachable)}`);
      }
    }
  }
  return { messages, files };
}

/**
 * Reads every record without writing: each must decrypt and parse (`records` checks that), a
 * file's bytes must follow its row and add up to its size, and the `end` must count what came.
 */
async function validate(reader: HistoryReader): Promise<void> {
  const damaged = (why: string) => new HistoryError(HistoryErrorCode.Damaged, why);
  let file: { id: string; size: number | null; seen: number } | null = null;
  let messages = 0;
  let files = 0;
  const closeFile = (): void => {
    if (file && (file.size ?? 0) !== file.seen) throw damaged(`file ${file.id}: bytes do not add up`);
    file = null;
  };
  for await (const { entry, tail } of reader.records()) {
    if (entry.kind === 'file-bytes') {
      if (!file || file.id !== entry.id || file.size === null) throw damaged(`bytes of no file ${entry.id}`);
      file.seen += tail.length;
      continue;
    }
    closeFile();
    if (entry.kind === 'messages') messages += entry.rows.length;
    if (entry.kind === 'file') {
      files += 1;
      file = { id: entry.row.id, size: entry.size, seen: 0 };
    }
    if (entry.kind === 'end' && (entry.messages !== messages || entry.files !== files)) {
      throw damaged('the end does not count what came before it');
    }
  }
}
