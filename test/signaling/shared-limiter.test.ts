import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from 'redis';
import { SharedLimiter } from '../../signaling/limits/shared-limiter.js';
import { startRedis, type RedisServer } from './redis-harness.js';

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(() => redis?.stop());

/** A node's client, as the cluster's bus makes it: commands fail at once while Redis is away. */
async function nodeClient(): Promise<ReturnType<typeof createClient>> {
  const client = createClient({ url: redis.url, disableOfflineQueue: true });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const settings = { points: 3, windowMs: 60_000 };

test('two nodes count against one limit', async (t) => {
  const [one, two] = [await nodeClient(), await nodeClient()];
  t.after(() => Promise.all([one.close(), two.close()]));
  const a = new SharedLimiter(one, 'shared', settings);
  const b = new SharedLimiter(two, 'shared', settings);
  const decisions = [await a.consume('k'), await b.consume('k'), await a.consume('k'), await b.consume('k')];
  assert.deepEqual(
    decisions.map((d) => [d.allowed, d.count]),
    [
      [true, 1],
      [true, 2],
      [true, 3],
      [false, 4],
    ],
  );
  await a.reset('k');
  assert.equal((await b.consume('k')).allowed, true);
});

test('a block refuses on every node and keeps the count it was set on', async (t) => {
  const [one, two] = [await nodeClient(), await nodeClient()];
  t.after(() => Promise.all([one.close(), two.close()]));
  const a = new SharedLimiter(one, 'blocks', settings);
  const b = new SharedLimiter(two, 'blocks', settings);
  await a.consume('k');
  await a.block('k', 1500);
  const refused = await b.consume('k');
  assert.equal(refused.allowed, false);
  assert.equal(refused.count, 2);
  assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 2000);
});

test('with Redis away, limits hold per node: no hang, no crash, nobody let through past the limit', async (t) => {
  const client = await nodeClient();
  t.after(() => client.close());
  const limiter = new SharedLimiter(client, 'outage', settings);
  await redis.kill();
  t.after(() => redis.start());
  const decisions = [];
  for (let i = 0; i < 4; i++) decisions.push(await limiter.consume('k'));
  assert.deepEqual(
    decisions.map((d) => d.allowed),
    [true, true, true, false],
  );
  await limiter.block('j', 1000);
  assert.equal((await limiter.consume('j')).allowed, false);
});
