import { expect } from '@open-wc/testing';
import { formatBytes, formatDuration, formatSpeed } from '../../../../client/app/files/format-bytes.js';

describe('format-bytes', () => {
  it('writes sizes in decimal units, one decimal below 10', () => {
    const cases: [number, string][] = [
      [0, '0 B'],
      [999, '999 B'],
      [1000, '1 kB'],
      [1536, '1.5 kB'],
      [999_960, '1 MB'],
      [3_400_000, '3.4 MB'],
      [12_345_678, '12 MB'],
      [9_960_000, '10 MB'],
      [2 ** 46, '70 TB'],
      [-1, '?'],
      [Number.NaN, '?'],
    ];
    expect(cases.map(([bytes]) => formatBytes(bytes))).to.deep.equal(cases.map(([, text]) => text));
  });

  it('writes speeds per second', () => {
    expect(formatSpeed(2_100_000)).to.equal('2.1 MB/s');
  });

  it('writes times left as a person would say them', () => {
    const cases: [number, string][] = [
      [0, '0 s'],
      [11.2, '12 s'],
      [59.5, '1 min'],
      [150, '3 min'],
      [3600, '1 h'],
      [3900, '1 h 5 min'],
      [7199, '2 h'],
      [Number.POSITIVE_INFINITY, '?'],
    ];
    expect(cases.map(([s]) => formatDuration(s))).to.deep.equal(cases.map(([, text]) => text));
  });
});
