/**
 * Signal's safety number (libsignal `rust/protocol/src/fingerprint.rs`, "numeric fingerprint"
 * version 0): for each side, SHA-512 over (version ‖ key ‖ stable id ‖ key), then 5,199 more rounds of
 * SHA-512(previous ‖ key); the first 30 bytes as six 5-byte numbers mod 100000, five digits each; the
 * two sides' 30 digits sorted and joined. Both people get the same 60 digits, and they match only if
 * each holds the key the other really has. Parley's stable id is the user name (UTF-8), its key the
 * raw public key bytes.
 */
import { cryptoProvider } from './crypto-provider.js';
import type { CryptoProvider } from './crypto-provider.js';

export const SAFETY_NUMBER_ROUNDS = 5200;

const encoder = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function sideDigits(
  key: Uint8Array,
  id: Uint8Array,
  rounds: number,
  crypto: CryptoProvider,
): Promise<string> {
  const version = new Uint8Array([0, 0]);
  let hash = await crypto.digest('SHA-512', concat(version, key, id, key));
  for (let round = 1; round < rounds; round++) {
    hash = await crypto.digest('SHA-512', concat(hash, key));
  }
  let digits = '';
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    // 5 bytes are 40 bits: exact in a double.
    for (const byte of hash.subarray(chunk * 5, chunk * 5 + 5)) value = value * 256 + byte;
    digits += String(value % 100_000).padStart(5, '0');
  }
  return digits;
}

export interface SafetyParty {
  /** The stable id: Parley's user name. */
  readonly id: string;
  /** The raw public key bytes. */
  readonly key: Uint8Array;
}

/** The 60 digits both sides see, without spaces; hashed by `crypto` (this page's provider unless given). */
export async function safetyNumber(
  a: SafetyParty,
  b: SafetyParty,
  rounds = SAFETY_NUMBER_ROUNDS,
  crypto?: CryptoProvider,
): Promise<string> {
  const provider = crypto ?? (await cryptoProvider());
  const [x, y] = await Promise.all([
    sideDigits(a.key, encoder.encode(a.id), rounds, provider),
    sideDigits(b.key, encoder.encode(b.id), rounds, provider),
  ]);
  return x < y ? x + y : y + x;
}

/** The digits in 12 groups of 5, as people read them aloud. */
export function groupDigits(digits: string): string {
  return (digits.match(/.{1,5}/g) ?? []).join(' ');
}
