import { expect } from '@open-wc/testing';
import { LitElement } from 'lit';
import { FixedRowWindow, rowsInView } from '../../../../client/components/sidebar/fixed-row-window.js';

describe('rowsInView', () => {
  const cases: [what: string, args: Parameters<typeof rowsInView>, expected: [number, number]][] = [
    ['the rows at the top, with overscan after', [0, 100, 10, 1000, 5], [0, 15]],
    ['a view part-way, overscan both sides', [505, 100, 10, 1000, 5], [45, 66]],
    ['the end, clipped to the count', [9900, 100, 10, 1000, 5], [985, 1000]],
    ['the end from a position past it (rows were filtered)', [50_000, 100, 10, 20, 2], [8, 20]],
    ['all of a short list', [0, 400, 10, 12, 5], [0, 12]],
    ['nothing of an empty list', [0, 100, 10, 0, 5], [0, 0]],
    ['nothing before a row height is known', [0, 100, 0, 50, 5], [0, 0]],
  ];
  for (const [what, args, [start, end]] of cases) {
    it(`gives ${what}`, () => {
      expect(rowsInView(...args)).to.deep.equal({ start, end });
    });
  }
});

/** A bare host for the controller. */
class WindowHost extends LitElement {}
customElements.define('window-host', WindowHost);

describe('FixedRowWindow', () => {
  it('refuses a row height estimate that is not positive', () => {
    const options = { scroller: () => null, sampleRow: () => null, overscan: 1 };
    expect(() => new FixedRowWindow(new WindowHost(), { ...options, estimate: 0 })).to.throw(TypeError);
    expect(new FixedRowWindow(new WindowHost(), { ...options, estimate: 30 }).rowHeight).to.equal(30);
  });
});
