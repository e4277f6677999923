/**
 * Files between peers. A file travels as a chat message whose `file` field is a `FileInfo` (so it is
 * stored, acked and caught up like any message), then as a receiver-driven stream: the receiver asks a
 * peer that holds the file for chunks from an index (`file-request`), the holder sends binary chunk
 * frames, and the receiver acknowledges what it has stored (`file-ack`), which both paces the holder
 * and is where a resumed transfer starts. Chunks are binary (no base64): see `encodeChunk`.
 */
import * as z from 'zod';
import { ErrorCode, ProtocolError } from './errors.js';

/** The chunk size senders use: 64 KiB moved fastest here, and a chunk frame fits any channel. */
export const FILE_CHUNK_BYTES = 64 * 1024;
/** Accepted chunk sizes in an offer; the frame must stay under a data channel's 256 KiB limit. */
export const MIN_CHUNK_BYTES = 1024;
export const MAX_CHUNK_BYTES = 192 * 1024;
/** 64 TiB: "any size", while chunk indices stay far below 2^32 and sizes are exact doubles. */
export const MAX_FILE_BYTES = 2 ** 46;
/** How many chunks a holder may send beyond the receiver's last `file-ack`: bounds receiver memory. */
export const FILE_WINDOW_CHUNKS = 256;
/** Voice clips: at most 5 minutes, and this many waveform peaks. */
export const MAX_VOICE_MS = 5 * 60 * 1000;
export const MAX_VOICE_PEAKS = 128;

/** SHA-256 as 64 lowercase hex digits. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'hash must be 64 hex digits');

/**
 * What an offer's `hash` is a digest of. `sha256-blocks-1mib`: the SHA-256 of the concatenated
 * 32-byte SHA-256 digests of the file's consecutive 1 MiB blocks (the last one may be shorter; an
 * empty file has no block, so its value is the SHA-256 of nothing). Each block fits one WebCrypto
 * `digest` call — the CPU's own SHA instructions, ~9× faster here than hashing the file as one stream
 * in wasm, which WebCrypto cannot do. Absent: the SHA-256 of the whole file (offers and rows of before
 * the field). client/workers/block-hash.ts computes it.
 */
export const HASH_SCHEME_BLOCKS = 'sha256-blocks-1mib' as const;
export const HashScheme = z.literal(HASH_SCHEME_BLOCKS);
export type HashScheme = z.infer<typeof HashScheme>;
/** The block size of `sha256-blocks-1mib`. */
export const HASH_BLOCK_BYTES = 1024 * 1024;

/** A media type as a peer claims it: shown and used to pick a preview, never trusted to be true. */
export const MediaType = z
  .string()
  .max(127)
  .regex(/^$|^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(;[ -~]*)?$/i, 'bad media type');

/** What the receiver of a voice message shows before playing it. */
export const VoiceInfo = z.strictObject({
  durationMs: z.number().int().min(0).max(MAX_VOICE_MS),
  /** Loudness per slice of the clip, 0–255, for the waveform. */
  peaks: z.array(z.number().int().min(0).max(255)).max(MAX_VOICE_PEAKS),
});
export type VoiceInfo = z.infer<typeof VoiceInfo>;

/**
 * The offer: what a receiver needs to check a file before and after it arrives. `hash` is the file's
 * digest in `hashScheme` when the sender knew it on offering (small files); for a big file the sender
 * does not make people wait while it reads the file twice: it hashes while chunks already flow, and the
 * holder sends `file-hash` (in the same scheme) before the receiver may call the file complete. An
 * older peer's strict schema refuses an offer with `hashScheme` as a validation error: a clear failure,
 * never a file checked against the wrong digest.
 */
export const FileInfo = z
  .strictObject({
    /** As the sender named it; always passed through `safeFileName` before it is shown or saved. */
    name: z.string().min(1).max(1024),
    size: z.number().int().min(0).max(MAX_FILE_BYTES),
    type: MediaType,
    hash: Sha256Hex.optional(),
    /** Absent: `hash` is the SHA-256 of the whole file. */
    hashScheme: HashScheme.optional(),
    chunkSize: z.number().int().min(MIN_CHUNK_BYTES).max(MAX_CHUNK_BYTES),
    voice: VoiceInfo.optional(),
  })
  .refine((info) => chunkCount(info) <= 2 ** 32 - 1, 'too many chunks');
export type FileInfo = z.infer<typeof FileInfo>;

/** How many chunks a file of this size has; an empty file has none. */
export function chunkCount(info: { size: number; chunkSize: number }): number {
  return Math.ceil(info.size / info.chunkSize);
}

/** The exact byte length chunk `index` of the file must have. */
export function chunkLength(info: { size: number; chunkSize: number }, index: number): number {
  const last = chunkCount(info) - 1;
  if (index < 0 || index > last) return 0;
  return index < last ? info.chunkSize : info.size - last * info.chunkSize;
}

const FileId = z.string().regex(/^[0-9a-f]{32}$/, 'id must be 32 hex digits');

/** Receiver → holder: "send me the chunks of file `id` from index `from` on". */
export const FileRequest = z.strictObject({
  type: z.literal('file-request'),
  id: FileId,
  from: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32),
});
/** Receiver → holder: "I have stored chunks 0 to `have` − 1". */
export const FileAck = z.strictObject({
  type: z.literal('file-ack'),
  id: FileId,
  have: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32),
});
/**
 * Either side: this transfer stops. `cancelled`: a person cancelled it; `unavailable`: the holder does
 * not have the file (any more); `no-space`: the receiver's storage is too small; `corrupt`: the file
 * arrived with another hash; `refused`: the request was not allowed.
 */
export const FileCancelReason = z.enum(['cancelled', 'unavailable', 'no-space', 'corrupt', 'refused']);
export type FileCancelReason = z.infer<typeof FileCancelReason>;
export const FileCancel = z.strictObject({
  type: z.literal('file-cancel'),
  id: FileId,
  reason: FileCancelReason,
});
/** Holder → receiver: the file's digest (in the offer's `hashScheme`), for an offer that came without it. */
export const FileHash = z.strictObject({ type: z.literal('file-hash'), id: FileId, hash: Sha256Hex });
/** Holder → receivers: "I can send file `id` again" (say, its sender chose it again after a reload). */
export const FileReady = z.strictObject({ type: z.literal('file-ready'), id: FileId });

// ── binary chunk frames ────────────────────────────────────────────────────────────────────────

/**
 * The first byte of a binary chunk frame. Text frames are JSON objects and so start with `{` (0x7b):
 * the first byte tells the two apart on a channel that delivers both as bytes.
 */
export const CHUNK_FRAME_TAG = 0x01;
/** Tag (1) + file id (16) + chunk index (4, big-endian). */
export const CHUNK_HEADER_BYTES = 21;

export interface ChunkFrame {
  /** The file's id, 32 hex digits. */
  id: string;
  index: number;
  /** A view into the frame: copy it (or wrap it in a Blob) before keeping it. */
  data: Uint8Array;
}

/** One chunk as a binary frame. */
export function encodeChunk(id: string, index: number, data: Uint8Array): Uint8Array {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new TypeError('a chunk needs a 32-hex-digit file id');
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** 32) throw new RangeError('bad chunk index');
  const frame = new Uint8Array(CHUNK_HEADER_BYTES + data.byteLength);
  frame[0] = CHUNK_FRAME_TAG;
  for (let i = 0; i < 16; i++) frame[1 + i] = parseInt(id.slice(2 * i, 2 * i + 2), 16);
  new DataView(frame.buffer).setUint32(17, index);
  frame.set(data, CHUNK_HEADER_BYTES);
  return frame;
}

const HEX = Array.from({ length: 256 }, (_, n) => n.toString(16).padStart(2, '0'));

/**
 * Reads a binary chunk frame's header; the data is a view, not a copy. Whether the id, index and
 * length fit a transfer is for the receiver to check against its offer. Throws `ProtocolError`.
 */
export function decodeChunk(frame: Uint8Array): ChunkFrame {
  if (frame.byteLength < CHUNK_HEADER_BYTES + 1 || frame[0] !== CHUNK_FRAME_TAG) {
    throw new ProtocolError(ErrorCode.BadFrame, 'not a chunk frame');
  }
  if (frame.byteLength > CHUNK_HEADER_BYTES + MAX_CHUNK_BYTES) {
    throw new ProtocolError(ErrorCode.FrameTooLarge, 'chunk frame is too large');
  }
  let id = '';
  for (let i = 1; i < 17; i++) id += HEX[frame[i]!];
  const index = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(17);
  return { id, index, data: frame.subarray(CHUNK_HEADER_BYTES) };
}

// ── names ──────────────────────────────────────────────────────────────────────────────────────

const MAX_NAME_UNITS = 200;
// C0 and C1 controls, DEL, bidirectional overrides and isolates, zero-width characters, BOM.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * A file name as a peer sent it, made safe to show and to save: no directory parts, no control,
 * bidi-override or zero-width characters, no characters Windows forbids, no leading dots, not a
 * reserved device name, at most 200 UTF-16 units with the extension kept. Never empty.
 */
export function safeFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    .replace(/[\t\n\v\f\r]/g, ' ')
    .replace(UNSAFE_CHARS, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  if (name.length > MAX_NAME_UNITS) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = truncateUnits(name.slice(0, name.length - extension.length), MAX_NAME_UNITS - extension.length);
    name = name.trimEnd() + extension;
  }
  return name.length > 0 ? name : 'file';
}

/** Cuts to at most `units` UTF-16 units without splitting a surrogate pair. */
function truncateUnits(text: string, units: number): string {
  if (text.length <= units) return text;
  const code = text.charCodeAt(units - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? units - 1 : units);
}

/** Media types a receiver may show as an inline image preview (never SVG: it is a document). */
const PREVIEW_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
]);

export function isPreviewableImage(type: string): boolean {
  return PREVIEW_TYPES.has(type.split(';')[0]!.trim().toLowerCase());
}
