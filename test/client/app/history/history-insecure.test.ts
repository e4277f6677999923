// On a page without WebCrypto (plain HTTP to another machine), export and import stop at once with
// ERR_HISTORY_INSECURE and write nothing: they stay secure-context-only (docs/security.md).
import { expect } from '@open-wc/testing';
import { exportHistory } from '../../../../client/app/history/history-export.js';
import {
  HISTORY_MAGIC,
  HISTORY_VERSION,
  HistoryError,
  HistoryErrorCode,
  PBKDF2_ITERATIONS,
} from '../../../../client/app/history/history-format.js';
import { importHistory } from '../../../../client/app/history/history-import.js';
import { deleteAccountStore, openAccountStore } from '../../../../client/storage/account-store.js';
import type { AccountStore } from '../../../../client/storage/account-store.js';

const PASSPHRASE = 'correct horse battery staple';

/** Hides `crypto.subtle` as a page that is not a secure context has none. */
function hideSubtle(): void {
  Object.defineProperty(crypto, 'subtle', { value: undefined, configurable: true });
}

async function codeOf(work: Promise<unknown>): Promise<string | null> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(HistoryError);
  return (error as HistoryError).code;
}

describe('history export and import without WebCrypto', () => {
  let store: AccountStore;
  beforeEach(async () => {
    store = await openAccountStore('plain-http');
    await store.addIncomingBatch(
      'dm:bob:plain-http',
      [
        {
          id: '1'.padStart(32, '0'),
          conversation: 'dm:bob:plain-http',
          author: 'bob',
          seq: 1,
          sentAt: 1,
          text: 'hi',
        },
      ],
      { unread: false },
    );
  });
  afterEach(async () => {
    // Removes the own property: the prototype's `subtle` shows again.
    delete (crypto as { subtle?: unknown }).subtle;
    store.close();
    await deleteAccountStore('plain-http');
  });

  it('refuses to export, saying it needs a secure context', async () => {
    hideSubtle();
    expect(await codeOf(exportHistory(store, PASSPHRASE))).to.equal(HistoryErrorCode.Insecure);
  });

  it('refuses to import a history file, writing nothing', async () => {
    // A valid header (the import checks it before deriving the key) and a record's worth of bytes.
    const header = new Uint8Array(30);
    header.set(new TextEncoder().encode(HISTORY_MAGIC));
    new DataView(header.buffer).setUint16(8, HISTORY_VERSION);
    new DataView(header.buffer).setUint32(10, PBKDF2_ITERATIONS);
    const file = new Blob([header, new Uint8Array(64)]);
    hideSubtle();
    expect(await codeOf(importHistory(store, file, PASSPHRASE))).to.equal(HistoryErrorCode.Insecure);
    expect((await store.history.messagePage(null, 10)).rows.map((row) => row.text)).to.deep.equal(['hi']);
  });
});
