import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InOrderQueue } from '../../signaling/ws/in-order-queue.js';

test('a handler that throws synchronously is reported, and the next item still runs', () => {
  const handled: number[] = [];
  const failures: unknown[] = [];
  const queue = new InOrderQueue<number>(
    (item) => {
      if (item === 1) throw new RangeError('Maximum call stack size exceeded');
      handled.push(item);
      return undefined;
    },
    (error) => failures.push(error),
    4,
  );
  assert.equal(queue.push(1), true);
  assert.equal(queue.push(2), true);
  assert.deepEqual(handled, [2]);
  assert.equal(failures.length, 1);
  assert.ok(failures[0] instanceof RangeError);
});
