/**
 * A test cluster: two Parley processes (node-process.ts) sharing one real Redis and, as two
 * processes on one machine may, one SQLite file; and its clients: joining, waiting for a frame among
 * others, following who a client believes is online.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, type TestContext } from 'node:test';
import type { ServerFrame, WelcomeFrame } from '../../shared/protocol.js';
import { TestClient } from './harness.js';
import { nodeProcesses, type NodeProcess } from './node-process.js';
import { startRedis, type RedisServer } from './redis-harness.js';

export interface TestCluster {
  readonly a: NodeProcess;
  readonly b: NodeProcess;
  readonly redis: RedisServer;
}

/**
 * Starts the cluster before the file's tests (with `env` added to each node's environment) and
 * removes it after them. Its fields are set once `before` has run.
 */
export function testCluster(name: string, env: Record<string, string> = {}): TestCluster {
  const nodes = nodeProcesses(name);
  const cluster = {} as { a: NodeProcess; b: NodeProcess; redis: RedisServer };
  let dataDir: string | undefined;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), `parley-${name}-`));
    cluster.redis = await startRedis();
    await nodes.prepare();
    const nodeEnv = {
      REDIS_URL: cluster.redis.url,
      DATA_DIR: dataDir,
      PARLEY_SCRYPT_COST: '16',
      PARLEY_REGISTRATIONS_PER_HOUR: '1000000',
      PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '10000',
      LOG_LEVEL: 'warn',
      ...env,
    };
    // One after the other: the first applies the SQLite migrations.
    cluster.a = await nodes.start(nodeEnv);
    cluster.b = await nodes.start(nodeEnv);
  });
  after(async () => {
    await nodes.cleanup();
    await cluster.redis?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return cluster;
}

/** A client of `node`, closed after the test. */
export async function connect(t: TestContext, node: NodeProcess): Promise<TestClient> {
  const client = await TestClient.connect(node.wsUrl);
  t.after(() => client.ws.terminate());
  return client;
}

export async function joinOn(
  t: TestContext,
  node: NodeProcess,
  user: string,
): Promise<{ client: TestClient; welcome: WelcomeFrame }> {
  const client = await connect(t, node);
  client.register(user);
  return { client, welcome: await client.expect('welcome') };
}

/** Reads `client`'s frames until one passes `match`; fails after `timeoutMs`. */
export async function until(
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

export const online = (user: string) => (frame: ServerFrame) =>
  frame.type === 'user-online' && frame.user === user;
export const offline = (user: string) => (frame: ServerFrame) =>
  frame.type === 'user-offline' && frame.user === user;

/** Who a client believes is online, from its welcome and the deltas since. */
export class View {
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
    await this.until(same, timeoutMs).catch(() =>
      assert.deepEqual([...this.users].sort(), [...expected].sort()),
    );
  }

  /** Reads frames until one passes `match`, applying the presence deltas on the way. */
  until(match: (frame: ServerFrame) => boolean, timeoutMs = 10_000): Promise<ServerFrame> {
    return until(
      this.client,
      (frame) => {
        if (frame.type === 'user-online') this.users.add(frame.user);
        if (frame.type === 'user-offline') this.users.delete(frame.user);
        return match(frame);
      },
      timeoutMs,
    );
  }
}

/** The base URL of `node`'s HTTP server (`/metrics`, `/healthz`). */
export const httpUrl = (node: NodeProcess): string => node.wsUrl.replace(/^ws/, 'http').replace(/\/ws$/, '');
