/**
 * The page side of `bench/hashing.ts`, bundled by esbuild and loaded into a page of the real
 * server's origin (a secure context, so WebCrypto is there). It digests one random buffer with the
 * app's own hashers, as a download feeds them (64 KiB chunks), and as `hashBlob` reads an own file
 * (1 MiB slices of a Blob), in each scheme, and times each in the page's own clock.
 */
import { BlockSha256, blockDigester } from '../../client/workers/block-hash.js';
import { Sha256, hashBlob } from '../../client/workers/file-hash.js';
import type { FileHasher } from '../../client/workers/file-hash.js';
import { FILE_CHUNK_BYTES, HASH_SCHEME_BLOCKS } from '../../shared/file-protocol.js';

/** What is timed, by name: each a function that digests `bytes` (or its Blob) and gives the hex. */
type Variant = (bytes: Uint8Array<ArrayBuffer>, blob: Blob) => Promise<string>;

async function fed(hasher: FileHasher, bytes: Uint8Array): Promise<string> {
  for (let offset = 0; offset < bytes.byteLength; offset += FILE_CHUNK_BYTES)
    hasher.update(bytes.subarray(offset, offset + FILE_CHUNK_BYTES));
  return hasher.digestHex();
}

const VARIANTS: Record<string, Variant> = {
  'whole file, hash-wasm (64 KiB chunks)': async (bytes) => fed(await Sha256.create(), bytes),
  'blocks, WebCrypto (64 KiB chunks)': async (bytes) => fed(await BlockSha256.create(), bytes),
  'blocks, hash-wasm fallback (64 KiB chunks)': async (bytes) =>
    fed(await BlockSha256.create(null, await blockDigester(null)), bytes),
  // The floor: WebCrypto on blocks already whole in memory, no copy and no fold.
  'WebCrypto alone, 1 MiB views, one at a time': async (bytes) => {
    let last = new ArrayBuffer(0);
    for (let offset = 0; offset < bytes.byteLength; offset += 1024 * 1024)
      last = await crypto.subtle.digest('SHA-256', bytes.subarray(offset, offset + 1024 * 1024));
    return String(last.byteLength);
  },
  'whole file, hash-wasm (hashBlob)': (_, blob) => hashBlob(blob, undefined),
  'blocks, WebCrypto (hashBlob)': (_, blob) => hashBlob(blob, HASH_SCHEME_BLOCKS),
};

export interface HashingTimes {
  bytes: number;
  /** Per variant, ms per MB (10^6 bytes), one sample per round. */
  msPerMb: Record<string, number[]>;
}

async function run(mib: number, rounds: number): Promise<HashingTimes> {
  const bytes = new Uint8Array(mib * 1024 * 1024);
  for (let offset = 0; offset < bytes.byteLength; offset += 65536)
    crypto.getRandomValues(bytes.subarray(offset, offset + 65536));
  const blob = new Blob([bytes]);
  const msPerMb: Record<string, number[]> = {};
  const blockDigests = new Set<string>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, variant] of Object.entries(VARIANTS)) {
      const started = performance.now();
      const hex = await variant(bytes, blob);
      (msPerMb[name] ??= []).push((performance.now() - started) / (bytes.byteLength / 1e6));
      if (name.startsWith('blocks')) blockDigests.add(hex);
    }
  }
  if (blockDigests.size !== 1) throw new Error('the block digest differs between variants');
  return { bytes: bytes.byteLength, msPerMb };
}

declare global {
  interface Window {
    parleyHashingBench?: { run: typeof run };
  }
}

window.parleyHashingBench = { run };
