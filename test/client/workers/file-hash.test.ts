import { expect } from '@open-wc/testing';
import { BlockSha256, blockDigester } from '../../../client/workers/block-hash.js';
import type { BlockDigester } from '../../../client/workers/block-hash.js';
import { HashAlong, Sha256, hashBlob, resumeHasher } from '../../../client/workers/file-hash.js';
import { HASH_SCHEME_BLOCKS } from '../../../shared/file-protocol.js';
import { MiB, randomBytes, webCryptoBlocksHex, webCryptoHex } from './web-crypto-digests.js';

/** `bytes` in pieces of the given sizes, round and round: no piece boundary meets a block's. */
function* pieces(bytes: Uint8Array, sizes: readonly number[]): Generator<Uint8Array> {
  for (let offset = 0, i = 0; offset < bytes.byteLength; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

const SIZES = [0, 1, MiB - 1, MiB, MiB + 1, 5 * MiB + 3];
/** 64 KiB chunks, a chunk and a bit, an odd sliver, a 1 MiB upload slice off the block grid. */
const ODD_PIECES = [65536, 65536 + 7, 13, MiB, 3 * 65536 - 1];

describe('file hashing, whole file (offers and rows of before the block scheme)', () => {
  it('hashes a Blob in slices to the same SHA-256 as WebCrypto, across slice boundaries', async () => {
    // 1 MiB slices: 3 MiB + 5 bytes crosses three boundaries and ends on a short slice.
    const bytes = randomBytes(3 * MiB + 5);
    expect(await hashBlob(new Blob([bytes]), undefined)).to.equal(await webCryptoHex(bytes));
    expect(await hashBlob(new Blob([]), undefined)).to.equal(await webCryptoHex(new Uint8Array(0)));
  });

  it('resumes from a saved state as if it had never stopped', async () => {
    const bytes = randomBytes(300_000);
    const first = await Sha256.create();
    first.update(bytes.subarray(0, 123_457));
    // What a receiver stores with a batch of chunks, and loads after a reload.
    const state = structuredClone(first.save());
    const resumed = await Sha256.create(state);
    resumed.update(bytes.subarray(123_457));
    expect(resumed.digestHex()).to.equal(await webCryptoHex(bytes));
  });

  it('refuses a state that is not a saved hasher state', async () => {
    let error: unknown = null;
    await Sha256.create(new Uint8Array([1, 2, 3])).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(Error);
  });

  it('stops hashing when told to', async () => {
    const controller = new AbortController();
    controller.abort();
    for (const scheme of [undefined, HASH_SCHEME_BLOCKS] as const) {
      let error: unknown = null;
      await hashBlob(new Blob([randomBytes(1024)]), scheme, { signal: controller.signal }).catch(
        (e: unknown) => (error = e),
      );
      expect(error, String(scheme)).to.not.equal(null);
    }
  });
});

describe('file hashing, block digest (sha256-blocks-1mib)', () => {
  it('gives the SHA-256 of the blocks’ SHA-256s, fed at any boundaries', async () => {
    for (const size of SIZES) {
      const bytes = randomBytes(size);
      const expected = await webCryptoBlocksHex(bytes);
      const hasher = await BlockSha256.create();
      for (const piece of pieces(bytes, ODD_PIECES)) hasher.update(piece);
      expect(await hasher.digestHex(), `${size} bytes in odd pieces`).to.equal(expected);
      const whole = await BlockSha256.create();
      whole.update(bytes);
      expect(await whole.digestHex(), `${size} bytes at once`).to.equal(expected);
      expect(await hashBlob(new Blob([bytes]), HASH_SCHEME_BLOCKS), `${size} bytes as a Blob`).to.equal(
        expected,
      );
    }
  });

  it('gives the SHA-256 of nothing for an empty file', async () => {
    const hasher = await BlockSha256.create();
    expect(await hasher.digestHex()).to.equal(await webCryptoHex(new Uint8Array(0)));
  });

  it('keeps the blocks in order when their digests end out of order', async () => {
    // Later blocks finish first: the fold must still take them in the file's order.
    const digest = await blockDigester();
    let delay = 40;
    const reversed: BlockDigester = async (block) => {
      const result = digest(block);
      await new Promise((resolve) => setTimeout(resolve, (delay -= 10)));
      return result;
    };
    const bytes = randomBytes(3 * MiB + 17);
    const hasher = await BlockSha256.create(null, reversed);
    for (const piece of pieces(bytes, ODD_PIECES)) hasher.update(piece);
    expect(await hasher.digestHex()).to.equal(await webCryptoBlocksHex(bytes));
  });

  it('digests its blocks with hash-wasm where there is no crypto.subtle, to the same value', async () => {
    // A page over plain http on a LAN address has no crypto.subtle; this page (a secure context)
    // has one that cannot be taken away, so the digester is built as it is there, and injected.
    const wasm = await blockDigester(null);
    const bytes = randomBytes(2 * MiB + 99);
    const expected = await webCryptoBlocksHex(bytes);
    const hasher = await BlockSha256.create(null, wasm);
    for (const piece of pieces(bytes, ODD_PIECES)) hasher.update(piece);
    expect(await hasher.digestHex()).to.equal(expected);
    expect(await hashBlob(new Blob([bytes]), HASH_SCHEME_BLOCKS, { digest: wasm })).to.equal(expected);
  });

  it('resumes mid-block from a saved state and the bytes stored after the blocks it covers', async () => {
    const bytes = randomBytes(4 * MiB + 321);
    const stored = 2 * MiB + 70_000;
    const first = await BlockSha256.create();
    for (const piece of pieces(bytes.subarray(0, stored), ODD_PIECES)) first.update(piece);
    // What a receiver stores with a batch, and loads after a reload: whole blocks only.
    const state = structuredClone(await first.save());
    const reads: [number, number][] = [];
    const resumed = await resumeHasher(HASH_SCHEME_BLOCKS, stored, state, async (from, to) => {
      reads.push([from, to]);
      return bytes.slice(from, to);
    });
    expect(reads).to.deep.equal([[2 * MiB, stored]]);
    for (const piece of pieces(bytes.subarray(stored), ODD_PIECES)) resumed.update(piece);
    expect(await resumed.digestHex()).to.equal(await webCryptoBlocksHex(bytes));
  });

  it('saves a state that covers only the blocks updated before the save was asked for', async () => {
    const bytes = randomBytes(3 * MiB);
    const hasher = await BlockSha256.create();
    hasher.update(bytes.subarray(0, MiB + 5));
    const saved = hasher.save();
    hasher.update(bytes.subarray(MiB + 5));
    const resumed = await BlockSha256.create(await saved);
    expect(resumed.coveredBytes).to.equal(MiB);
    resumed.update(bytes.subarray(MiB));
    expect(await resumed.digestHex()).to.equal(await webCryptoBlocksHex(bytes));
  });

  it('refuses a state that is not a block state, or claims more than is stored', async () => {
    const hasher = await BlockSha256.create();
    hasher.update(randomBytes(MiB));
    const state = await hasher.save();
    const whole = (await Sha256.create()).save();
    const never = async (): Promise<Uint8Array> => {
      throw new Error('nothing is read back');
    };
    for (const [what, attempt] of [
      ['three bytes', BlockSha256.create(new Uint8Array([1, 2, 3]))],
      ['a whole-file state', BlockSha256.create(whole)],
      ['a block state for a whole-file row', resumeHasher(undefined, MiB, state, never)],
      ['a state past what is stored', resumeHasher(HASH_SCHEME_BLOCKS, MiB - 1, state, never)],
      ['stored bytes without a state', resumeHasher(HASH_SCHEME_BLOCKS, 10, null, never)],
    ] as const) {
      const error = await (attempt as Promise<unknown>).then(
        () => null,
        (reason: unknown) => reason,
      );
      expect(error, what).to.be.instanceOf(Error);
    }
  });

  it('hashes an own file along upload slices that start off the block grid', async () => {
    const bytes = randomBytes(3 * MiB + 11);
    const blob = new Blob([bytes]);
    const along = new HashAlong(blob, HASH_SCHEME_BLOCKS, 60_000);
    const digest = along.digest();
    // Upload reads of 16 chunks of 64 KiB, the first one resumed at chunk 3 of a reading that had begun.
    await along.fed(0, bytes.slice(0, 3 * 65536));
    for (let offset = 3 * 65536; offset < bytes.byteLength; offset += MiB)
      await along.fed(offset, bytes.slice(offset, offset + MiB));
    expect(await digest).to.equal(await webCryptoBlocksHex(bytes));
  });
});
