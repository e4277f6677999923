/**
 * A real identity hello for bare `PeerMesh`es that tests drive as peers: a fresh Ed25519 key held in
 * memory (no storage), admitting whoever proves a key. Hostile peers in tests pass the hello
 * honestly, so what they send afterwards is what the test is about.
 */
import { HelloHandshake } from '../../../client/app/identity/hello-handshake.js';
import { bytesToHex } from '../../../shared/identity-protocol.js';
import type { PublicIdentity } from '../../../shared/identity-protocol.js';

export interface TestKey {
  identity: PublicIdentity;
  sign(text: string): Promise<string>;
}

export async function testKey(): Promise<TestKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return {
    identity: { alg: 'Ed25519', key: bytesToHex(raw) },
    sign: async (text) =>
      bytesToHex(
        new Uint8Array(
          await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, new TextEncoder().encode(text)),
        ),
      ),
  };
}

/** A gate for `me` that runs the real hello with a throwaway key and admits any proven key. */
export async function testGate(me: string, key?: TestKey): Promise<HelloHandshake> {
  const own = key ?? (await testKey());
  return new HelloHandshake({
    me,
    key: own,
    admit: () => Promise.resolve(true),
    outcome: () => undefined,
    warn: () => undefined,
  });
}
