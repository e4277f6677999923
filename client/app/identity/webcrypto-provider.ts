/**
 * Identity cryptography through WebCrypto: private keys are non-extractable `CryptoKey`s. Only in
 * secure contexts (crypto-provider.ts chooses). Chromium runs `verify` synchronously on the calling
 * thread (~0.06 ms each), so batches of signatures are checked in the verify worker
 * (worker-verifier.ts), which uses this provider there.
 */
import { bytesToHex, hexToBytes } from '../../../shared/identity-protocol.js';
import type { KeyAlgorithm, PublicIdentity } from '../../../shared/identity-protocol.js';
import type { CryptoProvider } from './crypto-provider.js';

const GENERATE: Record<KeyAlgorithm, EcKeyGenParams | Algorithm> = {
  Ed25519: { name: 'Ed25519' },
  'P-256': { name: 'ECDSA', namedCurve: 'P-256' },
};
const SIGN: Record<KeyAlgorithm, Algorithm | EcdsaParams> = {
  Ed25519: { name: 'Ed25519' },
  'P-256': { name: 'ECDSA', hash: 'SHA-256' },
};

/** Imported public keys, by algorithm and key: a message batch checks the same few keys many times. */
const imported = new Map<string, Promise<CryptoKey>>();

function publicKeyOf(identity: PublicIdentity): Promise<CryptoKey> {
  const id = `${identity.alg}:${identity.key}`;
  let key = imported.get(id);
  if (!key) {
    // Keys come from peers: bound the cache so a peer cycling keys cannot grow it without end.
    if (imported.size >= 1024) imported.clear();
    key = crypto.subtle.importKey('raw', hexToBytes(identity.key), GENERATE[identity.alg], true, ['verify']);
    imported.set(id, key);
  }
  return key;
}

export const webCryptoProvider: CryptoProvider = {
  keyStorage: 'non-extractable',
  // P-256 where Ed25519 cannot be made or does not survive a store-and-read-back (Firefox before
  // 136 cannot store Ed25519 keys): device-key.ts tries them in this order.
  algorithms: ['Ed25519', 'P-256'],

  async generate(alg) {
    const pair = (await crypto.subtle.generateKey(GENERATE[alg], false, ['sign', 'verify'])) as CryptoKeyPair;
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    return { alg, privateKey: pair.privateKey, publicKey: bytesToHex(raw) };
  },

  async sign(key, data) {
    if (key.privateKey instanceof Uint8Array) throw new TypeError('WebCrypto signs with CryptoKeys only');
    return new Uint8Array(await crypto.subtle.sign(SIGN[key.alg], key.privateKey, data));
  },

  async verify(identity, sig, data) {
    try {
      return await crypto.subtle.verify(SIGN[identity.alg], await publicKeyOf(identity), sig, data);
    } catch {
      return false;
    }
  },

  async digest(alg, data) {
    return new Uint8Array(await crypto.subtle.digest(alg, data));
  },
};
