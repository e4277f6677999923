import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { BLOCK_DIGEST_BYTES, blockDigestHex, hashBlockCount } from '../../shared/file-hash-scheme.js';
import { HASH_BLOCK_BYTES } from '../../shared/file-protocol.js';

const MiB = 1024 * 1024;

/** The block digest as the scheme states it, with node:crypto alone: SHA-256 of the blocks' SHA-256s. */
function nodeBlockDigest(file: Uint8Array): { parts: Uint8Array[]; hex: string } {
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < file.byteLength; offset += MiB)
    parts.push(
      createHash('sha256')
        .update(file.subarray(offset, offset + MiB))
        .digest(),
    );
  return { parts, hex: createHash('sha256').update(Buffer.concat(parts)).digest('hex') };
}

test('the block size is 1 MiB and a file has one block per started MiB, an empty one none', () => {
  assert.equal(HASH_BLOCK_BYTES, MiB);
  assert.deepEqual([0, 1, MiB - 1, MiB, MiB + 1, 3 * MiB + 7].map(hashBlockCount), [0, 1, 1, 1, 2, 4]);
});

test('folds block digests to the SHA-256 of their concatenation, as node:crypto computes it', async () => {
  for (const size of [0, 1, MiB - 1, MiB, MiB + 1, 3 * MiB + 7]) {
    const { parts, hex } = nodeBlockDigest(randomBytes(size));
    assert.equal(parts.length, hashBlockCount(size), `blocks of ${size} bytes`);
    assert.equal(await blockDigestHex(parts), hex, `${size} bytes`);
  }
});

test('an empty file’s block digest is the SHA-256 of nothing', async () => {
  assert.equal(await blockDigestHex([]), createHash('sha256').update('').digest('hex'));
});

test('a file of one short block is not digested as its whole-file SHA-256', async () => {
  const file = randomBytes(1000);
  const whole = createHash('sha256').update(file).digest();
  assert.equal(await blockDigestHex([whole]), createHash('sha256').update(whole).digest('hex'));
  assert.notEqual(await blockDigestHex([whole]), whole.toString('hex'));
});

test('refuses a block digest that is not 32 bytes', async () => {
  await assert.rejects(blockDigestHex([new Uint8Array(BLOCK_DIGEST_BYTES - 1)]), TypeError);
});
