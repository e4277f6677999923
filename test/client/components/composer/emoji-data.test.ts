import { expect } from '@open-wc/testing';
import {
  emojiForShortcode,
  findShortcodes,
  shortcodeBeforeCaret,
} from '../../../../client/components/composer/emoji-data.js';
import { EMOJI_LOAD_TIMEOUT_MS, TEST_EMOJI_DATA_URL } from '../../helpers/emoji.js';

describe('findShortcodes before the data was ever loaded', () => {
  // Runs first in this file: every test file has a browser profile of its own (web-test-runner.config.mjs),
  // so the picker's IndexedDB database is still empty here.
  it('rejects while the data cannot be loaded, and tries the server again on the next call', async function () {
    this.timeout(EMOJI_LOAD_TIMEOUT_MS);
    const names = (await indexedDB.databases()).map((db) => db.name);
    expect(names).not.to.include('emoji-picker-element-en');
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const outcome = await findShortcodes('rocket', { dataSource: '/no-such-emoji-data.json' }).then(
        () => 'resolved',
        () => 'rejected',
      );
      expect(outcome, `attempt ${attempt}`).to.equal('rejected');
    }
    // The server has the data again: the next keystroke gets its answer.
    expect(await emojiForShortcode('rocket', { dataSource: TEST_EMOJI_DATA_URL })).to.equal('🚀');
  });
});

describe('shortcodeBeforeCaret', () => {
  const cases: [string, ReturnType<typeof shortcodeBeforeCaret>][] = [
    [':ro', { start: 0, prefix: 'ro' }],
    ['go :rock', { start: 3, prefix: 'rock' }],
    ['(:+1', { start: 1, prefix: '+1' }],
    ['line\n:thumbs_u', { start: 5, prefix: 'thumbs_u' }],
    [':r', null], // one letter is too little to look up
    [':', null],
    ['at 10:30', null], // a time
    ['http://example', null], // a URL
    ['a:bc', null], // inside a word
    [':rocket:', null], // closed: not being typed any more
    ['go :ro ', null],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${JSON.stringify(expected)}`, () => {
      expect(shortcodeBeforeCaret(text, text.length)).to.deep.equal(expected);
    });
  }

  it('looks only before the caret', () => {
    expect(shortcodeBeforeCaret('say :fire now', 'say :fi'.length)).to.deep.equal({ start: 4, prefix: 'fi' });
  });
});

describe('findShortcodes', () => {
  it('finds shortcodes by prefix, the exact one first, from the local data', async function () {
    this.timeout(EMOJI_LOAD_TIMEOUT_MS);
    const found = await findShortcodes('rock', { dataSource: TEST_EMOJI_DATA_URL });
    expect(found[0]).to.deep.equal({ shortcode: 'rock', emoji: '🪨', name: 'rock' });
    expect(found.map((m) => m.shortcode)).to.include('rocket');
    expect(found.every((m) => m.shortcode.startsWith('rock'))).to.equal(true);
    expect(await emojiForShortcode('ROCKET', { dataSource: TEST_EMOJI_DATA_URL })).to.equal('🚀');
    expect(await emojiForShortcode('+1', { dataSource: TEST_EMOJI_DATA_URL })).to.match(/^👍/);
  });

  it('finds nothing for unknown, too short or odd prefixes', async function () {
    this.timeout(EMOJI_LOAD_TIMEOUT_MS);
    expect(await findShortcodes('zzzq', { dataSource: TEST_EMOJI_DATA_URL })).to.deep.equal([]);
    expect(await findShortcodes('r', { dataSource: TEST_EMOJI_DATA_URL })).to.deep.equal([]);
    expect(await findShortcodes('ro ck', { dataSource: TEST_EMOJI_DATA_URL })).to.deep.equal([]);
    expect(await emojiForShortcode('rocke', { dataSource: TEST_EMOJI_DATA_URL })).to.equal(null);
  });

  it('answers from IndexedDB once loaded, also when the server is away', async function () {
    this.timeout(EMOJI_LOAD_TIMEOUT_MS);
    await findShortcodes('fire', { dataSource: TEST_EMOJI_DATA_URL });
    const found = await findShortcodes('fire', { dataSource: '/no-such-emoji-data.json' });
    expect(found[0]?.emoji).to.equal('🔥');
  });
});
