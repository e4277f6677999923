import { createHash } from 'node:crypto';
import type { PublicIdentity } from '../../shared/identity-protocol.js';

/** What a device key is stored under: SHA-256 of `alg:key` (hex), so both algorithms share one column. */
export function keyFingerprint(identity: PublicIdentity): string {
  return createHash('sha256').update(`${identity.alg}:${identity.key}`).digest('hex');
}
