import { expect } from '@open-wc/testing';
import type { DeviceKeyRow } from '../../../client/storage/identity-store.js';
import { aliceDatabase } from './raw-db.js';

const PUBLIC = 'ab'.repeat(32);

describe('IdentityStore: a device key kept as bytes (pages without WebCrypto)', () => {
  const db = aliceDatabase();

  it('keeps an Ed25519 secret of 32 bytes and reads it back as bytes', async () => {
    const store = await db.open();
    const secret = Uint8Array.from({ length: 32 }, (_, i) => i);
    await store.identity.saveDeviceKey({ alg: 'Ed25519', privateKey: secret, publicKey: PUBLIC });
    const back = await store.identity.deviceKey();
    expect(back?.privateKey).to.be.instanceOf(Uint8Array);
    expect([...(back?.privateKey as Uint8Array)]).to.deep.equal([...secret]);
    expect(db.badRows).to.have.length(0);
  });

  const damaged: [string, unknown][] = [
    ['a secret of another length', { alg: 'Ed25519', privateKey: new Uint8Array(31), publicKey: PUBLIC }],
    [
      'bytes for a P-256 key',
      { alg: 'P-256', privateKey: new Uint8Array(32), publicKey: '04' + 'ab'.repeat(64) },
    ],
  ];
  for (const [what, row] of damaged) {
    it(`reports ${what} as a damaged row, and there is no key`, async () => {
      const store = await db.open();
      await store.identity.saveDeviceKey(row as DeviceKeyRow);
      expect(await store.identity.deviceKey()).to.equal(undefined);
      expect(db.badRows).to.have.length(1);
    });
  }
});
