/**
 * Identity cryptography in audited pure JS (@noble/curves, @noble/hashes), for pages without
 * WebCrypto's `subtle` (plain HTTP on a LAN address). Makes Ed25519 keys only, kept as their 32
 * secret bytes; checks Ed25519 and the ECDSA P-256 keys of browsers that could not make Ed25519.
 * Loaded only through crypto-provider.ts's dynamic import: a secure page never downloads it.
 * It runs synchronously on the thread that calls it: the page's main thread for single messages,
 * the verify worker for catch-up batches (worker-verifier.ts; docs/identity.md, "Cost").
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
// noble's own hex helpers, not shared/'s: a value import of app code would make esbuild move the
// modules both bundles use (zod and the rest) into a chunk every page then loads.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { CryptoProvider } from './crypto-provider.js';

export const nobleProvider: CryptoProvider = {
  keyStorage: 'bytes',
  algorithms: ['Ed25519'],

  generate(alg) {
    if (alg !== 'Ed25519') return Promise.reject(new TypeError(`no ${alg} keys without WebCrypto`));
    // From crypto.getRandomValues, which (unlike `subtle`) every context has.
    const secret = ed25519.utils.randomSecretKey() as Uint8Array<ArrayBuffer>;
    return Promise.resolve({ alg, privateKey: secret, publicKey: bytesToHex(ed25519.getPublicKey(secret)) });
  },

  sign(key, data) {
    if (!(key.privateKey instanceof Uint8Array) || key.alg !== 'Ed25519') {
      return Promise.reject(new TypeError('noble signs with Ed25519 secret bytes only'));
    }
    return Promise.resolve(ed25519.sign(data, key.privateKey));
  },

  verify(identity, sig, data) {
    try {
      const key = hexToBytes(identity.key);
      return Promise.resolve(
        identity.alg === 'Ed25519'
          ? // RFC 8032's strict rules (canonical encodings, no small-order key), not ZIP 215's
            // looser ones: a small-order key "signs" every text. Chromium's WebCrypto accepts that
            // key's signatures; here its owner's hello fails. Such a key can speak only for itself.
            ed25519.verify(sig, data, key, { zip215: false })
          : // WebCrypto's ECDSA: SHA-256 of the message (prehash), r ‖ s, and high S allowed
            // (WebCrypto does not normalize S, so its signatures are high-S half the time).
            p256.verify(sig, data, key, { prehash: true, lowS: false, format: 'compact' }),
      );
    } catch {
      return Promise.resolve(false);
    }
  },

  digest(alg, data) {
    return Promise.resolve(alg === 'SHA-256' ? sha256(data) : sha512(data));
  },
};
