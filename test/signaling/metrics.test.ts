import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { ErrorCode } from '../../shared/errors.js';
import { timedStore } from '../../signaling/metrics/timed-store.js';
import { openSqliteAccountStore } from '../../signaling/store/sqlite-account-store.js';
import { startTestServer } from './harness.js';
import { sample, scrape } from './metrics-scrape.js';
import { sdp } from './signal-data.js';

const TOKEN = 'metrics-token-0123456789';

test('/metrics is not there unless a token is configured', async (t) => {
  const server = await startTestServer(t);
  const reply = await scrape(server.url, `Bearer ${TOKEN}`);
  assert.equal(reply.status, 404);
});

test('/metrics refuses a request without the token, with another token, or another scheme', async (t) => {
  const server = await startTestServer(t, { metricsToken: TOKEN });
  for (const authorization of [
    undefined,
    'Bearer wrong-token-0123456789',
    // Another length: compared as hashes, so this is a plain refusal, not an error.
    'Bearer x',
    `Bearer ${TOKEN}x`,
    `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`,
    TOKEN,
  ]) {
    const reply = await scrape(server.url, authorization);
    assert.equal(reply.status, 401, String(authorization));
    assert.equal(reply.headers.get('www-authenticate'), 'Bearer realm="metrics"');
    assert.doesNotMatch(await reply.text(), /parley_/);
  }
});

test('/metrics counts logins, failures, relays, errors and store calls, and names no user', async (t) => {
  const server = await startTestServer(t, { metricsToken: TOKEN });
  const before = await (await scrape(server.url, `Bearer ${TOKEN}`)).text();
  assert.equal(sample(before, 'parley_users_online'), 0);
  assert.equal(sample(before, 'parley_logins_total{via="register"}'), undefined);

  const alice = await server.join('alice');
  const bob = await server.join('bob');
  await alice.client.expect('user-online');
  bob.client.send({ type: 'signal', to: 'alice', data: sdp('v=0\r\n') });
  await alice.client.expect('signal');
  const mallory = await server.connect();
  mallory.login('alice', 'not the password');
  await mallory.expectError(ErrorCode.BadCredentials);

  const reply = await scrape(server.url, `bearer  ${TOKEN}`);
  assert.equal(reply.status, 200);
  assert.match(reply.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  assert.equal(reply.headers.get('cache-control'), 'no-store');
  const body = await reply.text();
  assert.equal(sample(body, 'parley_users_online'), 2);
  assert.equal(sample(body, 'parley_logins_total{via="register"}'), 2);
  assert.equal(sample(body, 'parley_login_failures_total{via="login",code="ERR_BAD_CREDENTIALS"}'), 1);
  assert.equal(sample(body, 'parley_errors_total{code="ERR_BAD_CREDENTIALS"}'), 1);
  assert.equal(sample(body, 'parley_cluster_users_online'), 2);
  assert.equal(sample(body, 'parley_relayed_signals_total{route="local"}'), 1);
  assert.equal(sample(body, 'parley_relayed_signals_total{route="cross-node"}'), 0);
  assert.ok(sample(body, 'parley_store_seconds_count{operation="findAccount"}')! >= 3);
  assert.equal(sample(body, 'parley_store_seconds_count{operation="createAccount"}'), 2);
  assert.ok(sample(body, 'parley_event_loop_lag_seconds{stat="max"}')! >= 0);
  assert.doesNotMatch(body, /alice|bob/i);
});

/** A histogram of store calls by operation, in a registry of its own. */
function storeSeconds(): Histogram<'operation'> {
  return new Histogram({
    name: 'store_seconds',
    help: 'test',
    labelNames: ['operation'],
    registers: [new Registry()],
  });
}

test('a store call is timed whether it resolves or rejects, and its outcome passes through', async (t) => {
  const store = openSqliteAccountStore(':memory:');
  t.after(() => store.close());
  const seconds = storeSeconds();
  const timed = timedStore(store, seconds);
  assert.equal(await timed.findAccount('nobody'), null);
  const group = { id: 'g1', name: 'G', creatorKey: 'ghost', createdAt: 1, memberKeys: ['ghost'] };
  await assert.rejects(timed.createGroup(group));
  const counts = (await seconds.get()).values.filter((value) => value.metricName === 'store_seconds_count');
  assert.deepEqual(
    counts.map((value) => [value.labels.operation, value.value]),
    [
      ['findAccount', 1],
      ['createGroup', 1],
    ],
  );
});

test('the timed store answers every query the store has (a missing one crashed password changes)', (t) => {
  const store = openSqliteAccountStore(':memory:');
  t.after(() => store.close());
  const seconds = storeSeconds();
  const timed = timedStore(store, seconds) as unknown as Record<string, unknown>;
  const queries = new Set<string>();
  for (
    let proto: object | null = store;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = (store as unknown as Record<string, unknown>)[name];
      if (name !== 'constructor' && !name.startsWith('#') && typeof value === 'function') queries.add(name);
    }
  }
  assert.ok(queries.has('deleteSessionsOf'));
  for (const name of queries) assert.equal(typeof timed[name], 'function', `timed store lacks ${name}`);
});
