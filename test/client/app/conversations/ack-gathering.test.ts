// Acks of a burst are written together once it pauses; a lone ack at once (ack-gathering.ts). The
// write is recorded, not a store: what is under test is when and with what it is called.
import { expect } from '@open-wc/testing';
import {
  ACK_GATHER_MS,
  ACK_HOLD_MAX_MS,
  AckGatherer,
} from '../../../../client/app/conversations/ack-gathering.js';
import { ManualClock } from '../../helpers/manual-clock.js';

function gatherer(fail = false) {
  const clock = new ManualClock();
  clock.time = 10_000;
  const writes: Array<[string, string[]]> = [];
  const acks = new AckGatherer((peer, ids) => {
    writes.push([peer, [...ids]]);
    return fail ? Promise.reject(new Error('disk full')) : Promise.resolve();
  }, clock);
  return { clock, writes, acks };
}

describe('AckGatherer', () => {
  it('writes an ack after a quiet spell at once', async () => {
    const { clock, writes, acks } = gatherer();
    await acks.add('bob', ['a']);
    clock.advance(ACK_GATHER_MS);
    await acks.add('bob', ['b']);
    expect(writes).to.deep.equal([
      ['bob', ['a']],
      ['bob', ['b']],
    ]);
  });

  it('writes the acks of a burst together once it pauses, and settles each then', async () => {
    const { clock, writes, acks } = gatherer();
    await acks.add('bob', ['1']);
    let settled = 0;
    clock.advance(ACK_GATHER_MS - 1);
    void acks.add('bob', ['2']).then(() => (settled += 1));
    clock.advance(ACK_GATHER_MS - 1);
    void acks.add('bob', ['3', '4']).then(() => (settled += 1));
    // Another peer's acks are their own burst.
    await acks.add('carol', ['c']);
    clock.advance(ACK_GATHER_MS - 1);
    await Promise.resolve();
    expect(writes).to.deep.equal([
      ['bob', ['1']],
      ['carol', ['c']],
    ]);
    clock.advance(1);
    await Promise.resolve();
    await Promise.resolve();
    expect(writes.slice(2)).to.deep.equal([['bob', ['2', '3', '4']]]);
    expect(settled).to.equal(2);
  });

  it('writes the burst at once with the ack that ends a catch-up stream', async () => {
    const { clock, writes, acks } = gatherer();
    await acks.add('bob', ['1']);
    clock.advance(10);
    const held = acks.add('bob', ['2']);
    clock.advance(10);
    await acks.add('bob', ['3'], true);
    await held;
    expect(writes).to.deep.equal([
      ['bob', ['1']],
      ['bob', ['2', '3']],
    ]);
  });

  it('writes a steady stream of acks at least every ACK_HOLD_MAX_MS', () => {
    const { clock, writes, acks } = gatherer();
    void acks.add('bob', ['0']);
    let n = 1;
    for (let waited = 0; waited <= ACK_HOLD_MAX_MS + ACK_GATHER_MS; waited += ACK_GATHER_MS / 2) {
      clock.advance(ACK_GATHER_MS / 2);
      void acks.add('bob', [String(n++)]);
    }
    expect(writes.length, 'the first at once, and the held ones at the limit').to.equal(2);
    expect(writes[1]![1][0]).to.equal('1');
  });

  it('settles gathered acks unwritten on close, and reports a failed write to each', async () => {
    const closing = gatherer();
    await closing.acks.add('bob', ['1']);
    const held = closing.acks.add('bob', ['2']);
    closing.acks.close();
    await held;
    closing.clock.advance(ACK_HOLD_MAX_MS);
    expect(closing.writes).to.deep.equal([['bob', ['1']]]);

    const failing = gatherer(true);
    await failing.acks.add('bob', ['1']).catch(() => undefined);
    const later = failing.acks.add('bob', ['2']);
    failing.clock.advance(ACK_GATHER_MS);
    const error = await later.then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(String(error)).to.contain('disk full');
  });
});
