import { expect } from '@open-wc/testing';
import { TabTitle } from '../../../../client/components/shell/tab-title.js';

/** A title that counts its writes. */
function countingTarget(): { title: string; writes: string[] } {
  const writes: string[] = [];
  let title = 'Parley';
  return {
    writes,
    get title() {
      return title;
    },
    set title(value: string) {
      writes.push(value);
      title = value;
    },
  };
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('TabTitle', () => {
  it('writes the first change at once and the last of a burst once the interval has passed', async () => {
    const target = countingTarget();
    const title = new TabTitle(target, 100);
    title.set('(1) Parley');
    expect(target.writes).to.deep.equal(['(1) Parley']);
    title.set('(2) Parley');
    title.set('(3) Parley');
    expect(target.writes, 'within the interval').to.deep.equal(['(1) Parley']);
    await wait(150);
    expect(target.writes).to.deep.equal(['(1) Parley', '(3) Parley']);
    title.stop();
  });

  it('skips a write that would not change the title, and writes nothing after stop', async () => {
    const target = countingTarget();
    const title = new TabTitle(target, 50);
    title.set('Parley');
    expect(target.writes).to.deep.equal([]);
    title.set('(1) Parley');
    title.set('(2) Parley');
    title.stop();
    await wait(80);
    expect(target.writes).to.deep.equal(['(1) Parley']);
  });
});
