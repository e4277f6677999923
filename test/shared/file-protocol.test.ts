import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import {
  CHUNK_HEADER_BYTES,
  FILE_CHUNK_BYTES,
  FileInfo,
  MAX_CHUNK_BYTES,
  MAX_FILE_BYTES,
  chunkCount,
  chunkLength,
  decodeChunk,
  encodeChunk,
  isPreviewableImage,
  safeFileName,
} from '../../shared/file-protocol.js';
import { parsePeerFrame } from '../../shared/peer-protocol.js';

const id = 'ab'.repeat(16);
const hash = createHash('sha256').update('').digest('hex');
const info = (overrides: Record<string, unknown> = {}) => ({
  name: 'photo.jpg',
  size: 200_000,
  type: 'image/jpeg',
  hash,
  chunkSize: FILE_CHUNK_BYTES,
  ...overrides,
});
const message = (overrides: Record<string, unknown> = {}) => ({
  id,
  conversation: 'dm:alice:bob',
  author: 'alice',
  seq: 1,
  sentAt: 1700000000000,
  file: info(),
  ...overrides,
});

const code = (expected: string) => (error: unknown) =>
  error instanceof ProtocolError && error.code === expected;

test('chunks split a file exactly, the last one short, an empty file into none', () => {
  const offer = { size: 3 * FILE_CHUNK_BYTES + 5, chunkSize: FILE_CHUNK_BYTES };
  assert.equal(chunkCount(offer), 4);
  assert.deepEqual(
    [0, 1, 2, 3, 4, -1].map((index) => chunkLength(offer, index)),
    [FILE_CHUNK_BYTES, FILE_CHUNK_BYTES, FILE_CHUNK_BYTES, 5, 0, 0],
  );
  assert.equal(chunkCount({ size: 2 * FILE_CHUNK_BYTES, chunkSize: FILE_CHUNK_BYTES }), 2);
  assert.equal(chunkLength({ size: 2 * FILE_CHUNK_BYTES, chunkSize: FILE_CHUNK_BYTES }, 1), FILE_CHUNK_BYTES);
  assert.equal(chunkCount({ size: 0, chunkSize: FILE_CHUNK_BYTES }), 0);
});

test('a chunk frame round-trips its id, index and bytes, at every index width', () => {
  for (const index of [0, 1, 255, 65_536, 2 ** 32 - 1]) {
    const data = new Uint8Array(randomBytes(1000));
    const frame = encodeChunk(id, index, data);
    assert.equal(frame.byteLength, CHUNK_HEADER_BYTES + data.byteLength);
    const decoded = decodeChunk(frame);
    assert.equal(decoded.id, id);
    assert.equal(decoded.index, index);
    assert.deepEqual(decoded.data, data);
  }
});

test('decodes a chunk frame that is a view into a larger buffer', () => {
  const frame = encodeChunk(id, 7, new Uint8Array([1, 2, 3]));
  const padded = new Uint8Array(frame.byteLength + 10);
  padded.set(frame, 5);
  const decoded = decodeChunk(padded.subarray(5, 5 + frame.byteLength));
  assert.equal(decoded.index, 7);
  assert.deepEqual([...decoded.data], [1, 2, 3]);
});

test('refuses what is not a chunk frame: text, wrong tag, no data, too large', () => {
  const text = new TextEncoder().encode('{"type":"hello","version":1}');
  assert.throws(() => decodeChunk(text), code(ErrorCode.BadFrame));
  const wrongTag = encodeChunk(id, 0, new Uint8Array(10));
  wrongTag[0] = 0x02;
  assert.throws(() => decodeChunk(wrongTag), code(ErrorCode.BadFrame));
  assert.throws(() => decodeChunk(encodeChunk(id, 0, new Uint8Array(0))), code(ErrorCode.BadFrame));
  assert.throws(() => decodeChunk(new Uint8Array(5)), code(ErrorCode.BadFrame));
  assert.throws(
    () => decodeChunk(encodeChunk(id, 0, new Uint8Array(MAX_CHUNK_BYTES + 1))),
    code(ErrorCode.FrameTooLarge),
  );
});

test('encodeChunk refuses ids and indices that cannot be encoded', () => {
  assert.throws(() => encodeChunk('xyz', 0, new Uint8Array(1)), TypeError);
  assert.throws(() => encodeChunk(id.toUpperCase(), 0, new Uint8Array(1)), TypeError);
  assert.throws(() => encodeChunk(id, -1, new Uint8Array(1)), RangeError);
  assert.throws(() => encodeChunk(id, 2 ** 32, new Uint8Array(1)), RangeError);
  assert.throws(() => encodeChunk(id, 1.5, new Uint8Array(1)), RangeError);
});

test('file offers: valid ones parse, hostile ones are refused', () => {
  for (const good of [
    info(),
    info({ hash: undefined }),
    info({ size: 0 }),
    info({ size: MAX_FILE_BYTES }),
    info({ type: '' }),
    info({ type: 'text/plain; charset=utf-8' }),
    info({ voice: { durationMs: 1500, peaks: [0, 128, 255] } }),
    info({ hashScheme: 'sha256-blocks-1mib' }),
    info({ hash: undefined, hashScheme: 'sha256-blocks-1mib' }),
  ]) {
    assert.equal(FileInfo.safeParse(good).success, true, JSON.stringify(good));
  }
  for (const bad of [
    info({ size: -1 }),
    info({ size: 1.5 }),
    info({ size: MAX_FILE_BYTES + 1 }),
    info({ name: '' }),
    info({ name: 'x'.repeat(1025) }),
    info({ hash: 'A'.repeat(64) }),
    info({ hash: 'ab' }),
    info({ chunkSize: 0 }),
    info({ chunkSize: MAX_CHUNK_BYTES + 1 }),
    info({ type: 'text/html\r\nX-Evil: 1' }),
    info({ type: '<script>' }),
    info({ voice: { durationMs: 10 * 60 * 1000, peaks: [] } }),
    info({ voice: { durationMs: 1000, peaks: [256] } }),
    info({ extra: true }),
    info({ hashScheme: 'sha256-blocks-4mib' }),
    info({ hashScheme: null }),
  ]) {
    assert.equal(FileInfo.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

test('a message carries text or a file, never both, never neither', () => {
  assert.equal(parsePeerFrame(JSON.stringify({ type: 'message', message: message() })).type, 'message');
  for (const bad of [message({ text: 'hi' }), message({ file: undefined })]) {
    assert.throws(
      () => parsePeerFrame(JSON.stringify({ type: 'message', message: bad })),
      code(ErrorCode.BadFrame),
    );
  }
});

test('file frames parse with their bounds', () => {
  const good = [
    { type: 'file-request', id, from: 0 },
    { type: 'file-ack', id, have: 12 },
    { type: 'file-cancel', id, reason: 'no-space' },
    { type: 'file-hash', id, hash },
    { type: 'file-ready', id },
  ];
  for (const frame of good) assert.deepEqual(parsePeerFrame(JSON.stringify(frame)), frame);
  const bad = [
    { type: 'file-request', id, from: -1 },
    { type: 'file-request', id, from: 2 ** 33 },
    { type: 'file-request', id: 'nope', from: 0 },
    { type: 'file-ack', id, have: 0.5 },
    { type: 'file-cancel', id, reason: 'because' },
    { type: 'file-hash', id, hash: 'x' },
    { type: 'file-ready', id, extra: 1 },
  ];
  for (const frame of bad) {
    assert.throws(
      () => parsePeerFrame(JSON.stringify(frame)),
      code(ErrorCode.BadFrame),
      JSON.stringify(frame),
    );
  }
});

test('file names lose path parts, control and invisible characters, and reserved spellings', () => {
  const cases: Array<[string, string]> = [
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\secret.txt', 'secret.txt'],
    ['a\u0000b\u001fc\u007f.txt', 'abc.txt'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['zero\u200Bwidth.png', 'zerowidth.png'],
    ['...hidden', 'hidden'],
    ['name. . .', 'name'],
    ['what?*<>|":.txt', 'what_______.txt'],
    ['CON', '_CON'],
    ['lpt1.txt', '_lpt1.txt'],
    ['   ', 'file'],
    ['/', 'file'],
    ['tab\tand\nnewline.txt', 'tab and newline.txt'],
    ['Cafe\u0301.txt', 'Café.txt'],
    ['写真.jpg', '写真.jpg'],
  ];
  for (const [raw, safe] of cases) assert.equal(safeFileName(raw), safe, JSON.stringify(raw));
});

test('long file names are cut to 200 units, keeping the extension and whole surrogate pairs', () => {
  const long = safeFileName(`${'a'.repeat(300)}.tar.gz`);
  assert.equal(long.length, 200);
  assert.ok(long.endsWith('a.gz'));
  const emoji = safeFileName(`${'😀'.repeat(150)}.png`);
  assert.ok(emoji.length <= 200);
  assert.ok(emoji.endsWith('😀.png'), 'no half surrogate pair before the extension');
});

test('only raster image types get a preview', () => {
  for (const type of ['image/png', 'image/jpeg', 'IMAGE/WEBP', 'image/gif; x=1'])
    assert.equal(isPreviewableImage(type), true);
  for (const type of ['image/svg+xml', 'text/html', '', 'application/pdf'])
    assert.equal(isPreviewableImage(type), false);
});
