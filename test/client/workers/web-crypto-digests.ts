// Digests computed with WebCrypto alone, independently of the app's hashers, for their tests.

export const MiB = 1024 * 1024;

/** `length` random bytes (getRandomValues fills at most 64 KiB per call). */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 65536)
    crypto.getRandomValues(bytes.subarray(offset, offset + 65536));
  return bytes;
}

/** The SHA-256 of `bytes` as 64 hex digits. */
export async function webCryptoHex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The block digest (sha256-blocks-1mib) as the scheme states it: SHA-256 of the 1 MiB blocks' SHA-256s. */
export async function webCryptoBlocksHex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const blocks = Math.ceil(bytes.byteLength / MiB);
  const joined = new Uint8Array(32 * blocks);
  for (let block = 0; block < blocks; block++) {
    const part = bytes.slice(block * MiB, (block + 1) * MiB);
    joined.set(new Uint8Array(await crypto.subtle.digest('SHA-256', part)), 32 * block);
  }
  return webCryptoHex(joined);
}
