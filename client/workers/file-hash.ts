/**
 * A file's digest, in the scheme its offer names (`FileInfo.hashScheme`), over a file that is never
 * whole in memory: the block digest (block-hash.ts) for new files, the SHA-256 of the whole file for
 * offers and rows of before it. WebCrypto only digests one buffer, so the whole-file SHA-256 streams
 * through hash-wasm, whose hasher state can be saved and loaded: a receiver stores the state with
 * each batch of chunks and resumes hashing where it stopped after a reload.
 */
import { createSHA256 } from 'hash-wasm';
import type { IHasher } from 'hash-wasm';
import { HASH_BLOCK_BYTES } from '../../shared/file-protocol.js';
import type { HashScheme } from '../../shared/file-protocol.js';
import { BlockSha256 } from './block-hash.js';
import type { BlockDigester } from './block-hash.js';

/** A file's hasher in either scheme; `save` and `digestHex` may have block digests to wait for. */
export interface FileHasher {
  /** The file's next bytes; they may be reused once this returns. */
  update(data: Uint8Array): void;
  /** A state to store and resume from (`resumeHasher`). */
  save(): Uint8Array | Promise<Uint8Array>;
  /** The digest as 64 hex digits; the hasher is spent afterwards. */
  digestHex(): string | Promise<string>;
}

/**
 * A hasher for `scheme` (undefined: the whole-file SHA-256) resumed after the file's first
 * `storedBytes`, from the `state` saved with them (null when none are). A whole-file state covers
 * them all. A block state covers only the whole blocks among them (see `BlockSha256.save`): the
 * rest, less than a block, is read back with `readStored(from, to)` — at most 1 MiB from local
 * storage once per resume, where saving that tail with every batch would write it again each time.
 * Throws on a state that does not load or claims more than is stored.
 */
export async function resumeHasher(
  scheme: HashScheme | undefined,
  storedBytes: number,
  state: Uint8Array | null,
  readStored: (from: number, to: number) => Promise<Uint8Array>,
  digest?: BlockDigester,
): Promise<FileHasher> {
  if (storedBytes > 0 && state === null) throw new TypeError('stored bytes need a hash state');
  if (scheme === undefined) return Sha256.create(state);
  const hasher = await BlockSha256.create(state, digest);
  const covered = hasher.coveredBytes;
  if (covered > storedBytes) throw new TypeError('the hash state covers more than is stored');
  if (covered < storedBytes) hasher.update(await readStored(covered, storedBytes));
  return hasher;
}

export class Sha256 implements FileHasher {
  readonly #hasher: IHasher;

  private constructor(hasher: IHasher) {
    this.#hasher = hasher;
  }

  /** A fresh hasher, or one resumed from `state` (from `save`). Throws on a state it cannot load. */
  static async create(state: Uint8Array | null = null): Promise<Sha256> {
    const hasher = await createSHA256();
    hasher.init();
    if (state) hasher.load(state);
    return new Sha256(hasher);
  }

  update(data: Uint8Array): void {
    this.#hasher.update(data);
  }

  /** The state after everything updated so far, to store and `create` from later. */
  save(): Uint8Array {
    return this.#hasher.save();
  }

  /** The digest as 64 hex digits; the hasher is spent afterwards. */
  digestHex(): string {
    return this.#hasher.digest('hex');
  }
}

/** A fresh hasher for `scheme` (undefined: the whole-file SHA-256). */
export function createHasher(scheme: HashScheme | undefined, digest?: BlockDigester): Promise<FileHasher> {
  return scheme === undefined ? Sha256.create() : BlockSha256.create(null, digest);
}

/**
 * Reads this many bytes of a Blob at a time: one block of the block digest. Small slices read slowly
 * (64 KiB ones at a third of the speed of 4 MiB ones); 1 MiB is hashed in ~6 ms by hash-wasm here, so
 * even where this runs on the page's main thread (no Worker) a chat message typed meanwhile is not
 * held up; 4 MiB took ~25 ms.
 */
const READ_BYTES = HASH_BLOCK_BYTES;

/**
 * The digest of a Blob in `scheme` (undefined: the whole-file SHA-256), read in slices. `signal`
 * stops it (the promise then rejects); `digest` is the block digester (tests inject one).
 */
export async function hashBlob(
  blob: Blob,
  scheme: HashScheme | undefined,
  { signal, digest }: { signal?: AbortSignal; digest?: BlockDigester } = {},
): Promise<string> {
  // A slice is a whole block: the block hasher digests it where it is, without a copy.
  const hash = await createHasher(scheme, digest);
  for (let offset = 0; offset < blob.size; offset += READ_BYTES) {
    signal?.throwIfAborted();
    hash.update(new Uint8Array(await blob.slice(offset, offset + READ_BYTES).arrayBuffer()));
  }
  return hash.digestHex();
}

/**
 * How long a `HashAlong` waits for an upload's read before it reads the file itself: longer than an
 * upload that is moving pauses between reads (it reads 1 MiB ahead of what it sends).
 */
export const HASH_ALONG_IDLE_MS = 1000;

/**
 * The digest of an own file that is sent while it is hashed, from the reads its uploads make anyway:
 * `fed` with each slice an upload read, it hashes the part that continues what it has. While no upload
 * reads in order (none is running, or one resumed further on) it reads the next slices itself. So a
 * file that moves from its start is read from disk once, not once for the hash and again to send.
 */
export class HashAlong {
  readonly #blob: Blob;
  readonly #idleMs: number;
  readonly #hash: Promise<FileHasher>;
  /** Bytes hashed so far: the offset the next slice must start at or before. */
  #hashed = 0;
  /** When an upload's read last moved the hash on; creation counts, so running uploads go first. */
  #lastFed = performance.now();
  /** Ends the pause of `digest`, while it pauses. */
  #wake: (() => void) | null = null;

  /** `scheme`: that of the file's offer (undefined: the whole-file SHA-256). */
  constructor(blob: Blob, scheme: HashScheme | undefined, idleMs = HASH_ALONG_IDLE_MS) {
    this.#blob = blob;
    this.#idleMs = idleMs;
    this.#hash = createHasher(scheme);
  }

  /** An upload read `bytes` from `offset` of the file. */
  async fed(offset: number, bytes: Uint8Array): Promise<void> {
    let hash: FileHasher;
    try {
      hash = await this.#hash;
    } catch {
      return; // `digest` reports it.
    }
    if (!this.#take(hash, offset, bytes)) return;
    this.#lastFed = performance.now();
    this.#wake?.();
  }

  /** The digest as 64 hex digits, once every byte has been hashed. Call it once. */
  async digest(): Promise<string> {
    const hash = await this.#hash;
    const size = this.#blob.size;
    while (this.#hashed < size) {
      const idle = performance.now() - this.#lastFed;
      if (idle < this.#idleMs) {
        await this.#pause(this.#idleMs - idle);
        continue;
      }
      const offset = this.#hashed;
      this.#take(
        hash,
        offset,
        new Uint8Array(await this.#blob.slice(offset, offset + READ_BYTES).arrayBuffer()),
      );
    }
    return await hash.digestHex();
  }

  /** Waits `ms`, or less when an upload's read moves the hash on meanwhile. */
  async #pause(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.#wake = null;
  }

  /** Hashes what of `bytes` (read from `offset`) continues the hash; false when none of it does. */
  #take(hash: FileHasher, offset: number, bytes: Uint8Array): boolean {
    const end = offset + bytes.byteLength;
    if (offset > this.#hashed || end <= this.#hashed) return false;
    hash.update(bytes.subarray(this.#hashed - offset));
    this.#hashed = end;
    return true;
  }
}
