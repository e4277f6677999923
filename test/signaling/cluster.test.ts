/**
 * Two Parley processes sharing one real Redis (and, as two processes on one machine may, one SQLite
 * file for accounts; PostgreSQL has its own suite): presence, relay, sessions, groups and limits
 * across nodes, a Redis restart, and a node killed with SIGKILL.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { CloseCode, type ServerFrame } from '../../shared/protocol.js';
import { connect, joinOn, offline, online, testCluster, until, View } from './cluster-harness.js';
import type { NodeProcess } from './node-process.js';
import { sdp } from './signal-data.js';

const cluster = testCluster('cluster-test');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

test('a login on node B appears on node A (50 rounds, p99 printed)', async (t) => {
  const { a, b } = cluster;
  const watcher = await joinOn(t, a, 'watcher');
  const delays: number[] = [];
  for (let round = 0; round < 50; round++) {
    const client = await connect(t, b);
    const started = performance.now();
    client.register(`late${round}`);
    await until(watcher.client, online(`late${round}`));
    delays.push(performance.now() - started);
    await client.expect('welcome');
  }
  delays.sort((x, y) => x - y);
  t.diagnostic(
    `login on B → user-online on A: p50 ${percentile(delays, 50).toFixed(1)} ms, ` +
      `p99 ${percentile(delays, 99).toFixed(1)} ms over 50 rounds (register + scrypt included)`,
  );
});

test('offers, answers and ICE cross nodes in order', async (t) => {
  const { a, b } = cluster;
  const bob = await joinOn(t, b, 'bob');
  const alice = await joinOn(t, a, 'alice');
  assert.ok(alice.welcome.online.includes('bob'));
  for (let i = 0; i < 50; i++) alice.client.send({ type: 'signal', to: 'bob', data: sdp(i) });
  for (let i = 0; i < 50; i++) {
    const frame = await until(bob.client, (frame) => frame.type === 'signal');
    assert.deepEqual(frame, { type: 'signal', from: 'alice', data: sdp(i) });
  }
  bob.client.send({ type: 'signal', to: 'alice', data: sdp('answer') });
  assert.deepEqual(await alice.client.expect('signal'), { type: 'signal', from: 'bob', data: sdp('answer') });
});

test('logging in again on node A closes the session on node B', async (t) => {
  const { a, b } = cluster;
  const first = await joinOn(t, b, 'carol');
  const dave = await joinOn(t, a, 'dave');
  assert.ok(dave.welcome.online.includes('carol'));
  const second = await connect(t, a);
  second.login('carol');
  await second.expect('welcome');
  await until(first.client, (frame) => frame.type === 'error' && frame.code === ErrorCode.SessionReplaced);
  assert.equal((await first.client.closed).code, CloseCode.SessionReplaced);
  // Peers see carol go and come back, so they reconnect to the new session.
  await until(dave.client, offline('carol'));
  await until(dave.client, online('carol'));
  second.send({ type: 'signal', to: 'dave', data: sdp('still here') });
  assert.deepEqual(await until(dave.client, (frame) => frame.type === 'signal'), {
    type: 'signal',
    from: 'carol',
    data: sdp('still here'),
  });
});

test('group invitations and changes reach members on the other node', async (t) => {
  const { a, b } = cluster;
  const erin = await joinOn(t, a, 'erin');
  const frank = await joinOn(t, b, 'frank');
  erin.client.send({ type: 'group-create', name: 'Across', members: ['frank'] });
  const created = await until(erin.client, (frame) => frame.type === 'group-update');
  assert.equal(created.type, 'group-update');
  const invite = await until(frank.client, (frame) => frame.type === 'group-invite');
  assert.deepEqual(invite, {
    type: 'group-invite',
    group: created.group.id,
    name: 'Across',
    inviter: 'erin',
  });
  frank.client.send({ type: 'group-accept', group: created.group.id });
  const joined = await until(
    erin.client,
    (frame) => frame.type === 'group-update' && frame.group.members.length === 2,
  );
  assert.equal(joined.type === 'group-update' && joined.group.members[1]?.user, 'frank');
});

test('failed logins alternating between nodes hit the same limit', async (t) => {
  const { a, b } = cluster;
  const { client } = await joinOn(t, a, 'grace');
  client.ws.close();
  const attempt = async (node: NodeProcess): Promise<Extract<ServerFrame, { type: 'error' }>> => {
    const client = await connect(t, node);
    client.login('grace', 'wrong password');
    return client.expect('error');
  };
  // Three failures cost nothing; the fourth blocks grace from this address for a second, cluster-wide.
  for (const node of [a, b, a, b]) assert.equal((await attempt(node)).code, ErrorCode.BadCredentials);
  assert.equal((await attempt(a)).code, ErrorCode.TooManyAttempts);
});

test('restarting Redis leaves presence correct: nobody missing, no ghosts', async (t) => {
  const { a, b, redis } = cluster;
  const watcher = await joinOn(t, a, 'heidi');
  const view = new View(watcher.client, watcher.welcome);
  await joinOn(t, a, 'ivan');
  await joinOn(t, b, 'judy');
  const karl = await joinOn(t, b, 'karl');
  await view.settlesOn(['ivan', 'judy', 'karl']);

  await redis.kill();
  karl.client.ws.terminate();
  // A node without Redis still serves: a registration on B goes through the insurance limiter.
  const leo = await joinOn(t, b, 'leo');
  await redis.start();

  await view.settlesOn(['ivan', 'judy', 'leo']);
  for (const node of [a, b]) {
    const fresh = await joinOn(t, node, `mallory${node === a ? 'a' : 'b'}`);
    // The other node writes its users back to the empty Redis on its own schedule: a welcome taken
    // just before that lacks them and gets them as deltas. What counts is what the newcomer ends
    // up seeing: nobody missing, no ghosts (a welcome-only check failed on a loaded machine).
    await new View(fresh.client, fresh.welcome).settlesOn(['heidi', 'ivan', 'judy', 'leo']);
    fresh.client.ws.close();
  }
  // Deltas flow again after the restart.
  leo.client.ws.close();
  await view.settlesOn(['ivan', 'judy']);
});

test('two nodes logging in the same account at the same instant: one session survives', async (t) => {
  const { a, b } = cluster;
  const watchA = await joinOn(t, a, 'peggy');
  const watchB = await joinOn(t, b, 'quinn');
  const viewA = new View(watchA.client, watchA.welcome);
  const viewB = new View(watchB.client, watchB.welcome);
  await viewA.settlesOn(['quinn']);
  await viewB.settlesOn(['peggy']);
  (await joinOn(t, a, 'rupert')).client.ws.close();
  await viewA.settlesOn(['quinn']);
  await viewB.settlesOn(['peggy']);

  const winners: string[] = [];
  for (let round = 0; round < 6; round++) {
    const contenders = [
      { node: 'A', client: await connect(t, a) },
      { node: 'B', client: await connect(t, b) },
    ];
    // Both frames leave in the same turn: each node writes its session before hearing the other's.
    for (const { client } of contenders) client.login('rupert');
    const loser = await Promise.race(
      contenders.map(async (contender) => ({ ...contender, closed: await contender.client.closed })),
    );
    assert.equal(loser.closed.code, CloseCode.SessionReplaced, `round ${round}: ${loser.closed.reason}`);
    assert.ok(
      loser.client.pending.some(
        (frame) => frame.type === 'error' && frame.code === ErrorCode.SessionReplaced,
      ),
    );
    const survivor = contenders.find(
      (contender) => contender !== contenders.find((c) => c.client === loser.client),
    )!;
    winners.push(survivor.node);
    await until(survivor.client, (frame) => frame.type === 'welcome');

    // Both nodes route to the survivor, and both end showing rupert online once.
    await viewA.settlesOn(['quinn', 'rupert']);
    await viewB.settlesOn(['peggy', 'rupert']);
    for (const [view, name] of [
      [viewA, 'peggy'],
      [viewB, 'quinn'],
    ] as const) {
      survivor.client.send({ type: 'signal', to: name, data: sdp(round) });
      assert.deepEqual(await view.until((frame) => frame.type === 'signal'), {
        type: 'signal',
        from: 'rupert',
        data: sdp(round),
      });
    }
    assert.equal(survivor.client.ws.readyState, survivor.client.ws.OPEN);
    // No late offline from the losing session reached the watchers meanwhile.
    assert.deepEqual([...viewA.users].sort(), ['quinn', 'rupert']);
    assert.deepEqual([...viewB.users].sort(), ['peggy', 'rupert']);
    for (const node of [a, b]) {
      const fresh = await joinOn(t, node, `sybil${round}${node === a ? 'a' : 'b'}`);
      assert.equal(fresh.welcome.online.filter((user) => user === 'rupert').length, 1);
      fresh.client.ws.close();
    }
    survivor.client.ws.close();
    await viewA.settlesOn(['quinn']);
    await viewB.settlesOn(['peggy']);
  }
  t.diagnostic(`surviving session per round: ${winners.join(' ')}`);
});

test('kill -9 of node B shows its users offline on A within 10 s', async (t) => {
  const { a, b } = cluster;
  const watcher = await joinOn(t, a, 'niaj');
  await joinOn(t, b, 'olivia');
  await until(watcher.client, online('olivia'));
  const started = performance.now();
  await b.kill('SIGKILL');
  await until(watcher.client, offline('olivia'), 10_000);
  const seconds = (performance.now() - started) / 1000;
  t.diagnostic(`olivia offline on A ${seconds.toFixed(1)} s after node B was killed`);
  assert.ok(seconds < 10);
});
