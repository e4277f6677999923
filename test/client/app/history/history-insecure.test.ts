// On a page without WebCrypto (plain HTTP to another machine), export and import stop at once with
// ERR_HISTORY_INSECURE and write nothing: they stay secure-context-only (docs/security.md).
import { expect } from '@open-wc/testing';
import { exportHistory } from '../../../../client/app/history/history-export.js';
import { HistoryError, HistoryErrorCode } from '../../../../client/app/history/history-format.js';
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

  it('refuses to import a real history, writing nothing', async () => {
    const { blob } = await exportHistory(store, PASSPHRASE);
    const other = await openAccountStore('plain-http-2');
    try {
      hideSubtle();
      expect(await codeOf(importHistory(other, blob, PASSPHRASE))).to.equal(HistoryErrorCode.Insecure);
      expect((await other.history.messagePage(null, 10)).rows).to.have.length(0);
    } finally {
      other.close();
      await deleteAccountStore('plain-http-2');
    }
  });
});
