import { expect } from '@open-wc/testing';
import { cryptoProvider, hasSubtle } from '../../../../client/app/identity/crypto-provider.js';
import type { CryptoProvider } from '../../../../client/app/identity/crypto-provider.js';
import { DeviceKey, verifySignature } from '../../../../client/app/identity/device-key.js';
import {
  MessageSigner,
  MessageVerifier,
  messageHash,
} from '../../../../client/app/identity/message-signing.js';
import { nobleProvider } from '../../../../client/app/identity/noble-provider.js';
import { webCryptoProvider } from '../../../../client/app/identity/webcrypto-provider.js';
import type { DeviceKeyRow } from '../../../../client/storage/identity-store.js';
import type { ChatMessage } from '../../../../shared/peer-protocol.js';

const PROVIDERS: ReadonlyArray<[string, CryptoProvider]> = [
  ['WebCrypto', webCryptoProvider],
  ['noble', nobleProvider],
];

/** A device key kept in memory, made by `crypto`. */
function keyBy(crypto: CryptoProvider): Promise<DeviceKey> {
  let stored: DeviceKeyRow | undefined;
  const store = {
    deviceKey: () => Promise.resolve(stored),
    saveDeviceKey: (row: DeviceKeyRow) => Promise.resolve((stored ??= row)),
  };
  return DeviceKey.load(store, crypto);
}

function message(seq: number, text: string): ChatMessage {
  return {
    id: `m${seq}`,
    conversation: 'alice|bob',
    author: 'alice',
    seq,
    sentAt: 1000 + seq,
    text,
  };
}

describe('crypto providers: a plain-http page and a secure one understand each other', () => {
  for (const [signerName, signer] of PROVIDERS) {
    for (const [checkerName, checker] of PROVIDERS) {
      it(`an Ed25519 signature made by ${signerName} verifies with ${checkerName}, and only its own text`, async () => {
        const key = await keyBy(signer);
        expect(key.identity.alg).to.equal('Ed25519');
        const sig = await key.sign('hello from a LAN address');
        expect(await verifySignature(key.identity, sig, 'hello from a LAN address', checker)).to.equal(true);
        expect(await verifySignature(key.identity, sig, 'hello from a LAN addresS', checker)).to.equal(false);
        const other = await keyBy(signer);
        expect(await verifySignature(other.identity, sig, 'hello from a LAN address', checker)).to.equal(
          false,
        );
      });
    }
  }

  it('noble verifies WebCrypto’s ECDSA P-256 signatures, high S included, and refuses altered ones', async () => {
    const row = await webCryptoProvider.generate('P-256');
    const identity = { alg: row.alg, key: row.publicKey };
    // About half of WebCrypto's ECDSA signatures have a high S: 24 leave a 2^-24 chance of none.
    for (let n = 0; n < 24; n++) {
      const data = new TextEncoder().encode(`message ${n}`);
      const sig = await webCryptoProvider.sign(row, data);
      expect(
        await nobleProvider.verify(identity, sig as Uint8Array<ArrayBuffer>, data),
        `message ${n}`,
      ).to.equal(true);
      const altered = new Uint8Array(sig);
      altered[10] = (altered[10] ?? 0) ^ 1;
      expect(await nobleProvider.verify(identity, altered, data)).to.equal(false);
    }
  });

  it('noble says false, never throws, for a malformed key or signature', async () => {
    const data = new TextEncoder().encode('x');
    const sig = new Uint8Array(64);
    expect(await nobleProvider.verify({ alg: 'Ed25519', key: '11'.repeat(31) }, sig, data)).to.equal(false);
    expect(await nobleProvider.verify({ alg: 'P-256', key: '04' + '11'.repeat(64) }, sig, data)).to.equal(
      false,
    );
    expect(
      await nobleProvider.verify({ alg: 'Ed25519', key: '11'.repeat(32) }, sig.subarray(1), data),
    ).to.equal(false);
  });

  it('noble refuses a small-order Ed25519 key, whose one "signature" fits every text', async () => {
    const identity = { alg: 'Ed25519' as const, key: '01' + '00'.repeat(31) };
    const sig = new Uint8Array(64);
    sig[0] = 1; // R is the identity point, S is 0.
    const data = new TextEncoder().encode('anything at all');
    expect(await nobleProvider.verify(identity, sig, data)).to.equal(false);
  });

  it('noble makes Ed25519 keys only', async () => {
    let refused: unknown;
    await nobleProvider.generate('P-256').catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(TypeError);
  });

  it('chains and signs messages with noble that WebCrypto accepts, with the same hashes', async () => {
    const key = await keyBy(nobleProvider);
    const signer = new MessageSigner({ key, ownAt: () => Promise.resolve(undefined), crypto: nobleProvider });
    const first = await signer.seal(message(1, 'one'));
    const second = await signer.seal(message(2, 'two'));
    expect(second.prev).to.equal(await messageHash(first, webCryptoProvider));
    expect(await messageHash(first, nobleProvider)).to.equal(await messageHash(first, webCryptoProvider));
    const verifier = new MessageVerifier({
      pinned: () => Promise.resolve(key.identity),
      crypto: webCryptoProvider,
    });
    expect(await verifier.check([first, second, { ...second, text: 'changed' }])).to.deep.equal([
      'valid',
      'valid',
      'invalid',
    ]);
  });
});

describe('choosing the provider', () => {
  afterEach(() => {
    // Removes the own property below: the prototype's `subtle` shows again.
    delete (crypto as { subtle?: unknown }).subtle;
  });

  it('is WebCrypto in a secure context', async () => {
    expect(hasSubtle()).to.equal(true);
    expect(await cryptoProvider()).to.equal(webCryptoProvider);
  });

  it('is noble where crypto.subtle is missing, as on plain http', async () => {
    Object.defineProperty(crypto, 'subtle', { value: undefined, configurable: true });
    expect(hasSubtle()).to.equal(false);
    expect(await cryptoProvider()).to.equal(nobleProvider);
  });
});
