/**
 * This browser's identity key, and checking others' signatures. Ed25519 through WebCrypto,
 * non-extractable, kept in the account's database; ECDSA P-256 where Ed25519 cannot be generated or
 * does not survive a store-and-read-back (Firefox before 136 cannot store Ed25519 keys). WebCrypto
 * exists only in secure contexts (https, localhost): elsewhere `load` throws `IdentityUnavailable`
 * and the app says why (docs/identity.md, "Secure contexts").
 */
import { bytesToHex, hexToBytes } from '../../../shared/identity-protocol.js';
import type { KeyAlgorithm, PublicIdentity } from '../../../shared/identity-protocol.js';
import type { DeviceKeyRow, IdentityStore } from '../../storage/identity-store.js';

export class IdentityUnavailable extends Error {
  override readonly name = 'IdentityUnavailable';
}

const GENERATE: Record<KeyAlgorithm, EcKeyGenParams | Algorithm> = {
  Ed25519: { name: 'Ed25519' },
  'P-256': { name: 'ECDSA', namedCurve: 'P-256' },
};
const SIGN: Record<KeyAlgorithm, Algorithm | EcdsaParams> = {
  Ed25519: { name: 'Ed25519' },
  'P-256': { name: 'ECDSA', hash: 'SHA-256' },
};

const encoder = new TextEncoder();

function subtle(): SubtleCrypto {
  // `crypto.subtle` is undefined outside secure contexts, whatever the types say.
  const found = (globalThis.crypto as Crypto | undefined)?.subtle as SubtleCrypto | undefined;
  if (!found) throw new IdentityUnavailable('this page is not a secure context (use https or localhost)');
  return found;
}

async function generate(alg: KeyAlgorithm): Promise<DeviceKeyRow> {
  const pair = (await subtle().generateKey(GENERATE[alg], false, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  return { alg, privateKey: pair.privateKey, publicKey: bytesToHex(raw) };
}

export class DeviceKey {
  readonly identity: PublicIdentity;
  readonly #privateKey: CryptoKey;

  private constructor(row: DeviceKeyRow) {
    this.identity = { alg: row.alg, key: row.publicKey };
    this.#privateKey = row.privateKey;
  }

  /** The account's device key in this browser, made and stored on first use. */
  static async load(store: Pick<IdentityStore, 'deviceKey' | 'saveDeviceKey'>): Promise<DeviceKey> {
    const existing = await store.deviceKey();
    if (existing) return new DeviceKey(existing);
    for (const alg of ['Ed25519', 'P-256'] as const) {
      let made: DeviceKeyRow;
      try {
        made = await generate(alg);
      } catch (error) {
        if (error instanceof IdentityUnavailable) throw error;
        continue; // This browser cannot make this kind of key: try the next.
      }
      try {
        await store.saveDeviceKey(made);
        const back = await store.deviceKey();
        if (back) return new DeviceKey(back);
      } catch {
        // Stored keys of this kind do not survive here (DataCloneError): try the next.
      }
    }
    throw new IdentityUnavailable('this browser can neither make nor keep an identity key');
  }

  /** Signs `text` (as UTF-8); the signature as hex. */
  async sign(text: string): Promise<string> {
    const sig = await subtle().sign(SIGN[this.identity.alg], this.#privateKey, encoder.encode(text));
    return bytesToHex(new Uint8Array(sig));
  }
}

/** Imported public keys, by algorithm and key: a message batch checks the same few keys many times. */
const imported = new Map<string, Promise<CryptoKey>>();

function publicKeyOf(identity: PublicIdentity): Promise<CryptoKey> {
  const id = `${identity.alg}:${identity.key}`;
  let key = imported.get(id);
  if (!key) {
    // Keys come from peers: bound the cache so a peer cycling keys cannot grow it without end.
    if (imported.size >= 1024) imported.clear();
    key = subtle().importKey('raw', hexToBytes(identity.key), GENERATE[identity.alg], true, ['verify']);
    imported.set(id, key);
  }
  return key;
}

/** Whether `sig` is `identity`'s signature of `text`. Never throws: a bad key or signature is false. */
export async function verifySignature(identity: PublicIdentity, sig: string, text: string): Promise<boolean> {
  try {
    return await subtle().verify(
      SIGN[identity.alg],
      await publicKeyOf(identity),
      hexToBytes(sig),
      encoder.encode(text),
    );
  } catch {
    return false;
  }
}
