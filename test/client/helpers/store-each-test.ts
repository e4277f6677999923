/**
 * A fresh account store of `user` for each test of the suite it is called in (a real IndexedDB
 * database, deleted after each test): call at the top of a `describe`, read `store()` in tests.
 */
import { deleteAccountStore, openAccountStore } from '../../../client/storage/account-store.js';
import type { AccountStore } from '../../../client/storage/account-store.js';

export function storeEachTest(user: string): () => AccountStore {
  let store: AccountStore | null = null;
  beforeEach(async () => {
    store = await openAccountStore(user);
  });
  afterEach(async () => {
    store?.close();
    store = null;
    await deleteAccountStore(user);
  });
  return () => {
    if (!store) throw new Error('the store opens before each test');
    return store;
  };
}
