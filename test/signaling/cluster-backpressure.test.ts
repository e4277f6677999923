/**
 * Overload of the relay between nodes, on a real Redis: past the backlog cap new relays are shed
 * (counted, and answered to the sender as undeliverable) instead of queued, the backlog never
 * passes the cap, and every frame accepted under it arrives.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, test, type TestContext } from 'node:test';
import { pino } from 'pino';
import { createClient } from 'redis';
import { ErrorCode } from '../../shared/errors.js';
import type { BusListener } from '../../signaling/cluster/bus.js';
import { RedisBus } from '../../signaling/cluster/redis-bus.js';
import { RelayWindow } from '../../signaling/cluster/relay-window.js';
import { NO_CLUSTER_METRICS } from '../../signaling/metrics/cluster-metrics.js';
import { until } from './cluster-harness.js';
import { startTestServer } from './harness.js';
import { sample, scrape } from './metrics-scrape.js';
import { startRedis, type RedisServer } from './redis-harness.js';
import { sdp } from './signal-data.js';

const CAP = 16 * 1024;
/** Offered in one turn: well past the cap (each frame is ~100 bytes, so ~160 fit). */
const OFFERED = 2000;
const TOKEN = 'cluster-backpressure-token';

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(() => redis.stop());

/** A listener that only counts what is delivered to it, by frame. */
function receiver(): { listener: BusListener; got: Set<string>; arrived(count: number): Promise<void> } {
  const got = new Set<string>();
  let waiting: { count: number; resolve: () => void } | null = null;
  const listener: BusListener = {
    remoteOnline: () => undefined,
    remoteOffline: () => undefined,
    remoteSnapshot: () => undefined,
    deliver(key, frame) {
      assert.equal(key, 'bob');
      got.add(frame);
      if (waiting && got.size >= waiting.count) waiting.resolve();
    },
    announced: () => undefined,
    localUsers: () => [],
    mark: () => 0,
  };
  const arrived = (count: number) =>
    got.size >= count ? Promise.resolve() : new Promise<void>((resolve) => (waiting = { count, resolve }));
  return { listener, got, arrived };
}

/** Until `backlog()` is 0 (every publish answered); fails after 5 s. */
async function drained(backlog: () => number): Promise<void> {
  const deadline = performance.now() + 5000;
  while (backlog() > 0) {
    if (performance.now() > deadline) assert.fail(`${backlog()} bytes still in the backlog`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function busPair(t: TestContext, prefix: string) {
  let shed = 0;
  const logger = pino({ level: 'silent' });
  const a = await RedisBus.connect({
    url: redis.url,
    logger,
    prefix,
    relayBacklogBytes: CAP,
    metrics: { ...NO_CLUSTER_METRICS, relayShed: (frames) => void (shed += frames) },
  });
  const b = await RedisBus.connect({ url: redis.url, logger, prefix });
  t.after(() => Promise.all([a.close(), b.close()]));
  return { a, b, shed: () => shed };
}

test('past the backlog cap relays are shed and counted; all accepted below it arrive', async (t) => {
  const { a, b, shed } = await busPair(t, 'shed');
  const bob = receiver();
  b.listen(bob.listener);
  a.listen(receiver().listener);

  const accepted: string[] = [];
  let peak = 0;
  for (let i = 0; i < OFFERED; i++) {
    const frame = JSON.stringify({ type: 'signal', from: 'alice', data: sdp(`frame ${i}`) });
    if (a.relay(b.node, 'bob', frame)) accepted.push(frame);
    peak = Math.max(peak, a.relayBacklogBytes);
  }
  assert.ok(peak <= CAP, `backlog reached ${peak} bytes, cap ${CAP}`);
  assert.ok(accepted.length > 0, 'nothing was accepted');
  assert.ok(accepted.length < OFFERED / 4, `${accepted.length} of ${OFFERED} accepted past the cap`);
  assert.equal(shed(), OFFERED - accepted.length);

  await bob.arrived(accepted.length);
  assert.deepEqual([...bob.got].sort(), [...accepted].sort());
  // Answered publishes free the backlog (B may hear a batch before A reads Redis' answer to it).
  await drained(() => a.relayBacklogBytes);
  assert.ok(a.relay(b.node, 'bob', 'after'));
  await bob.arrived(accepted.length + 1);
  assert.ok(bob.got.has('after'));
});

test('a relay shed on node A is answered to the sender as undeliverable and counted in /metrics', async (t) => {
  const cluster = {
    redisUrl: redis.url,
    metricsToken: TOKEN,
    cluster: { prefix: 'answer', relayBacklogBytes: 2048 },
    relayRateLimit: { perSecond: 10_000, burst: 10_000 },
    pairRelayRateLimit: { perSecond: 10_000, burst: 10_000 },
  };
  const a = await startTestServer(t, cluster);
  const b = await startTestServer(t, cluster);
  const bob = await b.join('bob');
  const alice = await a.join('alice');
  assert.deepEqual(alice.welcome.online, ['bob']);

  const sent = 500;
  for (let i = 0; i < sent; i++) alice.client.send({ type: 'signal', to: 'bob', data: sdp(i) });
  // Once node A has handled all of them, each was either published or shed.
  const { shed, relayed } = await handled(a.url, sent);
  assert.ok(shed > 0, 'nothing was shed');
  for (let i = 0; i < shed; i++) {
    const refusal = await until(alice.client, (frame) => frame.type === 'error');
    assert.ok(refusal.type === 'error' && refusal.code === ErrorCode.UnknownPeer, JSON.stringify(refusal));
  }
  for (let i = 0; i < relayed; i++) await until(bob.client, (frame) => frame.type === 'signal');
});

/** Scrapes node A until its shed and cross-node relays add up to `sent`. */
async function handled(url: string, sent: number): Promise<{ shed: number; relayed: number }> {
  for (let scrapes = 0; scrapes < 100; scrapes++) {
    const body = await (await scrape(url, `Bearer ${TOKEN}`)).text();
    const shed = sample(body, 'parley_relay_shed_total') ?? 0;
    const relayed = sample(body, 'parley_relayed_signals_total{route="cross-node"}') ?? 0;
    if (shed + relayed === sent) return { shed, relayed };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return assert.fail(`node A did not handle ${sent} signals in time`);
}

test('the relay window keeps at most maxInFlight publishes out, each at most one batch', async (t) => {
  const client = createClient({ url: redis.url });
  await client.connect();
  t.after(() => client.close());
  let out = 0;
  let peak = 0;
  const sizes: number[] = [];
  const window = new RelayWindow({
    publish: async (node, payload) => {
      peak = Math.max(peak, ++out);
      sizes.push(payload.length);
      await client.publish(`window:${node}`, payload).finally(() => out--);
    },
    maxBacklogBytes: 64 * 1024,
    maxInFlight: 2,
    maxBatchBytes: 1024,
  });
  let accepted = 0;
  for (let i = 0; i < 1000; i++) if (window.offer(i % 2 ? 'b' : 'c', 'bob', 'x'.repeat(100))) accepted++;
  assert.ok(accepted > 100 && accepted < 1000, `${accepted} accepted`);
  await drained(() => window.backlogBytes);
  assert.equal(peak, 2);
  assert.ok(Math.max(...sizes) <= 1024, `a batch of ${Math.max(...sizes)} bytes`);
  assert.ok(sizes.length >= (accepted * 105) / 1024, `${sizes.length} batches`);
});
