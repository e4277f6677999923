/**
 * The page side of `bench/signing.ts`, bundled by esbuild and loaded into a page of the real
 * server's origin (a secure context, so WebCrypto is there). It signs and checks messages with the
 * app's own code — a non-extractable device key made by `DeviceKey.load`, `MessageSigner.seal` (the
 * hash of the previous message and the signature, as the outbox does per message) and
 * `MessageVerifier.check` (one message, as a live message is checked; and 64 at once, as a catch-up
 * batch is) — and times each in the page's own clock.
 */
import { DeviceKey } from '../../client/app/identity/device-key.js';
import { MessageSigner, MessageVerifier } from '../../client/app/identity/message-signing.js';
import type { DeviceKeyRow } from '../../client/storage/identity-store.js';
import type { ChatMessage } from '../../shared/peer-protocol.js';

/** Operations per sample; also the size of a checked batch (a catch-up batch holds up to 64). */
const CHUNK = 64;

function draft(seq: number) {
  return {
    id: seq.toString(16).padStart(32, '0'),
    conversation: 'group:g' + 'a'.repeat(24),
    author: 'alice',
    seq,
    sentAt: Date.now(),
    text: `message ${seq}: a sentence of ordinary length, about as long as people type in a chat.`,
  };
}

export interface SigningTimes {
  alg: string;
  /** Per message, in ms (each sample a run of 64): seal (previous hash + sign), one after another. */
  sign: number[];
  /** Per message, in ms (each sample a run of 64): one `check` of one message, one after another. */
  verifyOne: number[];
  /** Per message, in ms: one `check` of a batch of 64, divided by 64. */
  verifyBatch: number[];
}

async function run(count: number): Promise<SigningTimes> {
  let row: DeviceKeyRow | undefined;
  const key = await DeviceKey.load({
    deviceKey: () => Promise.resolve(row),
    saveDeviceKey: (made) => Promise.resolve((row = made)),
  });
  const signer = new MessageSigner({ key, ownAt: () => Promise.resolve(undefined) });
  const verifier = new MessageVerifier({ pinned: () => Promise.resolve(key.identity) });
  // The page's clock is coarsened (100 µs in Chromium without cross-origin isolation): each sample
  // is a run of CHUNK operations, divided by CHUNK.
  const sealed: ChatMessage[] = [];
  const sign: number[] = [];
  for (let seq = 1; seq <= count; seq += CHUNK) {
    const started = performance.now();
    for (let n = seq; n < seq + CHUNK; n += 1) sealed.push(await signer.seal(draft(n)));
    sign.push((performance.now() - started) / CHUNK);
  }
  const verifyOne: number[] = [];
  for (let from = 0; from < sealed.length; from += CHUNK) {
    const started = performance.now();
    for (const message of sealed.slice(from, from + CHUNK)) {
      const [verdict] = await verifier.check([message]);
      if (verdict !== 'valid') throw new Error(`message ${message.seq} did not verify: ${verdict}`);
    }
    verifyOne.push((performance.now() - started) / CHUNK);
  }
  const verifyBatch: number[] = [];
  for (let from = 0; from < sealed.length; from += CHUNK) {
    const started = performance.now();
    const verdicts = await verifier.check(sealed.slice(from, from + CHUNK));
    verifyBatch.push((performance.now() - started) / CHUNK);
    if (verdicts.some((verdict) => verdict !== 'valid')) throw new Error('a batch did not verify');
  }
  return { alg: key.identity.alg, sign, verifyOne, verifyBatch };
}

declare global {
  interface Window {
    parleySigningBench?: { run: typeof run };
  }
}

window.parleySigningBench = { run };
