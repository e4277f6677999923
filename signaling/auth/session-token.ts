import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;

/** A fresh session token: 32 random bytes, base64url. Only its hash is ever stored. */
export function newSessionToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * The stored form of a token. A plain SHA-256 is enough: the token has 256 bits of entropy, so unlike
 * a password it cannot be guessed from its hash, and a leaked table does not grant sessions.
 */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
