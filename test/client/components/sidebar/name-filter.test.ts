import { expect } from '@open-wc/testing';
import { NameFilter, nameMatches } from '../../../../client/components/sidebar/name-filter.js';

describe('nameMatches', () => {
  const cases: [name: string, query: string, expected: boolean][] = [
    ['alice', '', true],
    ['alice', '  ', true],
    ['Alice', 'LIC', true],
    ['alice', 'ａｌｉ', true],
    ['ｱｲｺ', 'アイ', true],
    ['爱丽丝', '丽丝', true],
    ['김민준', '민준', true],
    ['alice', 'bob', false],
    ['爱丽丝', '丝丽', false],
  ];
  for (const [name, query, expected] of cases) {
    it(`${expected ? 'finds' : 'does not find'} "${name}" by "${query}"`, () => {
      expect(nameMatches(name, query)).to.equal(expected);
    });
  }
});

describe('NameFilter', () => {
  const people = ['Alice', 'bob', 'ＡＬＩＳＯＮ', '爱丽丝'].map((name) => ({ name }));

  it('keeps the entries nameMatches finds, in order, and all of them for an empty query', () => {
    const names = new NameFilter();
    expect(names.filter(people, 'ali').map((p) => p.name)).to.deep.equal(['Alice', 'ＡＬＩＳＯＮ']);
    expect(names.filter(people, '丽')).to.deep.equal([people[3]]);
    expect(names.filter(people, '  ')).to.equal(people);
  });

  it('folds each listed name once: a keystroke folds only the query', () => {
    const names = new NameFilter();
    const many = Array.from({ length: 50_000 }, (_, i) => ({ name: `user${i}` }));
    const normalize = String.prototype.normalize;
    let calls = 0;
    String.prototype.normalize = function (this: string, form?: string) {
      calls += 1;
      return normalize.call(this, form);
    };
    try {
      names.filter(many, 'u');
      expect(calls).to.equal(50_001);
      calls = 0;
      expect(names.filter(many, 'user4999')).to.have.length(11);
      expect(calls).to.equal(1);
      // A new list (someone came online) folds only the newcomer.
      calls = 0;
      names.filter([...many, { name: 'zoë' }], 'zo');
      expect(calls).to.equal(2);
    } finally {
      String.prototype.normalize = normalize;
    }
  });
});
