/**
 * The block digest of a file (`sha256-blocks-1mib`, shared/file-protocol.ts) from bytes that come in
 * pieces of any size and at any boundaries: 64 KiB chunks of a download, 1 MiB slices of an upload.
 * Each 1 MiB block is digested by WebCrypto (the CPU's SHA instructions, ~0.6 ms/MB here, where
 * hash-wasm streams at ~5.3), and the 32-byte block digests are folded in order by a hash-wasm SHA-256,
 * whose small state saves and loads, so a download can resume its hash after a reload.
 */
import { createSHA256 } from 'hash-wasm';
import type { IHasher } from 'hash-wasm';
import { HASH_BLOCK_BYTES } from '../../shared/file-protocol.js';

/**
 * SHA-256 of one block. It must take the bytes as they are when it is called (WebCrypto copies them
 * at once; hash-wasm digests them before returning): the caller reuses the buffer afterwards.
 */
export type BlockDigester = (block: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;

/**
 * WebCrypto's digest where there is one; else hash-wasm's, the same value, slower. A page served over
 * plain http from a LAN address is not a secure context and has no `crypto.subtle` (nor its worker).
 * `subtle` is a parameter so tests can take that path in a secure page.
 */
export async function blockDigester(
  subtle: SubtleCrypto | null = globalThis.crypto?.subtle ?? null,
): Promise<BlockDigester> {
  if (subtle) return async (block) => new Uint8Array(await subtle.digest('SHA-256', block));
  const wasm = await createSHA256();
  return (block) => {
    wasm.init();
    wasm.update(block);
    return Promise.resolve(wasm.digest('binary'));
  };
}

let defaultDigester: Promise<BlockDigester> | null = null;

/** The byte length of one block's SHA-256. */
const BLOCK_DIGEST_BYTES = 32;

/** The first byte of a saved state, so a state of another kind is refused rather than misread. */
const STATE_TAG = 0xb1;
/** Tag (1) + blocks folded (8, a float64: exact up to 2^53). */
const STATE_HEADER_BYTES = 9;

export class BlockSha256 {
  readonly #outer: IHasher;
  readonly #digest: BlockDigester;
  /** The block being filled, and how much of it is. */
  readonly #block = new Uint8Array(HASH_BLOCK_BYTES);
  #filled = 0;
  /** Blocks handed to the digester so far (the folded ones and those still being digested). */
  #blocks: number;
  /** Every fold and save runs after the ones queued before it: block digests end in any order. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(outer: IHasher, digest: BlockDigester, blocks: number) {
    this.#outer = outer;
    this.#digest = digest;
    this.#blocks = blocks;
  }

  /**
   * A fresh hasher, or one resumed from `state` (from `save`), which covers `coveredBytes`: whole
   * blocks only. Throws on a state it cannot load. `digest`: the block digester (tests inject one).
   */
  static async create(state: Uint8Array | null = null, digest?: BlockDigester): Promise<BlockSha256> {
    let blocks = 0;
    let outerState: Uint8Array | null = null;
    if (state) {
      if (state.byteLength <= STATE_HEADER_BYTES || state[0] !== STATE_TAG)
        throw new TypeError('not a block hash state');
      blocks = new DataView(state.buffer, state.byteOffset, state.byteLength).getFloat64(1);
      if (!Number.isSafeInteger(blocks) || blocks < 0) throw new TypeError('not a block hash state');
      outerState = state.subarray(STATE_HEADER_BYTES);
    }
    const outer = await createSHA256();
    outer.init();
    if (outerState) outer.load(outerState);
    return new BlockSha256(outer, digest ?? (await (defaultDigester ??= blockDigester())), blocks);
  }

  /** The bytes from the file's start that the state `save` gives covers: the whole blocks so far. */
  get coveredBytes(): number {
    return this.#blocks * HASH_BLOCK_BYTES;
  }

  /** The file's next bytes. They are copied (or digested) before this returns. */
  update(data: Uint8Array): void {
    let offset = 0;
    while (offset < data.byteLength) {
      // A whole block in `data` (an upload's 1 MiB slice) is digested where it is, not copied first.
      if (
        this.#filled === 0 &&
        data.byteLength - offset >= HASH_BLOCK_BYTES &&
        data.buffer instanceof ArrayBuffer
      ) {
        this.#endBlock(new Uint8Array(data.buffer, data.byteOffset + offset, HASH_BLOCK_BYTES));
        offset += HASH_BLOCK_BYTES;
        continue;
      }
      const take = Math.min(HASH_BLOCK_BYTES - this.#filled, data.byteLength - offset);
      this.#block.set(data.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === HASH_BLOCK_BYTES) this.#endBlock(this.#block);
    }
  }

  /**
   * The state after the whole blocks updated so far, to store and `create` from later. The bytes of
   * a block not yet full are not in it (they would make every saved state up to 1 MiB): whoever
   * resumes from it feeds the file again from `coveredBytes`.
   */
  save(): Promise<Uint8Array> {
    const blocks = this.#blocks;
    return this.#then(() => {
      const outer = this.#outer.save();
      const state = new Uint8Array(STATE_HEADER_BYTES + outer.byteLength);
      state[0] = STATE_TAG;
      new DataView(state.buffer).setFloat64(1, blocks);
      state.set(outer, STATE_HEADER_BYTES);
      return state;
    });
  }

  /** The block digest as 64 hex digits, the last (short) block included; the hasher is spent. */
  digestHex(): Promise<string> {
    if (this.#filled > 0) this.#endBlock(this.#block.subarray(0, this.#filled));
    return this.#then(() => this.#outer.digest('hex'));
  }

  /** Hands `block` to the digester (which takes its bytes at once) and queues its fold. */
  #endBlock(block: Uint8Array<ArrayBuffer>): void {
    const digest = this.#digest(block);
    // Its failure is reported by the fold that waits for it, not as unhandled meanwhile.
    digest.catch(() => undefined);
    this.#filled = 0;
    this.#blocks++;
    void this.#then(async () => {
      const bytes = await digest;
      if (bytes.byteLength !== BLOCK_DIGEST_BYTES) throw new TypeError('a block digest has 32 bytes');
      this.#outer.update(bytes);
    });
  }

  /** Runs `step` after everything queued before it. A failed step fails every later one. */
  #then<T>(step: () => T | Promise<T>): Promise<T> {
    const result = this.#queue.then(step);
    this.#queue = result;
    result.catch(() => undefined);
    return result;
  }
}
