/**
 * Each account's device public keys, as the clients announced them at sign-in. A hint the server
 * hands out with presence, never a proof: clients compare it with the key that signs the hello
 * (docs/identity.md). A browser is a device; the newest `MAX_DEVICE_KEYS` per account are kept.
 */
import type { KeyAlgorithm } from '../../shared/identity-protocol.js';

/** How many device keys one account keeps; signing in from one more forgets the least recently seen. */
export const MAX_DEVICE_KEYS = 8;

export interface DeviceKeyRecord {
  alg: KeyAlgorithm;
  /** The raw public key, lowercase hex. */
  key: string;
  /** SHA-256 of `alg:key`, hex: what the key is stored under (see `keyFingerprint`). */
  fingerprint: string;
  firstSeen: number;
  lastSeen: number;
}

export interface DeviceKeyStore {
  /**
   * Records that the account signed in at `now` with this key: a known fingerprint's `lastSeen`
   * moves, a new one is added, and past `MAX_DEVICE_KEYS` the least recently seen go.
   */
  saveDeviceKey(
    accountId: number,
    key: Pick<DeviceKeyRecord, 'alg' | 'key' | 'fingerprint'>,
    now: number,
  ): Promise<void>;
  /** The account's device keys, most recently seen first. */
  deviceKeysOf(accountId: number): Promise<DeviceKeyRecord[]>;
}
