import { expect } from '@open-wc/testing';
import { Sha256, hashBlob } from '../../../client/workers/file-hash.js';

async function webCryptoHex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 65536) {
    crypto.getRandomValues(bytes.subarray(offset, offset + 65536));
  }
  return bytes;
}

describe('file hashing', () => {
  it('hashes a Blob in slices to the same SHA-256 as WebCrypto, across slice boundaries', async () => {
    // 1 MiB slices: 3 MiB + 5 bytes crosses three boundaries and ends on a short slice.
    const bytes = randomBytes(3 * 1024 * 1024 + 5);
    expect(await hashBlob(new Blob([bytes]))).to.equal(await webCryptoHex(bytes));
    expect(await hashBlob(new Blob([]))).to.equal(await webCryptoHex(new Uint8Array(0)));
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
    let error: unknown = null;
    await hashBlob(new Blob([randomBytes(1024)]), controller.signal).catch((e: unknown) => (error = e));
    expect(error).to.not.equal(null);
  });
});
