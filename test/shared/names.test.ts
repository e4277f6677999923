import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameKey, normalizeUsername, passwordProblem, usernameProblem } from '../../shared/names.js';

const validNames = [
  'a',
  'alice',
  'Alice',
  'j.doe',
  'under_score',
  'hy-phen',
  '爱丽丝',
  'Ирина',
  'كريم',
  'ゆい',
  '٣٤٥',
  'Am\u00e9lie',
  'a'.repeat(32),
];

test('usernameProblem accepts letters of any script, digits, dot, underscore and hyphen', () => {
  for (const name of validNames) assert.equal(usernameProblem(name), null, name);
  // Combining marks count as part of a name.
  assert.equal(usernameProblem('Ame\u0301lie'), null);
  // 32 characters, not 32 UTF-16 units: astral letters count once.
  assert.equal(usernameProblem('𠀀'.repeat(32)), null);
});

const invalidNames: Array<[string, string]> = [
  ['', 'empty'],
  ['a'.repeat(33), 'too long'],
  ['𠀀'.repeat(33), 'too long'],
  ['with space', 'space'],
  ['tab\tname', 'tab'],
  ['semi;colon', 'punctuation'],
  ['at@sign', 'punctuation'],
  ['slash/name', 'slash'],
  ['emoji😀', 'emoji'],
  ['zero\u200bwidth', 'zero-width space'],
  ['rtl\u202eoverride', 'bidi override'],
  ['new\nline', 'newline'],
];

for (const [name, why] of invalidNames) {
  test(`usernameProblem rejects a name with ${why}: ${JSON.stringify(name).slice(0, 40)}`, () => {
    assert.equal(typeof usernameProblem(name), 'string');
  });
}

test('normalizeUsername composes to NFC and trims', () => {
  assert.equal(normalizeUsername('  Ame\u0301lie \n'), 'Am\u00e9lie');
  assert.equal(normalizeUsername('alice'), 'alice');
});

test('nameKey ignores case and composition', () => {
  assert.equal(nameKey('Alice'), nameKey('alice'));
  assert.equal(nameKey('AME\u0301LIE'), nameKey('am\u00e9lie'));
  assert.equal(nameKey('ИРИНА'), nameKey('ирина'));
  assert.notEqual(nameKey('alice'), nameKey('alicia'));
});

test('passwordProblem wants 8 to 256 characters', () => {
  assert.equal(typeof passwordProblem('seven77'), 'string');
  assert.equal(passwordProblem('eight888'), null);
  assert.equal(passwordProblem('😀'.repeat(8)), null);
  assert.equal(passwordProblem('x'.repeat(256)), null);
  assert.equal(typeof passwordProblem('x'.repeat(257)), 'string');
});
