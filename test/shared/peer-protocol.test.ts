import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import { MAX_FRAME_BYTES } from '../../shared/protocol.js';
import {
  LOBBY_CONVERSATION,
  MAX_ACK_IDS,
  MAX_PEER_FRAME_BYTES,
  MAX_SYNC_AUTHORS,
  MAX_SYNC_BATCH,
  MAX_SYNC_DELETED,
  MAX_TEXT_BYTES,
  directConversationId,
  directPeerOf,
  groupConversationId,
  groupIdOf,
  isInitiator,
  parsePeerFrame,
  parseSignalPayload,
  utf8ByteLength,
} from '../../shared/peer-protocol.js';

const id = (n: number) => n.toString(16).padStart(32, '0');
const message = (overrides: Record<string, unknown> = {}) => ({
  id: id(1),
  conversation: 'dm:alice:bob',
  author: 'alice',
  seq: 1,
  sentAt: 1700000000000,
  text: 'hello',
  ...overrides,
});

/** A message with `overrides` and no text (an edit or tombstone). */
const action = (overrides: Record<string, unknown>) => {
  const { text: _text, ...rest } = message(overrides);
  return rest;
};
/** A tombstone body for message `target`, at seq 1. */
const tombstoneOf = (target: string) => ({ target, seq: 1, sentAt: 1700000000000, hash: 'ef'.repeat(32) });
/** The place of deleted message 2 with its author's tombstone (message 3). */
const deletedPlace = (overrides: Record<string, unknown> = {}) => ({
  id: id(2),
  conversation: 'lobby',
  author: 'alice',
  seq: 1,
  sentAt: 1700000000000,
  hash: 'ef'.repeat(32),
  tombstone: action({ id: id(3), conversation: 'lobby', seq: 2, tombstone: tombstoneOf(id(2)) }),
  ...overrides,
});

const isBadFrame = (error: unknown) => error instanceof ProtocolError && error.code === ErrorCode.BadFrame;

const validPeerFrames: unknown[] = [
  { type: 'hello', version: 2, nonce: 'ab'.repeat(16), identity: { alg: 'Ed25519', key: '01'.repeat(32) } },
  { type: 'hello-proof', sig: 'cd'.repeat(64) },
  { type: 'message', message: message() },
  { type: 'message', message: message({ sig: 'ab'.repeat(64), prev: 'cd'.repeat(32), text: '😀 привет' }) },
  { type: 'message', message: message({ text: 'x'.repeat(MAX_TEXT_BYTES) }) },
  { type: 'ack', ids: [id(1)] },
  { type: 'ack', ids: Array.from({ length: MAX_ACK_IDS }, (_, i) => id(i)) },
  { type: 'ack', ids: [id(1)], refused: [id(2)] },
  { type: 'ack', ids: [], refused: [id(2)] },
  { type: 'sync-done', conversation: 'group:g0123456789abcdef01234567' },
  { type: 'sync-heads', conversation: 'group:g0123456789abcdef01234567', heads: [] },
  {
    type: 'sync-heads',
    conversation: 'lobby',
    heads: [
      { author: 'alice', seq: 0 },
      { author: 'bob', seq: 7 },
    ],
  },
  { type: 'sync-batch', conversation: 'group:g0123456789abcdef01234567', messages: [message()] },
  { type: 'message', message: message({ text: 'yes', replyTo: id(2) }) },
  { type: 'message', message: action({ edit: { target: id(2), text: 'fixed' } }) },
  { type: 'message', message: action({ tombstone: tombstoneOf(id(2)) }) },
  { type: 'sync-deleted', conversation: 'lobby', deleted: [deletedPlace()] },
];

test('parsePeerFrame accepts every valid peer frame as it is', () => {
  for (const frame of validPeerFrames) assert.deepEqual(parsePeerFrame(JSON.stringify(frame)), frame);
});

const invalidPeerFrames: Array<[string, string]> = [
  ['not JSON', 'hello'],
  ['an unknown type', '{"type":"typing"}'],
  ['a hello without version', '{"type":"hello"}'],
  [
    'a hello without a nonce',
    JSON.stringify({ type: 'hello', version: 2, identity: { alg: 'Ed25519', key: '01'.repeat(32) } }),
  ],
  ['a proof with a short signature', JSON.stringify({ type: 'hello-proof', sig: 'cd'.repeat(10) })],
  ['a proof with upper-case hex', JSON.stringify({ type: 'hello-proof', sig: 'CD'.repeat(64) })],
  [
    'an upper-case id',
    JSON.stringify({ type: 'message', message: message({ id: id(1).toUpperCase().replace('0', 'A') }) }),
  ],
  ['a short id', JSON.stringify({ type: 'message', message: message({ id: 'abc' }) })],
  ['a seq of 0', JSON.stringify({ type: 'message', message: message({ seq: 0 }) })],
  ['a fractional seq', JSON.stringify({ type: 'message', message: message({ seq: 1.5 }) })],
  ['a negative sentAt', JSON.stringify({ type: 'message', message: message({ sentAt: -1 }) })],
  ['an empty text', JSON.stringify({ type: 'message', message: message({ text: '' }) })],
  ['a blank text', JSON.stringify({ type: 'message', message: message({ text: ' \n\t ' }) })],
  [
    'a text one byte too long',
    JSON.stringify({ type: 'message', message: message({ text: 'é'.repeat(MAX_TEXT_BYTES / 2) + 'x' }) }),
  ],
  ['an extra message field', JSON.stringify({ type: 'message', message: message({ read: true }) })],
  ['an empty ack', '{"type":"ack","ids":[]}'],
  [
    'an ack with too many ids',
    JSON.stringify({ type: 'ack', ids: Array.from({ length: MAX_ACK_IDS + 1 }, (_, i) => id(i)) }),
  ],
  ['an ack with a bad id', '{"type":"ack","ids":["zz"]}'],
  ['sync-done without a conversation', '{"type":"sync-done"}'],
  ['sync-done with another field', '{"type":"sync-done","conversation":"lobby","heads":[]}'],
  ['an ack whose refused list is empty', JSON.stringify({ type: 'ack', ids: [id(1)], refused: [] })],
  ['an ack with a bad refused id', JSON.stringify({ type: 'ack', ids: [], refused: ['zz'] })],
  [
    'an ack refusing too many ids',
    JSON.stringify({
      type: 'ack',
      ids: [],
      refused: Array.from({ length: MAX_ACK_IDS + 1 }, (_, i) => id(i)),
    }),
  ],
  ['sync-heads without heads', '{"type":"sync-heads","conversation":"lobby"}'],
  [
    'a negative head',
    JSON.stringify({ type: 'sync-heads', conversation: 'lobby', heads: [{ author: 'a', seq: -1 }] }),
  ],
  [
    'too many heads',
    JSON.stringify({
      type: 'sync-heads',
      conversation: 'lobby',
      heads: Array.from({ length: MAX_SYNC_AUTHORS + 1 }, (_, i) => ({ author: `a${i}`, seq: 1 })),
    }),
  ],
  ['an empty sync-batch', '{"type":"sync-batch","conversation":"lobby","messages":[]}'],
  [
    'a sync-batch over the batch size',
    JSON.stringify({
      type: 'sync-batch',
      conversation: 'lobby',
      messages: Array.from({ length: MAX_SYNC_BATCH + 1 }, (_, i) => message({ id: id(i) })),
    }),
  ],
  [
    'a sync-batch with a bad message',
    JSON.stringify({ type: 'sync-batch', conversation: 'lobby', messages: [message({ seq: 0 })] }),
  ],
  [
    'a reply that is not text',
    JSON.stringify({
      type: 'message',
      message: message({ text: undefined, replyTo: id(2), tombstone: tombstoneOf(id(2)) }),
    }),
  ],
  [
    'a message with two bodies',
    JSON.stringify({ type: 'message', message: message({ edit: { target: id(2), text: 'x' } }) }),
  ],
  [
    'a tombstone without its place',
    JSON.stringify({ type: 'message', message: message({ text: undefined, tombstone: { target: id(2) } }) }),
  ],
  ['an empty sync-deleted', '{"type":"sync-deleted","conversation":"lobby","deleted":[]}'],
  [
    'a sync-deleted place without a tombstone',
    JSON.stringify({
      type: 'sync-deleted',
      conversation: 'lobby',
      deleted: [deletedPlace({ tombstone: undefined })],
    }),
  ],
  [
    'a sync-deleted place with text',
    JSON.stringify({
      type: 'sync-deleted',
      conversation: 'lobby',
      deleted: [deletedPlace({ text: 'kept' })],
    }),
  ],
  [
    'a sync-deleted over the batch size',
    JSON.stringify({
      type: 'sync-deleted',
      conversation: 'lobby',
      deleted: Array.from({ length: MAX_SYNC_DELETED + 1 }, (_, i) => deletedPlace({ id: id(i + 10) })),
    }),
  ],
];

for (const [name, raw] of invalidPeerFrames) {
  test(`parsePeerFrame rejects ${name}`, () => assert.throws(() => parsePeerFrame(raw), isBadFrame));
}

test('parsePeerFrame accepts frames above the signaling limit, up to MAX_PEER_FRAME_BYTES', () => {
  // A message of 16 KiB of control characters, each escaped to six bytes of JSON.
  const text = 'a' + '\u0001'.repeat(MAX_TEXT_BYTES - 1);
  const raw = JSON.stringify({ type: 'message', message: message({ text }) });
  assert.ok(raw.length > MAX_FRAME_BYTES && raw.length <= MAX_PEER_FRAME_BYTES);
  assert.equal(parsePeerFrame(raw).type, 'message');
  const tooLarge = JSON.stringify({ type: 'hello', version: 1, pad: 'x'.repeat(MAX_PEER_FRAME_BYTES) });
  assert.throws(
    () => parsePeerFrame(tooLarge),
    (error: unknown) => error instanceof ProtocolError && error.code === ErrorCode.FrameTooLarge,
  );
});

test('group conversation ids round-trip, and other conversations are not groups', () => {
  const id = 'g0123456789abcdef01234567';
  assert.equal(groupConversationId(id), `group:${id}`);
  assert.equal(groupIdOf(groupConversationId(id)), id);
  assert.equal(groupIdOf(LOBBY_CONVERSATION), null);
  assert.equal(groupIdOf(directConversationId('alice', 'bob')), null);
  assert.equal(directPeerOf(groupConversationId(id), 'alice'), null);
});

test('parseSignalPayload accepts connect and sdp signals, keeping unknown signal fields', () => {
  const payloads: unknown[] = [
    { kind: 'connect' },
    { kind: 'sdp', cid: '0123456789abcdef', signal: { type: 'offer', sdp: 'v=0' } },
    {
      kind: 'sdp',
      cid: '0123456789abcdef0123456789abcdef',
      signal: { type: 'candidate', candidate: { candidate: 'c', sdpMid: '0' } },
    },
    { kind: 'sdp', cid: '0123456789abcdef', signal: { type: 'renegotiate', renegotiate: true } },
  ];
  for (const payload of payloads) assert.deepEqual(parseSignalPayload(payload), payload);
});

const invalidPayloads: Array<[string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ['a string', 'connect'],
  ['an unknown kind', { kind: 'hangup' }],
  ['connect with extra fields', { kind: 'connect', cid: '0123456789abcdef' }],
  ['a short cid', { kind: 'sdp', cid: 'abc', signal: { type: 'offer' } }],
  ['an upper-case cid', { kind: 'sdp', cid: '0123456789ABCDEF', signal: { type: 'offer' } }],
  ['an unknown signal type', { kind: 'sdp', cid: '0123456789abcdef', signal: { type: 'bye' } }],
  [
    'an oversized sdp',
    { kind: 'sdp', cid: '0123456789abcdef', signal: { type: 'offer', sdp: 'x'.repeat(32 * 1024 + 1) } },
  ],
  ['an sdp without signal', { kind: 'sdp', cid: '0123456789abcdef' }],
];

for (const [name, payload] of invalidPayloads) {
  test(`parseSignalPayload rejects ${name}`, () =>
    assert.throws(() => parseSignalPayload(payload), isBadFrame));
}

test('utf8ByteLength counts UTF-8 bytes like TextEncoder does', () => {
  const samples = [
    '',
    'a',
    'é',
    '€',
    '😀',
    'a😀b',
    '爱丽丝',
    'naïve café',
    '\u{10FFFF}',
    '\ud800',
    'x\udc00y',
    '\ud83d',
  ];
  for (const text of samples) {
    assert.equal(utf8ByteLength(text), new TextEncoder().encode(text).length, JSON.stringify(text));
  }
});

test('directConversationId is the same from both sides, ordered by code units', () => {
  assert.equal(directConversationId('alice', 'bob'), 'dm:alice:bob');
  assert.equal(directConversationId('bob', 'alice'), 'dm:alice:bob');
  assert.equal(directConversationId('Zed', 'alice'), 'dm:Zed:alice');
  assert.equal(directConversationId('爱丽丝', 'bob'), 'dm:bob:爱丽丝');
});

test('directPeerOf finds the other participant or null', () => {
  const cases: Array<[string, string, string | null]> = [
    ['dm:alice:bob', 'alice', 'bob'],
    ['dm:alice:bob', 'bob', 'alice'],
    ['dm:alice:bob', 'carol', null],
    ['dm:alice', 'alice', null],
    ['dm:alice:bob:carol', 'alice', null],
    ['group:alice:bob', 'alice', null],
    ['', 'alice', null],
    [directConversationId('爱丽丝', 'bob'), '爱丽丝', 'bob'],
  ];
  for (const [conversation, me, peer] of cases)
    assert.equal(directPeerOf(conversation, me), peer, conversation);
});

test('exactly one of two users initiates', () => {
  for (const [a, b] of [
    ['alice', 'bob'],
    ['Zed', 'alice'],
    ['爱丽丝', 'bob'],
  ] as const) {
    assert.notEqual(isInitiator(a, b), isInitiator(b, a));
  }
});

test('reactions are message bodies: one emoji on one target, alone in the message', () => {
  const reaction = { target: id(9), emoji: '👍🏽', on: true };
  const parsed = parsePeerFrame(
    JSON.stringify({ type: 'message', message: message({ text: undefined, reaction }) }),
  );
  assert.equal(parsed.type === 'message' && parsed.message.reaction?.emoji, '👍🏽');
  for (const bad of [
    message({ reaction }),
    message({ text: undefined, reaction: { ...reaction, emoji: '' } }),
    message({ text: undefined, reaction: { ...reaction, emoji: 'a b' } }),
    message({ text: undefined, reaction: { ...reaction, emoji: 'x'.repeat(33) } }),
    message({ text: undefined, reaction: { ...reaction, target: 'nope' } }),
    message({ text: undefined, reaction: { ...reaction, on: 'yes' } }),
  ]) {
    assert.throws(() => parsePeerFrame(JSON.stringify({ type: 'message', message: bad })), isBadFrame);
  }
});

test('typing and read frames name a conversation, read frames the messages read', () => {
  assert.deepEqual(parsePeerFrame('{"type":"typing","conversation":"lobby"}'), {
    type: 'typing',
    conversation: 'lobby',
  });
  const read = { type: 'read', conversation: 'dm:alice:bob', ids: [id(1), id(2)] };
  assert.deepEqual(parsePeerFrame(JSON.stringify(read)), read);
  for (const bad of [
    { type: 'typing' },
    { type: 'typing', conversation: '' },
    { type: 'read', conversation: 'dm:alice:bob', ids: [] },
    {
      type: 'read',
      conversation: 'dm:alice:bob',
      ids: Array.from({ length: MAX_ACK_IDS + 1 }, (_, n) => id(n)),
    },
    { type: 'read', conversation: 'dm:alice:bob', ids: ['x'] },
  ]) {
    assert.throws(() => parsePeerFrame(JSON.stringify(bad)), isBadFrame, JSON.stringify(bad));
  }
});
