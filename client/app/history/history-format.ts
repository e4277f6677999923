/**
 * The file **Export history** writes and **Import history** reads: Parley's own streamed, encrypted
 * format, built on WebCrypto alone.
 *
 * ```
 * header   "PARLEYHX" (8) | version u16 | PBKDF2 iterations u32 | salt (16)       — 30 bytes
 * record*  ciphertext length u32 | AES-256-GCM ciphertext with its 16-byte tag
 *          nonce: 4 zero bytes | record index u64; additional data: header | index u32 | final u8
 *          plaintext: JSON length u32 | JSON entry | binary tail (a file's bytes)
 * ```
 *
 * The key is PBKDF2-SHA-256 (600,000 iterations, the OWASP 2023 figure) of the passphrase with a
 * random salt, so each export has a key of its own and counter nonces never repeat under a key.
 * Each record is authenticated with its index and whether it is the last, and with the header, so
 * records cannot be reordered, dropped, repeated or cut off, nor the header edited, without a record
 * failing to decrypt; the last record (`end`) says the file is complete, and nothing may follow it.
 *
 * Why not a zip library with encryption: ZipCrypto is broken, WinZip AES authenticates each entry
 * but not the archive (entries can be dropped or swapped undetected) and leaves names and sizes in
 * the clear, and streaming zip writers (client-zip, fflate) would still need this encryption layer
 * on top. Records of at most ~1 MiB let both sides stream: the exporter turns each one into a Blob
 * at once (the browser keeps large Blobs on disk), the importer reads the file a record at a time
 * with `Blob.slice`, so a file of a few GiB never sits in memory.
 */
import * as z from 'zod';
import { StoredFile } from '../../storage/stored-file.js';
import { ConversationSummary, StoredMessage } from '../../storage/stored-message.js';

export const HISTORY_MAGIC = 'PARLEYHX';
export const HISTORY_VERSION = 1;
export const PBKDF2_ITERATIONS = 600_000;
/** More than this is no history Parley wrote (and would make opening the file hang). */
const MAX_ITERATIONS = 10_000_000;
const SALT_BYTES = 16;
const HEADER_BYTES = 8 + 2 + 4 + SALT_BYTES;
const TAG_BYTES = 16;
/** A file's bytes travel in tails of this size. */
export const FILE_SLICE_BYTES = 1024 * 1024;
/** No record Parley writes is larger: a longer length is damage, refused before it is allocated. */
const MAX_RECORD_BYTES = FILE_SLICE_BYTES + 4 * 1024 * 1024;

/** Why an import stopped; nothing was written in any of these cases. */
export const HistoryErrorCode = {
  /** Not a Parley history file (no magic), or of a version this code does not read. */
  NotHistory: 'ERR_HISTORY_NOT_HISTORY',
  /** The first record did not decrypt: the passphrase is wrong (or the file's start is damaged). */
  Passphrase: 'ERR_HISTORY_PASSPHRASE',
  /** A later record did not decrypt or parse, or bytes follow the end. */
  Damaged: 'ERR_HISTORY_DAMAGED',
  /** The file ends before its last record. */
  Truncated: 'ERR_HISTORY_TRUNCATED',
  /**
   * The page has no WebCrypto (plain HTTP, not a secure context): export and import need HTTPS.
   * Pure JS could do PBKDF2 and AES-GCM too, but on the main thread, over files of gigabytes,
   * for a page anyone on the network can rewrite; docs/security.md, "Plain HTTP".
   */
  Insecure: 'ERR_HISTORY_INSECURE',
} as const;
export type HistoryErrorCode = (typeof HistoryErrorCode)[keyof typeof HistoryErrorCode];

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  constructor(
    readonly code: HistoryErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** A file row as exported: its bytes follow in `file-bytes` records, never inside the row. */
const ExportedFile = z.custom<StoredFile>((value) => StoredFile.safeParse(value).success);

/** What one record holds. */
export const HistoryEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('conversations'), rows: z.array(ConversationSummary) }),
  z.object({ kind: z.literal('messages'), rows: z.array(StoredMessage) }),
  /** `size`: how many bytes follow in `file-bytes` records; null when they are not stored. */
  z.object({ kind: z.literal('file'), row: ExportedFile, size: z.number().int().nonnegative().nullable() }),
  z.object({ kind: z.literal('file-bytes'), id: z.string() }),
  z.object({
    kind: z.literal('end'),
    messages: z.number().int().nonnegative(),
    files: z.number().int().nonnegative(),
  }),
]);
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** One decrypted record: its entry and, for `file-bytes`, the bytes. */
export interface HistoryRecord {
  readonly entry: HistoryEntry;
  readonly tail: Uint8Array;
}

function nonceOf(index: number): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(12);
  new DataView(nonce.buffer).setBigUint64(4, BigInt(index));
  return nonce;
}

function additionalData(header: Uint8Array, index: number, final: boolean): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(header.length + 5);
  data.set(header);
  new DataView(data.buffer).setUint32(header.length, index);
  data[header.length + 4] = final ? 1 : 0;
  return data;
}

async function deriveKey(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<CryptoKey> {
  // `crypto.subtle` is undefined outside secure contexts, whatever the types say.
  if ((crypto.subtle as SubtleCrypto | undefined) === undefined) {
    throw new HistoryError(HistoryErrorCode.Insecure, 'no WebCrypto: not a secure context');
  }
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(passphrase),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Encrypts records in order; each call returns the bytes to append to the file. */
export class HistoryWriter {
  readonly header: Uint8Array<ArrayBuffer>;
  readonly #key: CryptoKey;
  #index = 0;
  #ended = false;

  private constructor(header: Uint8Array<ArrayBuffer>, key: CryptoKey) {
    this.header = header;
    this.#key = key;
  }

  /** A writer with a fresh salt (and so a fresh key) for `passphrase`. */
  static async create(passphrase: string, iterations = PBKDF2_ITERATIONS): Promise<HistoryWriter> {
    if (passphrase.length === 0) throw new TypeError('a passphrase is needed');
    const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    const header = new Uint8Array(HEADER_BYTES);
    header.set(new TextEncoder().encode(HISTORY_MAGIC));
    const view = new DataView(header.buffer);
    view.setUint16(8, HISTORY_VERSION);
    view.setUint32(10, iterations);
    header.set(salt, 14);
    return new HistoryWriter(header, await deriveKey(passphrase, salt, iterations));
  }

  /** The next record; `end` entries are final and nothing may be written after one. */
  async record(entry: HistoryEntry, tail: Uint8Array = new Uint8Array(0)): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#ended) throw new TypeError('the history has ended');
    const final = entry.kind === 'end';
    const json = new TextEncoder().encode(JSON.stringify(entry));
    const plain = new Uint8Array(4 + json.length + tail.length);
    new DataView(plain.buffer).setUint32(0, json.length);
    plain.set(json, 4);
    plain.set(tail, 4 + json.length);
    const index = this.#index;
    this.#index += 1;
    this.#ended = final;
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: nonceOf(index), additionalData: additionalData(this.header, index, final) },
        this.#key,
        plain,
      ),
    );
    const out = new Uint8Array(4 + sealed.length);
    new DataView(out.buffer).setUint32(0, sealed.length);
    out.set(sealed, 4);
    return out;
  }
}

/** Reads a history file a record at a time; `records()` may be walked more than once. */
export class HistoryReader {
  readonly #file: Blob;
  readonly #header: Uint8Array<ArrayBuffer>;
  readonly #key: CryptoKey;

  private constructor(file: Blob, header: Uint8Array<ArrayBuffer>, key: CryptoKey) {
    this.#file = file;
    this.#header = header;
    this.#key = key;
  }

  /** Checks the header and derives the key; throws `HistoryError` for a file that is no history. */
  static async open(file: Blob, passphrase: string): Promise<HistoryReader> {
    const header = new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer());
    const view = new DataView(header.buffer);
    const magic = new TextDecoder().decode(header.subarray(0, 8));
    if (header.length < HEADER_BYTES || magic !== HISTORY_MAGIC) {
      throw new HistoryError(HistoryErrorCode.NotHistory, 'no Parley history header');
    }
    const version = view.getUint16(8);
    const iterations = view.getUint32(10);
    if (version !== HISTORY_VERSION)
      throw new HistoryError(HistoryErrorCode.NotHistory, `version ${version}`);
    if (iterations < PBKDF2_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new HistoryError(HistoryErrorCode.Damaged, `iterations ${iterations}`);
    }
    const key = await deriveKey(passphrase, header.slice(14, HEADER_BYTES), iterations);
    return new HistoryReader(file, header, key);
  }

  /**
   * Every record in order, each decrypted and parsed; throws `HistoryError` at the first one that
   * fails, when the file ends before the `end` record, or when anything follows it.
   */
  async *records(): AsyncGenerator<HistoryRecord> {
    let offset = HEADER_BYTES;
    for (let index = 0; ; index += 1) {
      if (offset + 4 > this.#file.size)
        throw new HistoryError(HistoryErrorCode.Truncated, `at record ${index}`);
      const lengthBytes = await this.#file.slice(offset, offset + 4).arrayBuffer();
      const length = new DataView(lengthBytes).getUint32(0);
      if (length < TAG_BYTES || length > MAX_RECORD_BYTES) {
        throw new HistoryError(
          index === 0 ? HistoryErrorCode.Passphrase : HistoryErrorCode.Damaged,
          `record ${index} length`,
        );
      }
      if (offset + 4 + length > this.#file.size)
        throw new HistoryError(HistoryErrorCode.Truncated, `in record ${index}`);
      const sealed = await this.#file.slice(offset + 4, offset + 4 + length).arrayBuffer();
      offset += 4 + length;
      const final = offset === this.#file.size;
      const plain = await this.#open(sealed, index, final);
      const record = parseRecord(plain, index);
      // Authenticated as not final, yet nothing follows: the end was cut off.
      if (record.entry.kind === 'end') {
        if (!final) throw new HistoryError(HistoryErrorCode.Damaged, 'bytes after the end');
        yield record;
        return;
      }
      yield record;
    }
  }

  async #open(sealed: ArrayBuffer, index: number, final: boolean): Promise<Uint8Array> {
    try {
      const iv = nonceOf(index);
      const additional = additionalData(this.#header, index, final);
      return new Uint8Array(
        await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: additional }, this.#key, sealed),
      );
    } catch {
      // The last bytes of the file that do not open as a final record: cut off after a record.
      if (final && index > 0)
        throw new HistoryError(HistoryErrorCode.Truncated, `no end after record ${index}`);
      throw new HistoryError(
        index === 0 ? HistoryErrorCode.Passphrase : HistoryErrorCode.Damaged,
        `record ${index}`,
      );
    }
  }
}

function parseRecord(plain: Uint8Array, index: number): HistoryRecord {
  const damaged = (why: string) => new HistoryError(HistoryErrorCode.Damaged, `record ${index}: ${why}`);
  if (plain.length < 4) throw damaged('too short');
  const jsonLength = new DataView(plain.buffer, plain.byteOffset).getUint32(0);
  if (4 + jsonLength > plain.length) throw damaged('entry length');
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain.subarray(4, 4 + jsonLength)));
  } catch {
    throw damaged('not JSON');
  }
  const entry = HistoryEntry.safeParse(raw);
  if (!entry.success) throw damaged(entry.error.issues[0]?.message ?? 'entry');
  return { entry: entry.data, tail: plain.subarray(4 + jsonLength) };
}
