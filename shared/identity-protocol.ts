/**
 * What proves who is at the other end of a data channel, and who wrote a message. The signaling
 * server relays the SDP, so it could answer each side with its own and sit in the middle; each side
 * therefore signs, with its device key, a statement that names both people, both DTLS fingerprints
 * (read from its own connection's descriptions) and both sides' fresh nonces. A middle-man holds
 * neither key, and the fingerprints each victim sees differ from what the other signed, so the
 * statements it could forward never verify. Wire shapes only: the crypto lives in client/app/identity.
 */
import * as z from 'zod';

/** What the device keys are; Ed25519 first, ECDSA P-256 where a browser cannot keep an Ed25519 key. */
export const KeyAlgorithm = z.enum(['Ed25519', 'P-256']);
export type KeyAlgorithm = z.infer<typeof KeyAlgorithm>;

const hex = (min: number, max: number): z.ZodString =>
  z
    .string()
    .min(min * 2)
    .max(max * 2)
    .regex(/^(?:[0-9a-f]{2})+$/, 'lowercase hex');

/** A raw public key: 32 bytes (Ed25519) or 65 (uncompressed P-256). */
export const PublicKeyHex = hex(32, 65);
/** A raw signature: 64 bytes for both algorithms (P-256 in IEEE P1363 form). */
export const SignatureHex = hex(64, 64);
/** 16 random bytes, fresh for each connection. */
export const NonceHex = hex(16, 16);

/** A device's public identity: what the server hands out as a hint and a hello carries. */
export const PublicIdentity = z.strictObject({ alg: KeyAlgorithm, key: PublicKeyHex });
export type PublicIdentity = z.infer<typeof PublicIdentity>;

/** First frame each side sends on a new channel: its protocol version, key and nonce. */
export const HelloFrame = z.strictObject({
  type: z.literal('hello'),
  version: z.number().int(),
  nonce: NonceHex,
  identity: PublicIdentity,
});
export type HelloFrame = z.infer<typeof HelloFrame>;

/** Sent once the other side's nonce is known: the signature over `helloStatement`. */
export const HelloProofFrame = z.strictObject({ type: z.literal('hello-proof'), sig: SignatureHex });
export type HelloProofFrame = z.infer<typeof HelloProofFrame>;

export type HandshakeFrame = HelloFrame | HelloProofFrame;

/** Tells the statement apart from anything else the same key signs (messages, group changes). */
export const HELLO_CONTEXT = 'parley-dtls-v1';

/** What one side signs about one connection. */
export interface HelloStatement {
  /** The signer. */
  from: string;
  to: string;
  /** The signer's own DTLS fingerprints, then the other side's, as the signer's connection sees them. */
  fromFingerprints: readonly string[];
  toFingerprints: readonly string[];
  fromNonce: string;
  toNonce: string;
}

/**
 * The exact text signed (as UTF-8). A JSON array, so no field can run into the next; fingerprints
 * canonical and sorted, so both sides build the same text from their own descriptions.
 */
export function helloStatement(statement: HelloStatement): string {
  return JSON.stringify([
    HELLO_CONTEXT,
    statement.from,
    statement.to,
    canonicalFingerprints(statement.fromFingerprints),
    canonicalFingerprints(statement.toFingerprints),
    statement.fromNonce,
    statement.toNonce,
  ]);
}

/**
 * `a=fingerprint` values (`sha-256 AB:CD:…`) in one spelling: hash name lowercase, hex uppercase,
 * sorted, without repeats. SDP allows either case and several lines (session and media level).
 */
export function canonicalFingerprints(values: readonly string[]): string[] {
  const canonical = values.map((value) => {
    const [hash = '', digest = ''] = value.trim().split(/\s+/);
    return `${hash.toLowerCase()} ${digest.toUpperCase()}`;
  });
  return [...new Set(canonical)].sort();
}

/** Every `a=fingerprint` value of an SDP, session or media level. */
export function sdpFingerprints(sdp: string): string[] {
  const found: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const match = /^a=fingerprint:(\S+)\s+(\S+)\s*$/i.exec(line);
    if (match) found.push(`${match[1]} ${match[2]}`);
  }
  return canonicalFingerprints(found);
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

export function hexToBytes(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 2 !== 0 || !/^[0-9a-f]*$/.test(text)) throw new TypeError('not lowercase hex');
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
