import { expect } from '@open-wc/testing';
import { WriteBatch } from '../../../client/storage/write-batch.js';

/** A write that records each batch it is given and answers each request doubled. */
function recordingWrite(fails: (batch: readonly number[]) => boolean = () => false) {
  const batches: number[][] = [];
  let release: () => void = () => undefined;
  let held: Promise<void> | null = null;
  return {
    batches,
    /** Holds the next write open until `release` is called. */
    hold() {
      held = new Promise((resolve) => (release = resolve));
    },
    release: () => release(),
    write: async (batch: readonly number[]): Promise<number[]> => {
      batches.push([...batch]);
      if (held) {
        const waiting = held;
        held = null;
        await waiting;
      }
      if (fails(batch)) throw new Error(`bad batch ${batch.join(',')}`);
      return batch.map((n) => n * 2);
    },
  };
}

describe('WriteBatch', () => {
  it('writes the requests made in one task together, and answers each with its own result', async () => {
    const recorder = recordingWrite();
    const batch = new WriteBatch(recorder.write);
    const answers = await Promise.all([batch.run(1), batch.run(2), batch.run(3)]);
    expect(answers).to.deep.equal([2, 4, 6]);
    expect(recorder.batches).to.deep.equal([[1, 2, 3]]);
  });

  it('holds requests made while a write runs and writes them together once it is done', async () => {
    const recorder = recordingWrite();
    const batch = new WriteBatch(recorder.write);
    recorder.hold();
    const first = batch.run(1);
    await Promise.resolve();
    await Promise.resolve();
    const later = [batch.run(2), batch.run(3)];
    expect(recorder.batches).to.deep.equal([[1]]);
    recorder.release();
    expect(await Promise.all([first, ...later])).to.deep.equal([2, 4, 6]);
    expect(recorder.batches).to.deep.equal([[1], [2, 3]]);
  });

  it('writes a failed batch again one request at a time, so only the bad one fails', async () => {
    const recorder = recordingWrite((batch) => batch.includes(2));
    const batch = new WriteBatch(recorder.write);
    const results = await Promise.allSettled([batch.run(1), batch.run(2), batch.run(3)]);
    expect(results.map((result) => result.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).to.deep.equal({ status: 'fulfilled', value: 2 });
    expect(recorder.batches).to.deep.equal([[1, 2, 3], [1], [2], [3]]);
  });
});

describe('WriteBatch with a gathering time', () => {
  it('waits that long for requests of other tasks to join the first', async () => {
    const recorder = recordingWrite();
    const batch = new WriteBatch(recorder.write, 30);
    const first = batch.run(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = batch.run(2);
    expect(recorder.batches, 'nothing written before the time is up').to.deep.equal([]);
    expect(await Promise.all([first, second])).to.deep.equal([2, 4]);
    expect(recorder.batches).to.deep.equal([[1, 2]]);
  });
});
