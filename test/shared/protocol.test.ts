import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import {
  MAX_FRAME_BYTES,
  MAX_GROUP_MEMBERS,
  frameTypeOf,
  parseClientFrame,
  parseServerFrame,
} from '../../shared/protocol.js';

const GROUP_ID = `g${'0123456789abcdef01234567'}`;
const group = (overrides: Record<string, unknown> = {}) => ({
  id: GROUP_ID,
  name: 'Book club',
  creator: 'alice',
  createdAt: 1700000000000,
  members: [
    { user: 'alice', since: 1700000000000 },
    { user: '爱丽丝', since: 1700000000001 },
  ],
  ...overrides,
});

/** Asserts that `parse(raw)` throws a ProtocolError with `code`. */
function rejects(parse: (raw: string) => unknown, raw: string, code: string = ErrorCode.BadFrame): void {
  assert.throws(
    () => parse(raw),
    (error: unknown) => error instanceof ProtocolError && error.code === code,
    raw.slice(0, 120),
  );
}

const validClientFrames: unknown[] = [
  { type: 'register', version: 1, username: 'alice', password: 'correct horse' },
  { type: 'register', version: 99, username: '', password: '' },
  { type: 'login', version: 1, username: '爱丽丝', password: 'x' },
  { type: 'resume', version: 1, token: 'abc' },
  { type: 'logout' },
  { type: 'signal', to: 'bob', data: { kind: 'connect' } },
  {
    type: 'signal',
    to: 'bob',
    data: { kind: 'sdp', cid: '0123456789abcdef', signal: { type: 'candidate', candidate: { sdpMid: '0' } } },
  },
  { type: 'logout-everywhere' },
  { type: 'change-password', oldPassword: 'old password', newPassword: 'new password' },
  { type: 'group-create', name: 'Book club', members: ['bob', 'carol'] },
  { type: 'group-create', name: '', members: [] },
  { type: 'group-add', group: GROUP_ID, members: ['dave'] },
  { type: 'group-leave', group: GROUP_ID },
  { type: 'ping' },
];

test('parseClientFrame accepts every valid client frame as it is', () => {
  for (const frame of validClientFrames) assert.deepEqual(parseClientFrame(JSON.stringify(frame)), frame);
});

const invalidClientFrames: Array<[string, string]> = [
  ['not JSON', '{"type":'],
  ['an empty string', ''],
  ['a string', '"login"'],
  ['a number', '42'],
  ['null', 'null'],
  ['an array', '[{"type":"logout"}]'],
  ['no type', '{}'],
  ['an unknown type', '{"type":"welcome"}'],
  ['a type of the wrong case', '{"type":"Logout"}'],
  ['a numeric type', '{"type":1}'],
  ['an extra field', '{"type":"logout","x":1}'],
  ['a forged from', '{"type":"signal","to":"bob","from":"eve","data":1}'],
  ['a signal without data', '{"type":"signal","to":"bob"}'],
  ['a signal to nobody', '{"type":"signal","to":"","data":1}'],
  ['a signal to a very long name', JSON.stringify({ type: 'signal', to: 'a'.repeat(129), data: 1 })],
  ['a string version', '{"type":"login","version":"1","username":"a","password":"b"}'],
  ['a fractional version', '{"type":"login","version":1.5,"username":"a","password":"b"}'],
  ['a missing password', '{"type":"login","version":1,"username":"a"}'],
  ['a numeric username', '{"type":"register","version":1,"username":7,"password":"b"}'],
  [
    'a huge password',
    JSON.stringify({ type: 'login', version: 1, username: 'a', password: 'p'.repeat(1025) }),
  ],
  ['an empty token', '{"type":"resume","version":1,"token":""}'],
  ['a token over 256 characters', JSON.stringify({ type: 'resume', version: 1, token: 't'.repeat(257) })],
  ['a group-create without members', '{"type":"group-create","name":"x"}'],
  [
    'a group name over 256 characters',
    JSON.stringify({ type: 'group-create', name: 'n'.repeat(257), members: [] }),
  ],
  [
    'a group-create with too many members',
    JSON.stringify({
      type: 'group-create',
      name: 'x',
      members: Array.from({ length: MAX_GROUP_MEMBERS + 1 }, (_, i) => `u${i}`),
    }),
  ],
  ['a group-add with no members', JSON.stringify({ type: 'group-add', group: GROUP_ID, members: [] })],
  [
    'a group-add with an empty member name',
    JSON.stringify({ type: 'group-add', group: GROUP_ID, members: [''] }),
  ],
  ['a malformed group id', JSON.stringify({ type: 'group-leave', group: 'g123' })],
  ['an upper-case group id', JSON.stringify({ type: 'group-leave', group: GROUP_ID.toUpperCase() })],
  ['a group-leave with members', JSON.stringify({ type: 'group-leave', group: GROUP_ID, members: [] })],
];

for (const [name, raw] of invalidClientFrames) {
  test(`parseClientFrame rejects ${name} as ERR_BAD_FRAME`, () => rejects(parseClientFrame, raw));
}

test('parseClientFrame rejects a frame over MAX_FRAME_BYTES as ERR_FRAME_TOO_LARGE', () => {
  const raw = JSON.stringify({ type: 'signal', to: 'bob', data: 'x'.repeat(MAX_FRAME_BYTES) });
  rejects(parseClientFrame, raw, ErrorCode.FrameTooLarge);
});

const validServerFrames: unknown[] = [
  {
    type: 'welcome',
    version: 1,
    user: 'alice',
    token: 'tok',
    expiresAt: 1700000000000,
    iceServers: [
      { urls: 'stun:stun.example.org' },
      { urls: ['turn:a', 'turn:b'], username: 'u', credential: 'c' },
    ],
    online: ['bob', 'Кира'],
    groups: [group()],
  },
  { type: 'user-online', user: 'bob' },
  { type: 'user-offline', user: 'bob' },
  { type: 'signal', from: 'bob', data: { kind: 'connect' } },
  { type: 'logged-out' },
  { type: 'error', code: 'ERR_UNKNOWN_PEER', message: 'bob is not online.', ref: 'signal' },
  { type: 'error', code: 'ERR_TOO_MANY_ATTEMPTS', message: 'wait', retryAfterMs: 1000 },
  { type: 'error', code: 'ERR_UNKNOWN_GROUP', message: 'No such group.', ref: 'group-add' },
  { type: 'group-update', group: group() },
  { type: 'group-removed', group: GROUP_ID },
  { type: 'pong' },
  { type: 'ice-servers', iceServers: [{ urls: 'turn:a', username: '1:u', credential: 'c' }] },
];

test('parseServerFrame accepts every valid server frame as it is', () => {
  for (const frame of validServerFrames) assert.deepEqual(parseServerFrame(JSON.stringify(frame)), frame);
});

const invalidServerFrames: Array<[string, unknown]> = [
  [
    'a welcome without a token',
    { type: 'welcome', version: 1, user: 'a', expiresAt: 1, iceServers: [], online: [] },
  ],
  [
    'a welcome with an empty ICE url',
    {
      type: 'welcome',
      version: 1,
      user: 'a',
      token: 't',
      expiresAt: 1,
      iceServers: [{ urls: '' }],
      online: [],
    },
  ],
  [
    'a welcome with too many ICE servers',
    {
      type: 'welcome',
      version: 1,
      user: 'a',
      token: 't',
      expiresAt: 1,
      iceServers: Array(17).fill({ urls: 'stun:x' }),
      online: [],
    },
  ],
  ['a user-online without a user', { type: 'user-online' }],
  ['a signal without from', { type: 'signal', data: 1 }],
  ['a signal with a to', { type: 'signal', from: 'a', to: 'b', data: 1 }],
  ['an unknown error code', { type: 'error', code: 'ERR_NOPE', message: 'x' }],
  ['a negative retryAfterMs', { type: 'error', code: 'ERR_RATE_LIMITED', message: 'x', retryAfterMs: -1 }],
  ['an over-long message', { type: 'error', code: 'ERR_INTERNAL', message: 'x'.repeat(1001) }],
  ['a client frame', { type: 'logout' }],
  [
    'a welcome without groups',
    { type: 'welcome', version: 1, user: 'a', token: 't', expiresAt: 1, iceServers: [], online: [] },
  ],
  ['a group without members', { type: 'group-update', group: group({ members: [] }) }],
  ['a group with an empty name', { type: 'group-update', group: group({ name: '' }) }],
  ['a group with a bad id', { type: 'group-update', group: group({ id: 'group-1' }) }],
  ['a member without since', { type: 'group-update', group: group({ members: [{ user: 'a' }] }) }],
  ['a negative createdAt', { type: 'group-update', group: group({ createdAt: -1 }) }],
  ['a group-removed with a whole group', { type: 'group-removed', group: group() }],
  ['an ice-servers without its list', { type: 'ice-servers' }],
  ['an ice-servers with an empty url', { type: 'ice-servers', iceServers: [{ urls: '' }] }],
];

for (const [name, frame] of invalidServerFrames) {
  test(`parseServerFrame rejects ${name}`, () => rejects(parseServerFrame, JSON.stringify(frame)));
}

test('frameTypeOf reads the type of a frame that failed to parse, and nothing else', () => {
  assert.equal(frameTypeOf('{"type":"login","version":"x"}'), 'login');
  assert.equal(frameTypeOf(JSON.stringify({ type: 'x'.repeat(100) })), 'x'.repeat(64));
  assert.equal(frameTypeOf('{"type":5}'), undefined);
  assert.equal(frameTypeOf('[]'), undefined);
  assert.equal(frameTypeOf('null'), undefined);
  assert.equal(frameTypeOf('not json'), undefined);
});

test('every error code is distinct and spelled ERR_*', () => {
  const codes = Object.values(ErrorCode);
  assert.equal(new Set(codes).size, codes.length);
  for (const code of codes) assert.match(code, /^ERR_[A-Z_]+$/);
});
