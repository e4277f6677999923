import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import {
  GROUP_LOG_CONTEXT,
  GROUP_LOG_FRAME_ENTRIES,
  MAX_GROUP_ENTRY_LENGTH,
  groupStatement,
  parseGroupEntry,
} from '../../shared/group-log.js';
import { parseClientFrame, parseServerFrame } from '../../shared/protocol.js';

const GROUP = `g${'0123456789abcdef01234567'}`;
const SIG = 'ab'.repeat(64);
const PREV = 'cd'.repeat(32);
const create = { group: GROUP, kind: 'create', actor: 'alice', at: 1, name: 'Book club', sig: SIG };
const invite = { group: GROUP, kind: 'invite', actor: 'alice', subject: 'bob', at: 2, prev: PREV, sig: SIG };
const accept = { group: GROUP, kind: 'accept', actor: 'bob', at: 3, prev: PREV, sig: SIG };

test('parseGroupEntry takes each kind of change in its shape', () => {
  for (const entry of [create, invite, accept, { ...accept, kind: 'leave' }]) {
    assert.deepEqual(parseGroupEntry(JSON.stringify(entry)), entry);
  }
});

test('parseGroupEntry refuses entries out of shape', () => {
  const bad: unknown[] = [
    { ...create, prev: PREV }, // a create follows nothing
    { ...invite, prev: undefined }, // everything else follows something
    { ...invite, subject: undefined }, // an invite names whom
    { ...accept, subject: 'eve' }, // nothing else does
    { ...accept, name: 'Renamed' }, // only a create has a name
    { ...accept, kind: 'decline' },
    { ...accept, sig: 'xyz' },
    { ...accept, prev: 'short' },
    { ...accept, group: 'lobby' },
    { ...accept, extra: true },
  ];
  for (const entry of bad) {
    assert.throws(
      () => parseGroupEntry(JSON.stringify(entry)),
      (error: unknown) => error instanceof ProtocolError && error.code === ErrorCode.BadFrame,
      JSON.stringify(entry),
    );
  }
  assert.throws(() => parseGroupEntry('not json'), ProtocolError);
  assert.throws(
    () => parseGroupEntry(JSON.stringify({ ...create, name: 'x'.repeat(MAX_GROUP_ENTRY_LENGTH) })),
    ProtocolError,
  );
});

test('the signed statement names the context and every field but the signature, in a fixed order', () => {
  const { sig: _sig, ...change } = invite;
  assert.equal(
    groupStatement(change as Parameters<typeof groupStatement>[0]),
    JSON.stringify([GROUP_LOG_CONTEXT, GROUP, 'invite', 'alice', 'bob', 2, PREV, null]),
  );
});

test('group-entry and group-log frames carry a bounded number of bounded entries', () => {
  const text = JSON.stringify(accept);
  assert.equal(
    parseClientFrame(JSON.stringify({ type: 'group-entry', group: GROUP, entries: [text] })).type,
    'group-entry',
  );
  assert.equal(
    parseServerFrame(JSON.stringify({ type: 'group-log', group: GROUP, entries: [text] })).type,
    'group-log',
  );
  const tooMany = Array.from({ length: GROUP_LOG_FRAME_ENTRIES + 1 }, () => 'x');
  assert.throws(
    () => parseClientFrame(JSON.stringify({ type: 'group-entry', group: GROUP, entries: tooMany })),
    ProtocolError,
  );
  assert.throws(
    () => parseClientFrame(JSON.stringify({ type: 'group-entry', group: GROUP, entries: [] })),
    ProtocolError,
  );
  assert.throws(
    () =>
      parseServerFrame(
        JSON.stringify({
          type: 'group-log',
          group: GROUP,
          entries: ['x'.repeat(MAX_GROUP_ENTRY_LENGTH + 1)],
        }),
      ),
    ProtocolError,
  );
});
