import { expect } from '@open-wc/testing';
import { DeviceKey, verifySignature } from '../../../../client/app/identity/device-key.js';
import { nobleProvider } from '../../../../client/app/identity/noble-provider.js';
import { webCryptoProvider } from '../../../../client/app/identity/webcrypto-provider.js';
import { deleteAccountStore, openAccountStore } from '../../../../client/storage/account-store.js';
import type { AccountStore } from '../../../../client/storage/account-store.js';

describe('DeviceKey', () => {
  let store: AccountStore;
  beforeEach(async () => {
    store = await openAccountStore('keyholder');
  });
  afterEach(async () => {
    store.close();
    await deleteAccountStore('keyholder');
  });

  it('makes an Ed25519 key once, keeps it non-extractable, and finds the same key after a reload', async () => {
    const first = await DeviceKey.load(store.identity);
    expect(first.identity.alg).to.equal('Ed25519');
    expect(first.identity.key).to.match(/^[0-9a-f]{64}$/);
    expect(first.keyStorage).to.equal('non-extractable');
    const row = await store.identity.deviceKey();
    expect(row?.privateKey).to.be.instanceOf(CryptoKey);
    expect((row?.privateKey as CryptoKey).extractable).to.equal(false);
    store.close();
    store = await openAccountStore('keyholder');
    const again = await DeviceKey.load(store.identity);
    expect(again.identity).to.deep.equal(first.identity);
    const sig = await again.sign('said by keyholder');
    expect(await verifySignature(first.identity, sig, 'said by keyholder')).to.equal(true);
  });

  it('refuses a signature over other text, by another key, or that is not hex at all', async () => {
    const key = await DeviceKey.load(store.identity);
    const sig = await key.sign('one thing');
    expect(await verifySignature(key.identity, sig, 'another thing')).to.equal(false);
    const other = { alg: 'Ed25519' as const, key: '11'.repeat(32) };
    expect(await verifySignature(other, sig, 'one thing')).to.equal(false);
    expect(await verifySignature(key.identity, 'zz', 'one thing')).to.equal(false);
  });

  it('without WebCrypto makes an Ed25519 key kept as its 32 secret bytes, and finds it after a reload', async () => {
    const first = await DeviceKey.load(store.identity, nobleProvider);
    expect(first.identity.alg).to.equal('Ed25519');
    expect(first.keyStorage).to.equal('bytes');
    const row = await store.identity.deviceKey();
    expect(row?.privateKey).to.be.instanceOf(Uint8Array);
    expect(row?.privateKey).to.have.length(32);
    store.close();
    store = await openAccountStore('keyholder');
    // The page reloads with WebCrypto as its provider: the stored bytes still sign.
    const again = await DeviceKey.load(store.identity, webCryptoProvider);
    expect(again.identity).to.deep.equal(first.identity);
    expect(again.keyStorage).to.equal('bytes');
    const sig = await again.sign('said over plain http');
    expect(await verifySignature(first.identity, sig, 'said over plain http', nobleProvider)).to.equal(true);
    expect(await verifySignature(first.identity, sig, 'said over plain http', webCryptoProvider)).to.equal(
      true,
    );
  });
});
