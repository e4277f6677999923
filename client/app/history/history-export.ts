/**
 * **Export history**: every conversation row, message (reactions are messages) and file row of the
 * account, with the bytes of the files still stored, into one encrypted file (history-format.ts).
 * Rows are read a page at a time and each encrypted record becomes a Blob at once, so the result
 * is a Blob of Blobs the browser may keep on disk: a history of a few GiB never sits in memory.
 *
 * History only: the identity stores (this browser's device key, contacts' pinned keys) stay out.
 * A device key never leaves the browser (it is non-extractable), and pins are trust decisions
 * this browser made; an import must not plant keys it would then trust. The importing browser
 * keeps its own key and pins contacts afresh on first contact.
 */
import type { AccountStore } from '../../storage/account-store.js';
import { FILE_SLICE_BYTES, HistoryWriter } from './history-format.js';
import type { HistoryEntry } from './history-format.js';

/** Rows per record: small enough to keep a record well under a MiB, large enough to be few. */
const PAGE_ROWS = 256;

/** Deliberately without `identity`: see above. */
export type ExportStore = Pick<AccountStore, 'history' | 'files' | 'listConversations'>;

/** What went into an export. */
export interface ExportSummary {
  readonly messages: number;
  readonly files: number;
}

/** Writes the whole history of `store`, encrypted with `passphrase`. */
export async function exportHistory(
  store: ExportStore,
  passphrase: string,
): Promise<{ blob: Blob; summary: ExportSummary }> {
  const writer = await HistoryWriter.create(passphrase);
  const parts: Blob[] = [new Blob([writer.header])];
  const write = async (entry: HistoryEntry, tail?: Uint8Array): Promise<void> => {
    parts.push(new Blob([await writer.record(entry, tail)]));
  };

  const conversations = await store.listConversations();
  for (let i = 0; i < conversations.length; i += PAGE_ROWS) {
    await write({ kind: 'conversations', rows: conversations.slice(i, i + PAGE_ROWS) });
  }

  let messages = 0;
  for (let after: string | null = null, more = true; more;) {
    const page = await store.history.messagePage(after, PAGE_ROWS);
    if (page.rows.length > 0) await write({ kind: 'messages', rows: page.rows });
    messages += page.rows.length;
    after = page.next;
    more = page.next !== null;
  }

  let files = 0;
  for (let after: string | null = null, more = true; more;) {
    const page = await store.history.filePage(after, PAGE_ROWS);
    for (const row of page.rows) {
      const bytes = await store.files.blobOf(row.id);
      await write({ kind: 'file', row: { ...row, blob: null, hashState: null }, size: bytes?.size ?? null });
      for (let offset = 0; bytes && offset < bytes.size; offset += FILE_SLICE_BYTES) {
        const slice = new Uint8Array(await bytes.slice(offset, offset + FILE_SLICE_BYTES).arrayBuffer());
        await write({ kind: 'file-bytes', id: row.id }, slice);
      }
      files += 1;
    }
    after = page.next;
    more = page.next !== null;
  }

  await write({ kind: 'end', messages, files });
  return { blob: new Blob(parts, { type: 'application/octet-stream' }), summary: { messages, files } };
}
