/**
 * This browser's identity key, and checking others' signatures. In a secure context: Ed25519
 * through WebCrypto, non-extractable, kept in the account's database; ECDSA P-256 where Ed25519
 * cannot be generated or does not survive a store-and-read-back (Firefox before 136 cannot store
 * Ed25519 keys). Without WebCrypto (plain HTTP on a LAN address): Ed25519 in pure JS, the secret
 * kept as bytes (crypto-provider.ts; the trade-off in docs/security.md, "Plain HTTP").
 */
import { bytesToHex, hexToBytes } from '../../../shared/identity-protocol.js';
import type { PublicIdentity } from '../../../shared/identity-protocol.js';
import type { DeviceKeyRow, IdentityStore } from '../../storage/identity-store.js';
import { cryptoProvider, signerOf } from './crypto-provider.js';
import type { CryptoProvider } from './crypto-provider.js';

export class IdentityUnavailable extends Error {
  override readonly name = 'IdentityUnavailable';
}

const encoder = new TextEncoder();

export class DeviceKey {
  readonly identity: PublicIdentity;
  /** How the private key is kept: `bytes` means any script of this origin can read it. */
  readonly keyStorage: CryptoProvider['keyStorage'];
  readonly #row: DeviceKeyRow;
  readonly #signer: CryptoProvider;

  private constructor(row: DeviceKeyRow, signer: CryptoProvider) {
    this.identity = { alg: row.alg, key: row.publicKey };
    this.keyStorage = row.privateKey instanceof Uint8Array ? 'bytes' : 'non-extractable';
    this.#row = row;
    this.#signer = signer;
  }

  /**
   * The account's device key in this browser, made and stored on first use: by `crypto` (this
   * page's provider unless a test injects one).
   */
  static async load(
    store: Pick<IdentityStore, 'deviceKey' | 'saveDeviceKey'>,
    crypto?: CryptoProvider,
  ): Promise<DeviceKey> {
    const existing = await store.deviceKey();
    if (existing) return new DeviceKey(existing, await signerOf(existing));
    const provider = crypto ?? (await cryptoProvider());
    for (const alg of provider.algorithms) {
      let made: DeviceKeyRow;
      try {
        made = await provider.generate(alg);
      } catch {
        continue; // This browser cannot make this kind of key: try the next.
      }
      try {
        await store.saveDeviceKey(made);
        const back = await store.deviceKey();
        if (back) return new DeviceKey(back, await signerOf(back));
      } catch {
        // Stored keys of this kind do not survive here (DataCloneError): try the next.
      }
    }
    throw new IdentityUnavailable('this browser can neither make nor keep an identity key');
  }

  /** Signs `text` (as UTF-8); the signature as hex. */
  async sign(text: string): Promise<string> {
    return bytesToHex(await this.#signer.sign(this.#row, encoder.encode(text)));
  }
}

/**
 * Whether `sig` is `identity`'s signature of `text`, checked by `crypto` (this page's provider
 * unless a test injects one). Never throws: a bad key or signature is false.
 */
export async function verifySignature(
  identity: PublicIdentity,
  sig: string,
  text: string,
  crypto?: CryptoProvider,
): Promise<boolean> {
  try {
    const provider = crypto ?? (await cryptoProvider());
    return await provider.verify(identity, hexToBytes(sig), encoder.encode(text));
  } catch {
    return false;
  }
}
