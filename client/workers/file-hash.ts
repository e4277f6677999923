/**
 * SHA-256 over a file that is never whole in memory. WebCrypto only digests one buffer, so this uses
 * hash-wasm, whose hasher state can be saved and loaded: a receiver stores the state with each batch
 * of chunks and resumes hashing where it stopped after a reload, without reading the file again.
 */
import { createSHA256 } from 'hash-wasm';
import type { IHasher } from 'hash-wasm';

export class Sha256 {
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

/**
 * Reads this many bytes of a Blob at a time. Small slices read slowly (64 KiB ones at a third of the
 * speed of 4 MiB ones); 1 MiB is hashed in ~6 ms here, so even where this runs on the page's main
 * thread (no Worker) a chat message typed meanwhile is not held up; 4 MiB took ~25 ms.
 */
const READ_BYTES = 1024 * 1024;

/** The SHA-256 of a Blob, read in slices. `signal` stops it (the promise then rejects). */
export async function hashBlob(blob: Blob, signal?: AbortSignal): Promise<string> {
  const hash = await Sha256.create();
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
 * The SHA-256 of an own file that is sent while it is hashed, from the reads its uploads make anyway:
 * `fed` with each slice an upload read, it hashes the part that continues what it has. While no upload
 * reads in order (none is running, or one resumed further on) it reads the next slices itself. So a
 * file that moves from its start is read from disk once, not once for the hash and again to send.
 */
export class HashAlong {
  readonly #blob: Blob;
  readonly #idleMs: number;
  readonly #hash: Promise<Sha256> = Sha256.create();
  /** Bytes hashed so far: the offset the next slice must start at or before. */
  #hashed = 0;
  /** When an upload's read last moved the hash on; creation counts, so running uploads go first. */
  #lastFed = performance.now();
  /** Ends the pause of `digest`, while it pauses. */
  #wake: (() => void) | null = null;

  constructor(blob: Blob, idleMs = HASH_ALONG_IDLE_MS) {
    this.#blob = blob;
    this.#idleMs = idleMs;
  }

  /** An upload read `bytes` from `offset` of the file. */
  async fed(offset: number, bytes: Uint8Array): Promise<void> {
    let hash: Sha256;
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
    return hash.digestHex();
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
  #take(hash: Sha256, offset: number, bytes: Uint8Array): boolean {
    const end = offset + bytes.byteLength;
    if (offset > this.#hashed || end <= this.#hashed) return false;
    hash.update(bytes.subarray(this.#hashed - offset));
    this.#hashed = end;
    return true;
  }
}
