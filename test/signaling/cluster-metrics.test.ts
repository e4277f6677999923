/**
 * `/metrics` of two real node processes sharing one real Redis: users online here and in the
 * cluster, relays by route, Redis latency, presence reloads by reason, and sweeps.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { createClient } from 'redis';
import { httpUrl, joinOn, offline, online, testCluster, until } from './cluster-harness.js';
import type { NodeProcess } from './node-process.js';
import { sample, samples, scrape } from './metrics-scrape.js';
import { sdp } from './signal-data.js';

const TOKEN = 'cluster-metrics-token-0123';
const cluster = testCluster('cluster-metrics', { METRICS_TOKEN: TOKEN });

async function metricsOf(node: NodeProcess): Promise<string> {
  const reply = await scrape(httpUrl(node), `Bearer ${TOKEN}`);
  assert.equal(reply.status, 200);
  return reply.text();
}

/** Scrapes `node` until `series` passes `ok`; fails with its last value after `timeoutMs`. */
async function eventually(
  node: NodeProcess,
  series: string,
  ok: (value: number | undefined) => boolean,
  timeoutMs = 10_000,
): Promise<number | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = sample(await metricsOf(node), series);
    if (ok(value)) return value;
    if (performance.now() > deadline) assert.fail(`${series} is ${value} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('users online here and cluster-wide, relays by route, Redis latency; no user named', async (t) => {
  const { a, b } = cluster;
  const alice = await joinOn(t, a, 'alice');
  const carol = await joinOn(t, a, 'carol');
  const bob = await joinOn(t, b, 'bob');
  await until(alice.client, online('bob'));
  assert.deepEqual([...bob.welcome.online].sort(), ['alice', 'carol']);

  alice.client.send({ type: 'signal', to: 'bob', data: sdp('across') });
  assert.equal((await until(bob.client, (frame) => frame.type === 'signal')).type, 'signal');
  alice.client.send({ type: 'signal', to: 'carol', data: sdp('here') });
  await until(carol.client, (frame) => frame.type === 'signal');

  const exactly = {
    onA: {
      parley_users_online: 2,
      parley_cluster_users_online: 3,
      'parley_relayed_signals_total{route="local"}': 1,
      'parley_relayed_signals_total{route="cross-node"}': 1,
      'parley_presence_reloads_total{reason="start"}': 1,
      'parley_redis_seconds_count{operation="online"}': 2,
    },
    onB: {
      parley_users_online: 1,
      parley_cluster_users_online: 3,
      parley_cluster_relay_received_total: 1,
      'parley_relayed_signals_total{route="cross-node"}': 0,
    },
  };
  const onA = await metricsOf(a);
  const onB = await metricsOf(b);
  assert.deepEqual(samples(onA, Object.keys(exactly.onA)), exactly.onA);
  assert.deepEqual(samples(onB, Object.keys(exactly.onB)), exactly.onB);
  // Moved at all: latency of what A did, and of its database.
  for (const series of [
    'parley_redis_seconds_sum{operation="online"}',
    'parley_redis_seconds_count{operation="relay"}',
    'parley_redis_seconds_count{operation="heartbeat"}',
    'parley_store_seconds_count{operation="createAccount"}',
  ]) {
    assert.ok(sample(onA, series)! > 0, series);
  }
  for (const body of [onA, onB]) assert.doesNotMatch(body, /alice|bob|carol/i);
});

test('a version gap and a Redis restart each reload presence, counted by reason', async (t) => {
  const { a, b, redis } = cluster;
  const watcher = await joinOn(t, a, 'dave');
  const gapsBefore = sample(await metricsOf(a), 'parley_presence_reloads_total{reason="gap"}')!;
  // A version nobody published: the next delta skips it, and node A must reload to catch up.
  const raw = createClient({ url: redis.url });
  await raw.connect();
  await raw.incr('parley:presence:version');
  await raw.close();
  await joinOn(t, b, 'erin');
  await until(watcher.client, online('erin'));
  assert.equal(sample(await metricsOf(a), 'parley_presence_reloads_total{reason="gap"}'), gapsBefore + 1);

  await redis.restart();
  await eventually(a, 'parley_presence_reloads_total{reason="reconnect"}', (value) => value! >= 1);
  await eventually(b, 'parley_presence_reloads_total{reason="reconnect"}', (value) => value! >= 1);
});

test('node A sweeps the users of node B after kill -9, and counts them', async (t) => {
  const { a, b } = cluster;
  const watcher = await joinOn(t, a, 'frank');
  await joinOn(t, b, 'grace');
  await until(watcher.client, online('grace'));
  await b.kill('SIGKILL');
  await until(watcher.client, offline('grace'));
  const body = await metricsOf(a);
  assert.ok(sample(body, 'parley_cluster_swept_users_total')! >= 1);
  assert.ok(sample(body, 'parley_cluster_sweeps_total')! >= 1);
});
