/**
 * What the person does with a file in the log — fetch one that was only offered, cancel, try again,
 * choose it again, save it — as the UI sees it (`messenger.files`). Transfers own the work; saving
 * also needs the message, for the file's (sanitised) name.
 */
import { safeFileName } from '../../../shared/file-protocol.js';
import type { AccountStore } from '../../storage/account-store.js';
import type { FileTransfers } from './file-transfers.js';

export class FileCommands {
  readonly #transfers: FileTransfers;
  readonly #store: Pick<AccountStore, 'getMessage'>;

  constructor(transfers: FileTransfers, store: Pick<AccountStore, 'getMessage'>) {
    this.#transfers = transfers;
    this.#store = store;
  }

  cancel(id: string): Promise<void> {
    return this.#transfers.cancel(id);
  }

  /** Fetches a file that was only offered (too big, or from someone this user never talked to). */
  download(id: string): Promise<void> {
    return this.#transfers.download(id);
  }

  retry(id: string): Promise<void> {
    return this.#transfers.retry(id);
  }

  chooseAgain(id: string, file: File): Promise<void> {
    return this.#transfers.chooseAgain(id, file);
  }

  /** A file's bytes and its safe name, to save; null when this browser does not have them. */
  async toSave(id: string): Promise<{ blob: Blob; name: string } | null> {
    const message = await this.#store.getMessage(id);
    const blob = await this.#transfers.blobOf(id);
    if (!message?.file || !blob) return null;
    return { blob, name: safeFileName(message.file.name) };
  }
}
