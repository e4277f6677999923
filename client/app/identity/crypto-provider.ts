/**
 * Where identity cryptography runs: the one choice, made once per page. WebCrypto where
 * `crypto.subtle` exists (secure contexts: https, localhost), else the audited pure-JS
 * `@noble/curves` and `@noble/hashes`, loaded with a dynamic `import()` so that pages in a secure
 * context never download them. Both speak the same wire format (raw public keys, raw signatures),
 * so a page over plain HTTP and one over HTTPS verify each other. What the fallback costs is in
 * docs/security.md, "Plain HTTP".
 */
import type { KeyAlgorithm, PublicIdentity } from '../../../shared/identity-protocol.js';
import type { DeviceKeyRow } from '../../storage/identity-store.js';
import { webCryptoProvider } from './webcrypto-provider.js';

export type DigestAlgorithm = 'SHA-256' | 'SHA-512';

export interface CryptoProvider {
  /**
   * How the private keys this provider makes are kept: `non-extractable` (a `CryptoKey` whose
   * bytes no script can read) or `bytes` (readable by any script of the origin).
   */
  readonly keyStorage: 'non-extractable' | 'bytes';
  /** The kinds of key this provider makes, the preferred first. */
  readonly algorithms: readonly KeyAlgorithm[];
  /** A new key pair of `alg`; rejects where this browser cannot make one. */
  generate(alg: KeyAlgorithm): Promise<DeviceKeyRow>;
  /** The raw signature of `data` by `key`, a key this provider made. */
  sign(key: DeviceKeyRow, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
  /** Whether `sig` is `identity`'s raw signature of `data`. Never rejects: anything malformed is false. */
  verify(
    identity: PublicIdentity,
    sig: Uint8Array<ArrayBuffer>,
    data: Uint8Array<ArrayBuffer>,
  ): Promise<boolean>;
  digest(alg: DigestAlgorithm, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
}

/** Whether this page has WebCrypto's `subtle`: undefined outside secure contexts, whatever the types say. */
export function hasSubtle(): boolean {
  return (globalThis.crypto as Crypto | undefined)?.subtle !== undefined;
}

let noble: Promise<CryptoProvider> | undefined;

/** The pure-JS provider, loaded on first use (its own chunk in the build). */
export function nobleCrypto(): Promise<CryptoProvider> {
  noble ??= import('./noble-provider.js').then((module) => module.nobleProvider);
  return noble;
}

/** This page's provider: WebCrypto where it exists, else the pure-JS one. */
export function cryptoProvider(): Promise<CryptoProvider> {
  return hasSubtle() ? Promise.resolve(webCryptoProvider) : nobleCrypto();
}

/**
 * The provider that can sign with `key`: the one whose kind of key it is, whatever this page would
 * choose today (a key kept as bytes stays usable if the page later gains `subtle`).
 */
export function signerOf(key: DeviceKeyRow): Promise<CryptoProvider> {
  return key.privateKey instanceof Uint8Array ? nobleCrypto() : Promise.resolve(webCryptoProvider);
}
