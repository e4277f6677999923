import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickLanguage } from '../../client/i18n/language.js';

describe('pickLanguage', () => {
  const cases: [readonly string[], string][] = [
    [['zh'], 'zh-Hans'],
    [['zh-CN'], 'zh-Hans'],
    [['zh-cn', 'en'], 'zh-Hans'],
    [['zh-Hans'], 'zh-Hans'],
    [['zh-Hans-CN'], 'zh-Hans'],
    [['zh-SG'], 'zh-Hans'],
    [['en-US', 'zh-CN'], 'en'],
    [['de-DE', 'zh-CN', 'en'], 'zh-Hans'],
    [['zh-TW'], 'en'],
    [['zh-Hant', 'zh'], 'zh-Hans'],
    [['zh-HK', 'en-GB'], 'en'],
    [['fr', 'de'], 'en'],
    [[], 'en'],
    [['zhx'], 'en'],
  ];
  for (const [preferred, expected] of cases) {
    it(`picks ${expected} for [${preferred.join(', ')}]`, () => {
      assert.equal(pickLanguage(preferred), expected);
    });
  }
});
