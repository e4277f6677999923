import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ws from 'ws';
import { InOrderQueue } from '../../signaling/ws/in-order-queue.js';
import { encodeTextFrame } from '../../signaling/ws/outbox.js';

/** ws's frame parser: exported at runtime, but not in @types/ws. */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  write(chunk: Buffer, callback: () => void): void;
}
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean }) => FrameReceiver };

/** Decodes frames with ws's own parser, as a client would. */
function decode(frames: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false });
    const messages: string[] = [];
    receiver.on('message', (data: Buffer, isBinary: boolean) => {
      assert.equal(isBinary, false);
      messages.push(data.toString());
    });
    receiver.on('error', reject);
    receiver.write(frames, () => resolve(messages));
  });
}

test('encodes text frames that ws decodes, at every length encoding', async () => {
  const payloads = [0, 1, 125, 126, 127, 65535, 65536, 200_000].map(
    (n) => 'é'.repeat(Math.floor(n / 2)) + 'x'.repeat(n % 2),
  );
  const decoded = await decode(Buffer.concat(payloads.map((payload) => encodeTextFrame(payload))));
  assert.deepEqual(decoded, payloads);
});

test('uses the shortest length encoding, as RFC 6455 requires', () => {
  assert.deepEqual([...encodeTextFrame('x'.repeat(125)).subarray(0, 2)], [0x81, 125]);
  assert.deepEqual([...encodeTextFrame('x'.repeat(126)).subarray(0, 4)], [0x81, 126, 0, 126]);
  assert.deepEqual(
    [...encodeTextFrame('x'.repeat(65536)).subarray(0, 10)],
    [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0],
  );
  // Length counts UTF-8 bytes, not characters.
  assert.equal(encodeTextFrame('😀').length, 2 + 4);
});

test('runs items in order, holding later ones while an async one is pending', async () => {
  const log: string[] = [];
  let release: () => void = () => undefined;
  const queue = new InOrderQueue<string>(
    (item) => {
      log.push(`start ${item}`);
      if (item !== 'slow') return undefined;
      return new Promise<void>((resolve) => (release = resolve)).then(() => void log.push('end slow'));
    },
    () => assert.fail('no handler fails here'),
    2,
  );
  assert.equal(queue.push('a'), true);
  assert.equal(queue.push('slow'), true);
  assert.equal(queue.push('b'), true);
  assert.equal(queue.push('c'), true);
  assert.equal(queue.push('d'), false, 'the backlog holds two');
  assert.deepEqual(log, ['start a', 'start slow']);
  const drained = new Promise<void>((resolve) => setImmediate(resolve));
  release();
  await drained;
  assert.deepEqual(log, ['start a', 'start slow', 'end slow', 'start b', 'start c']);
});

test('goes on with the next item after a handler fails', async () => {
  const failures: unknown[] = [];
  const done: string[] = [];
  const queue = new InOrderQueue<string>(
    (item) => (item === 'bad' ? Promise.reject(new Error('store down')) : void done.push(item)),
    (error) => failures.push(error),
    8,
  );
  queue.push('bad');
  queue.push('next');
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(failures.length, 1);
  assert.deepEqual(done, ['next']);
});
