/**
 * The block digest (`sha256-blocks-1mib`, see `HashScheme` in file-protocol.ts) from its parts: the
 * SHA-256 of each 1 MiB block, computed wherever is fastest (WebCrypto in a browser), folded here.
 * This is the scheme's definition; the client's streaming hasher (client/workers/block-hash.ts) must
 * give the same value, and its tests check that it does.
 */
import { createSHA256 } from 'hash-wasm';
import { HASH_BLOCK_BYTES } from './file-protocol.js';

/** The byte length of one block's digest. */
export const BLOCK_DIGEST_BYTES = 32;

/** How many blocks a file of `size` bytes has: none for an empty file, the last one may be short. */
export function hashBlockCount(size: number): number {
  return Math.ceil(size / HASH_BLOCK_BYTES);
}

/**
 * The block digest as 64 hex digits: the SHA-256 of `blockDigests` (each block's 32-byte SHA-256, in
 * the file's order) laid end to end. No blocks (an empty file): the SHA-256 of nothing.
 */
export async function blockDigestHex(blockDigests: readonly Uint8Array[]): Promise<string> {
  const outer = await createSHA256();
  outer.init();
  for (const digest of blockDigests) {
    if (digest.byteLength !== BLOCK_DIGEST_BYTES) throw new TypeError('a block digest has 32 bytes');
    outer.update(digest);
  }
  return outer.digest('hex');
}
