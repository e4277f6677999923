/**
 * Two Parley processes sharing one real Redis (and, as two processes on one machine may, one SQLite
 * file for accounts; PostgreSQL has its own suite): presence, relay, sessions, groups and limits
 * across nodes, a Redis restart, and a node killed with SIGKILL.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, test, type TestContext } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { CloseCode, type ServerFrame, type WelcomeFrame } from '../../shared/protocol.js';
import { TestClient } from './harness.js';
import { nodeProcesses, type NodeProcess } from './node-process.js';
import { startRedis, type RedisServer } from './redis-harness.js';
import { sdp } from './signal-data.js';

const nodes = nodeProcesses('cluster-test');
let redis: RedisServer;
let dataDir: string;
let a: NodeProcess;
let b: NodeProcess;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-cluster-'));
  redis = await startRedis();
  await nodes.prepare();
  const env = {
    REDIS_URL: redis.url,
    DATA_DIR: dataDir,
    PARLEY_SCRYPT_COST: '16',
    PARLEY_REGISTRATIONS_PER_HOUR: '1000000',
    PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '10000',
    LOG_LEVEL: 'warn',
  };
  // One after the other: the first applies the SQLite migrations.
  a = await nodes.start(env);
  b = await nodes.start(env);
});

after(async () => {
  await nodes.cleanup();
  await redis?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A client of `node`, closed after the test. */
async function connect(t: TestContext, node: NodeProcess): Promise<TestClient> {
  const client = await TestClient.connect(node.wsUrl);
  t.after(() => client.ws.terminate());
  return client;
}

async function joinOn(
  t: TestContext,
  node: NodeProcess,
  user: string,
): Promise<{ client: TestClient; welcome: WelcomeFrame }> {
  const client = await connect(t, node);
  client.register(user);
  return { client, welcome: await client.expect('welcome') };
}

/** Reads `client`'s frames until one passes `match`; fails after `timeoutMs`. */
async function until(
  client: TestClient,
  match: (frame: ServerFrame) => boolean,
  timeoutMs = 10_000,
): Promise<ServerFrame> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const frame = await Promise.race([
      client.next(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('no such frame in time')), deadline - performance.now()).unref(),
      ),
    ]);
    if (match(frame)) return frame;
  }
}

const online = (user: string) => (frame: ServerFrame) => frame.type === 'user-online' && frame.user === user;
const offline = (user: string) => (frame: ServerFrame) =>
  frame.type === 'user-offline' && frame.user === user;

/** Who a client believes is online, from its welcome and the deltas since. */
class View {
  readonly users: Set<string>;
  constructor(
    private readonly client: TestClient,
    welcome: WelcomeFrame,
  ) {
    this.users = new Set(welcome.online);
  }

  /** Applies deltas until the view equals `expected`; fails after `timeoutMs`. */
  async settlesOn(expected: string[], timeoutMs = 10_000): Promise<void> {
    const want = [...expected].sort().join(',');
    const same = (): boolean => [...this.users].sort().join(',') === want;
    if (same()) return;
    await until(
      this.client,
      (frame) => {
        if (frame.type === 'user-online') this.users.add(frame.user);
        if (frame.type === 'user-offline') this.users.delete(frame.user);
        return same();
      },
      timeoutMs,
    ).catch(() => assert.deepEqual([...this.users].sort(), [...expected].sort()));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

test('a login on node B appears on node A (50 rounds, p99 printed)', async (t) => {
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
    const others = fresh.welcome.online.filter((user) => !user.startsWith('mallory'));
    assert.deepEqual(others.sort(), ['heidi', 'ivan', 'judy', 'leo']);
    fresh.client.ws.close();
  }
  // Deltas flow again after the restart.
  leo.client.ws.close();
  await view.settlesOn(['ivan', 'judy']);
});

test('kill -9 of node B shows its users offline on A within 10 s', async (t) => {
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
