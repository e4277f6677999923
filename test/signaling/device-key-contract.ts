/**
 * The device-key part of the store contract (store-contract.ts runs it on each engine): keys are
 * kept per account by fingerprint, the newest few, and go with the account.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_DEVICE_KEYS } from '../../signaling/store/device-key-store.js';
import { keyFingerprint } from '../../signaling/store/key-fingerprint.js';
import type { OpenStore } from './store-contract.js';

/** A distinct, well-formed Ed25519-sized key per `n`. */
export function deviceKey(n: number) {
  const identity = { alg: 'Ed25519' as const, key: n.toString(16).padStart(64, '0') };
  return { ...identity, fingerprint: keyFingerprint(identity) };
}

const account = (username: string) => ({
  username,
  nameKey: username,
  skeleton: username,
  passwordHash: '$scrypt$ln=4,r=8,p=1$c2FsdA$aGFzaA',
  createdAt: 1,
});

export function deviceKeyContract(engine: string, open: OpenStore): void {
  test(`${engine}: device keys are kept per account by fingerprint, most recently seen first`, async (t) => {
    const { store } = await open(t);
    const alice = (await store.createAccount(account('alice')))!;
    const bob = (await store.createAccount(account('bob')))!;
    await store.saveDeviceKey(alice.id, deviceKey(1), 100);
    await store.saveDeviceKey(alice.id, deviceKey(2), 200);
    await store.saveDeviceKey(bob.id, deviceKey(3), 150);
    // Seen again: one row, its last-seen moves, its first-seen stays.
    await store.saveDeviceKey(alice.id, deviceKey(1), 300);
    const keys = await store.deviceKeysOf(alice.id);
    assert.deepEqual(
      keys.map(({ key, firstSeen, lastSeen }) => ({ key, firstSeen, lastSeen })),
      [
        { key: deviceKey(1).key, firstSeen: 100, lastSeen: 300 },
        { key: deviceKey(2).key, firstSeen: 200, lastSeen: 200 },
      ],
    );
    assert.deepEqual(keys[0], { ...deviceKey(1), firstSeen: 100, lastSeen: 300 });
    assert.deepEqual(
      (await store.deviceKeysOf(bob.id)).map((k) => k.key),
      [deviceKey(3).key],
    );
    // An older sign-in reported late does not move last-seen back.
    await store.saveDeviceKey(alice.id, deviceKey(1), 50);
    assert.equal((await store.deviceKeysOf(alice.id))[0]?.lastSeen, 300);
  });

  test(`${engine}: past ${MAX_DEVICE_KEYS} device keys the least recently seen go`, async (t) => {
    const { store, countRows } = await open(t);
    const alice = (await store.createAccount(account('alice')))!;
    for (let n = 0; n < MAX_DEVICE_KEYS + 3; n++) await store.saveDeviceKey(alice.id, deviceKey(n), 1000 + n);
    // Key 0 is used again: it stays, and the next oldest go in its place.
    await store.saveDeviceKey(alice.id, deviceKey(0), 5000);
    const keys = await store.deviceKeysOf(alice.id);
    assert.equal(keys.length, MAX_DEVICE_KEYS);
    assert.equal(keys[0]?.key, deviceKey(0).key);
    assert.deepEqual(
      keys.slice(1).map((k) => k.lastSeen),
      Array.from({ length: MAX_DEVICE_KEYS - 1 }, (_, i) => 1000 + MAX_DEVICE_KEYS + 2 - i),
    );
    assert.equal(await countRows('device_keys'), MAX_DEVICE_KEYS);
  });

  test(`${engine}: many sign-ins with new keys at once still keep ${MAX_DEVICE_KEYS}`, async (t) => {
    const { store, countRows } = await open(t);
    const alice = (await store.createAccount(account('alice')))!;
    await Promise.all(
      Array.from({ length: MAX_DEVICE_KEYS * 2 }, (_, n) =>
        store.saveDeviceKey(alice.id, deviceKey(n), 10 + n),
      ),
    );
    assert.equal(await countRows('device_keys'), MAX_DEVICE_KEYS);
  });
}
