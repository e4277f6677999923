/**
 * This browser's device key and the keys pinned for contacts, in the account's database (stores
 * `identity` and `pins`, since v5). The private key is a non-extractable `CryptoKey` (IndexedDB keeps
 * it by structured clone, so its bytes never reach script) or, on pages without WebCrypto (plain
 * HTTP), an Ed25519 secret as its 32 bytes, readable by any script of the origin (docs/security.md). Callers create the key first and store it
 * after: an `await` on WebCrypto inside an open transaction lets the transaction commit (and fails
 * outright in Firefox).
 */
import * as z from 'zod';
import { KeyAlgorithm, PublicKeyHex } from '../../shared/identity-protocol.js';
import type { PublicIdentity } from '../../shared/identity-protocol.js';
import type { StoreConnection } from './store-connection.js';

/** The one row of `identity`. */
export interface DeviceKeyRow {
  alg: KeyAlgorithm;
  privateKey: CryptoKey | Uint8Array<ArrayBuffer>;
  /** Raw public key, hex. */
  publicKey: string;
}

const DeviceKeyRow = z.union([
  z.strictObject({
    alg: KeyAlgorithm,
    // `CryptoKey` itself is undefined outside secure contexts.
    privateKey: z.custom<CryptoKey>(
      (value) => typeof CryptoKey !== 'undefined' && value instanceof CryptoKey,
      'not a CryptoKey',
    ),
    publicKey: PublicKeyHex,
  }),
  z.strictObject({
    alg: z.literal('Ed25519'),
    privateKey: z.custom<Uint8Array<ArrayBuffer>>(
      (value) => value instanceof Uint8Array && value.length === 32,
      'not an Ed25519 secret',
    ),
    publicKey: PublicKeyHex,
  }),
]);

/** A contact's key as this browser trusts it: pinned on first use, or since verified. */
export const PinRow = z.strictObject({
  peer: z.string().min(1),
  alg: KeyAlgorithm,
  key: PublicKeyHex,
  /** The person compared safety numbers and marked it verified. */
  verified: z.boolean(),
  pinnedAt: z.number().int().nonnegative(),
});
export type PinRow = z.infer<typeof PinRow>;

const DEVICE_KEY = 'device';

export class IdentityStore {
  readonly #connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.#connection = connection;
  }

  async deviceKey(): Promise<DeviceKeyRow | undefined> {
    const raw: unknown = await this.#connection.db.get('identity', DEVICE_KEY);
    return this.#connection.parse(DeviceKeyRow, 'identity', DEVICE_KEY, raw);
  }

  /** Stores the device key unless one is there already; returns the one kept (two tabs may race). */
  saveDeviceKey(row: DeviceKeyRow): Promise<DeviceKeyRow> {
    return this.#connection.run(['identity'], 'readwrite', async (tx) => {
      const store = tx.objectStore('identity');
      const existing = DeviceKeyRow.safeParse(await store.get(DEVICE_KEY));
      if (existing.success) return existing.data;
      await store.put(row, DEVICE_KEY);
      return row;
    });
  }

  async pin(peer: string): Promise<PinRow | undefined> {
    const raw: unknown = await this.#connection.db.get('pins', peer);
    return this.#connection.parse(PinRow, 'pins', peer, raw);
  }

  /** Pins `identity` for `peer` (replacing any earlier pin), verified or not. */
  async savePin(peer: string, identity: PublicIdentity, verified: boolean, at = Date.now()): Promise<PinRow> {
    const row: PinRow = { peer, alg: identity.alg, key: identity.key, verified, pinnedAt: at };
    await this.#connection.db.put('pins', row);
    return row;
  }
}
