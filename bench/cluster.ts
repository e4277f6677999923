/**
 * Cluster benchmark (`npm run bench:cluster`, after the build): the same run on one node and on two
 * nodes sharing one Redis (accounts in one SQLite file both processes open), users split between
 * the nodes, every client in this process:
 *   cross_node_presence_delta_ms    one more login on node B until every user on node A has its
 *                                   `user-online` (median of --rounds)
 *   cross_node_relay_frames_per_s   signals from users on A to users on B, received per second: the
 *                                   most any step delivered. The relay offers FIXED rates in steps
 *                                   (--rates, frames/s, each for --relay-seconds) and reports each
 *                                   step's delivered/offered, so an overload shows as a ratio (and
 *                                   as shed signals answered to the senders), never as a hang
 *   dead_node_offline_s             node B killed with SIGKILL until a user on A was told the last of
 *                                   B's users offline (null on one node: there is no survivor to ask).
 *                                   That user runs in a thread of its own (lib/dead-node-watcher.ts):
 *                                   read here, its frames waited behind this process reading everyone
 *                                   else's. Beside it, until it was told the first of them
 *                                   (dead_node_first_offline_s), and until node A itself counts them
 *                                   gone (dead_node_known_on_a_s: its /metrics, every 100 ms)
 * On one node "A" and "B" are the same process. During the relay it also measures the frames
 * sent per second, and CPU per relayed frame of this (client) process, the servers and Redis: on a
 * shared 2-core machine the rate follows other people's load, CPU per frame much less, and a client
 * at a whole core shows the bound is the bench, not the servers. Prints a table, then one JSON
 * object (with the one-node figures, cluster/one-node ratios and the load average) as the last line.
 *
 * Options: --users N (2000; 10000 for the figure), --relay-seconds S (5), --rounds N (5),
 * --rates R,R… (10000,20000,30000), --deadline-minutes M (20: then it gives up, killing what it started).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { startRedis, type RedisServer } from '../test/signaling/redis-harness.js';
import {
  IGNORE,
  SIGNAL_PREFIX,
  User,
  allSee,
  joinAll,
  metric,
  relayCounts,
  serverEntry,
  startNode,
  stopNode,
  type Node,
} from './lib/cluster-nodes.js';
import { cpuSpent, descendantCpu } from './lib/process-cpu.js';

/** After the relay window, how long frames still in flight may take to arrive. */
const DRAIN_MS = 3000;

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '2000' },
    'relay-seconds': { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    rates: { type: 'string', default: '10000,20000,30000' },
    'deadline-minutes': { type: 'string', default: '20' },
  },
});
const users = Number(values.users);
const relaySeconds = Number(values['relay-seconds']);
const rounds = Number(values.rounds);
const rates = values.rates.split(',').map(Number);
if (!(users >= 4 && users <= 20_000) || !(relaySeconds > 0) || !(rounds >= 1)) {
  throw new TypeError('expected --users 4..20000, --relay-seconds > 0, --rounds ≥ 1');
}
if (!rates.every((rate) => rate >= 50 && rate <= 200_000)) {
  throw new TypeError('expected --rates as frames/s between 50 and 200000, comma-separated');
}
const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One step of the relay: a fixed rate offered for --relay-seconds, then DRAIN_MS for late frames. */
interface RelayStep {
  offered_per_s: number;
  /** What the senders managed to send per second (below `offered_per_s`: the bench fell behind). */
  sent_per_s: number;
  /** Frames received (window and drain) per second of the window. */
  delivered_per_s: number;
  /** Frames received over frames sent: 1 when nothing was lost. */
  delivered_over_offered: number;
  /** Refusals the senders got back: signals node A shed (or rate limits). */
  errors: number;
  /**
   * Where the frames went, counted by the nodes' /metrics: sent by the bench, relayed by A, shed by A
   * (answered to the sender), received by B from Redis (0 on one node), received by the bench.
   */
  path: { sent: number; relayed_by_a: number; shed_by_a: number; received_by_b: number; received: number };
  /** CPU µs per frame received: this (client) process, the server process(es), Redis. */
  cpu_us_per_frame: { client: number; servers: number; redis: number };
  /** CPU each used in the step, as a share of one core (1 = a whole core busy). */
  cores: { client: number; servers: number; redis: number };
  load_average: number[];
}

interface Figures {
  cross_node_presence_delta_ms: number;
  /** The most frames per second any step delivered. */
  cross_node_relay_frames_per_s: number;
  /** Until a user on A was told the last of B's users offline. */
  dead_node_offline_s: number | null;
  /** Until it was told the first of them. */
  dead_node_first_offline_s: number | null;
  /** Until node A's cluster count of users online no longer counts B's (A knows; its users are told next). */
  dead_node_known_on_a_s: number | null;
  relay_steps: RelayStep[];
  /** The 1-minute load average when each figure was taken (the machine is shared). */
  presence_load_average: number;
  dead_node_load_average: number | null;
}

/** The user of lib/dead-node-watcher.ts, in its thread. */
class DeadNodeWatcher {
  private constructor(private readonly worker: Worker) {}

  /** Starts the thread, and resolves once its user is online on `url`. */
  static async join(url: string, name: string, gone: string[]): Promise<DeadNodeWatcher> {
    // The thread registers tsx itself, then loads the TypeScript entry: given this process's
    // `--import tsx` (a worker inherits it by default), it hung before running anything.
    const entry = new URL('./lib/dead-node-watcher.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(boot, { eval: true, execArgv: [], workerData: { url, name, gone } });
    worker.on('error', (error) => log(`watcher failed: ${String(error)}`));
    await waitFor(worker, 'ready');
    return new DeadNodeWatcher(worker);
  }

  /**
   * Starts timing; resolves once the thread listens, to `first` and `seen`: the ms until it was told
   * the first and the last of `gone` offline. (Wrapped: a promise resolved with a promise would wait
   * for that one too.)
   */
  async start(): Promise<{ first: Promise<number>; seen: Promise<number> }> {
    const started = waitFor(this.worker, 'started');
    const first = waitFor(this.worker, 'first').then((reply) => reply.ms!);
    const seen = waitFor(this.worker, 'seen').then(async (reply) => {
      await this.worker.terminate();
      return reply.ms!;
    });
    this.worker.postMessage('start');
    await started;
    return { first, seen };
  }
}

function waitFor(worker: Worker, type: string): Promise<{ type: string; ms?: number }> {
  return new Promise((resolve) => {
    const listen = (reply: { type: string; ms?: number }) => {
      if (reply.type !== type) return;
      worker.off('message', listen);
      resolve(reply);
    };
    worker.on('message', listen);
  });
}

/**
 * Polls node A's count of users online in the cluster every 100 ms until it is down to `onA` (B's
 * users gone); resolves the ms since `killedAt`. Bounded by the run's deadline.
 */
async function knownGone(a: Node, onA: number, killedAt: number): Promise<number> {
  for (;;) {
    // A request can fail while A is busy telling its users (a reused connection reset): asked again.
    const count = await metric(a, 'parley_cluster_users_online').catch(() => Infinity);
    if (count <= onA) return performance.now() - killedAt;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const loadAverage = () => loadavg().map((load) => Math.round(load * 100) / 100);

/**
 * Offers `rate` signals a second from the users on A to those on B for --relay-seconds: frame n goes
 * from sender n mod |A| to a recipient that sender has not sent to for |B| frames, so no pair limit is
 * reached. The schedule is by the clock, so a late timer catches up and the count offered is exact.
 */
async function relayStep(a: Node, b: Node, onA: User[], onB: User[], frames: Buffer[], rate: number) {
  let received = 0;
  let errors = 0;
  const countSignal = (data: Buffer): void => {
    if (data.subarray(0, 16).equals(SIGNAL_PREFIX)) received++;
  };
  for (const user of onB) user.onMessage = countSignal;
  for (const user of onA) user.onMessage = () => void errors++;
  // Read before the first send, so every frame sent is in both counts.
  const before = await relayCounts(a, b);
  const total = Math.round(rate * relaySeconds);
  let sent = 0;
  const cpuBefore = descendantCpu();
  const clientBefore = process.cpuUsage();
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      for (; sent < due; sent++) {
        const sender = sent % onA.length;
        const round = Math.floor(sent / onA.length);
        onA[sender]!.ws.send(frames[(sender + round) % frames.length]!, { binary: false });
      }
      if (sent === total) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  const seconds = (performance.now() - start) / 1000;
  await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
  const clientCpu = process.cpuUsage(clientBefore);
  const spent = cpuSpent(cpuBefore, descendantCpu());
  const cpuSeconds = (performance.now() - start) / 1000;
  const after = await relayCounts(a, b);
  const cpuMs = {
    client: (clientCpu.user + clientCpu.system) / 1000,
    servers: spent.get('server') ?? 0,
    redis: spent.get('redis-server') ?? 0,
  };
  const perFrame = (ms: number) => Math.round((ms * 1000) / Math.max(1, received));
  const cores = (ms: number) => Math.round(ms / 10 / cpuSeconds) / 100;
  return {
    offered_per_s: rate,
    sent_per_s: Math.round(sent / seconds),
    delivered_per_s: Math.round(received / relaySeconds),
    delivered_over_offered: Math.round((received / total) * 1000) / 1000,
    errors,
    path: {
      sent,
      relayed_by_a: after.relayedByA - before.relayedByA,
      shed_by_a: after.shedByA - before.shedByA,
      received_by_b: after.receivedByB - before.receivedByB,
      received,
    },
    cpu_us_per_frame: {
      client: perFrame(cpuMs.client),
      servers: perFrame(cpuMs.servers),
      redis: perFrame(cpuMs.redis),
    },
    cores: { client: cores(cpuMs.client), servers: cores(cpuMs.servers), redis: cores(cpuMs.redis) },
    load_average: loadAverage(),
  } satisfies RelayStep;
}

async function measure(label: string, a: Node, b: Node, clustered: boolean): Promise<Figures> {
  const half = Math.floor(users / 2);
  log(`${label}: ${users} users joining`);
  const onA = await joinAll(
    a.url,
    Array.from({ length: half }, (_, i) => `${label}-a${i}`),
  );
  const onB = await joinAll(
    b.url,
    Array.from({ length: users - half }, (_, i) => `${label}-b${i}`),
  );

  const deltas: number[] = [];
  const late: Array<Promise<User>> = [];
  for (let round = 0; round < rounds; round++) {
    const name = `${label}-late${round}`;
    deltas.push(
      await allSee(
        onA,
        (frame) => frame.type === 'user-online' && frame.user === name,
        () => late.push(User.join(b.url, name)),
      ),
    );
  }
  const presenceLoad = loadAverage()[0]!;
  log(`${label}: presence delta median ${median(deltas).toFixed(0)} ms (load ${presenceLoad})`);

  // The receivers count by prefix and the frames to send are encoded once: the bench's own process
  // drives every user, and parsing or encoding tens of thousands of frames a second would make it the
  // bottleneck.
  const data = { kind: 'sdp', cid: '0123456789abcdef', signal: { type: 'offer', sdp: 'v=0' } };
  const frames = onB.map((_, j) =>
    Buffer.from(JSON.stringify({ type: 'signal', to: `${label}-b${j}`, data })),
  );
  const steps: RelayStep[] = [];
  for (const rate of rates) {
    const step = await relayStep(a, b, onA, onB, frames, rate);
    steps.push(step);
    log(
      `${label}: offered ${rate}/s, delivered ${step.delivered_per_s}/s (${step.delivered_over_offered}), ` +
        `sent ${step.sent_per_s}/s, ${step.errors} errors; CPU cores client ${step.cores.client}, ` +
        `servers ${step.cores.servers}, redis ${step.cores.redis}; path ${JSON.stringify(step.path)}; ` +
        `load ${step.load_average.join(' ')}`,
    );
  }
  for (const user of [...onA, ...onB]) user.onMessage = IGNORE;

  let dead: number | null = null;
  let firstDead: number | null = null;
  let known: number | null = null;
  if (clustered) {
    // Everyone on B: those who joined there, and the late logins of the presence rounds.
    const gone = [
      ...onB.map((_, i) => `${label}-b${i}`),
      ...Array.from({ length: rounds }, (_, round) => `${label}-late${round}`),
    ];
    const watcher = await DeadNodeWatcher.join(a.url, `${label}-watcher`, gone);
    const { first, seen } = await watcher.start();
    const killedAt = performance.now();
    b.child.kill('SIGKILL');
    // Counted with the watcher: A's users are onA and the watcher.
    known = (await knownGone(a, onA.length + 1, killedAt)) / 1000;
    dead = (await seen) / 1000;
    firstDead = (await first) / 1000;
    log(
      `${label}: node B's ${gone.length} users offline on A after ${dead.toFixed(1)} s ` +
        `(the first after ${firstDead.toFixed(1)} s; A knew after ${known.toFixed(1)} s)`,
    );
  }
  for (const user of [...onA, ...onB, ...(await Promise.all(late))]) user.ws.terminate();
  return {
    cross_node_presence_delta_ms: Math.round(median(deltas)),
    cross_node_relay_frames_per_s: Math.max(...steps.map((step) => step.delivered_per_s)),
    dead_node_offline_s: dead === null ? null : Math.round(dead * 10) / 10,
    dead_node_first_offline_s: firstDead === null ? null : Math.round(firstDead * 10) / 10,
    dead_node_known_on_a_s: known === null ? null : Math.round(known * 10) / 10,
    relay_steps: steps,
    presence_load_average: presenceLoad,
    dead_node_load_average: dead === null ? null : loadAverage()[0]!,
  };
}

if (!existsSync(serverEntry)) throw new Error(`${serverEntry} is missing: run \`npm run build\` first`);
const dir = await mkdtemp(join(tmpdir(), 'parley-bench-cluster-'));
const running: ChildProcess[] = [];
let redis: RedisServer | undefined;
const deadline = setTimeout(
  () => {
    log('deadline passed; giving up');
    for (const child of running) child.kill('SIGKILL');
    void (redis?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  },
  Number(values['deadline-minutes']) * 60_000,
);
try {
  const env = {
    PARLEY_REGISTRATIONS_PER_HOUR: '1000000',
    PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '100000',
    // All 10,000 clients live in this one process, which their join's ~50 million presence deltas
    // can starve for longer than two 5 s pings on a busy 2-core machine: the servers then dropped
    // them as dead, and the run hung waiting for users who were gone. Liveness is not measured
    // here by pings (a dead node is found by its Redis key), so they are made rare.
    PARLEY_HEARTBEAT_MS: '600000',
  };
  const single = await startNode({ ...env, DATA_DIR: join(dir, 'single') });
  running.push(single.child);
  const one = await measure('one', single, single, false);
  await stopNode(single);

  redis = await startRedis();
  const clusterEnv = { ...env, DATA_DIR: join(dir, 'cluster'), REDIS_URL: redis.url };
  const a = await startNode(clusterEnv);
  const b = await startNode(clusterEnv);
  running.push(a.child, b.child);
  const two = await measure('two', a, b, true);

  const rows: Array<[string, (f: Figures) => unknown]> = [
    ['presence delta, median ms', (f) => f.cross_node_presence_delta_ms],
    ['  load average', (f) => f.presence_load_average],
    ['relayed frames/s (best)', (f) => f.cross_node_relay_frames_per_s],
    ...rates.flatMap((rate, i): Array<[string, (f: Figures) => unknown]> => [
      [`  offered ${rate}/s: delivered`, (f) => f.relay_steps[i]!.delivered_per_s],
      ['    delivered/offered', (f) => f.relay_steps[i]!.delivered_over_offered],
      ['    shed by A', (f) => f.relay_steps[i]!.path.shed_by_a],
      ['    CPU µs/frame servers', (f) => f.relay_steps[i]!.cpu_us_per_frame.servers],
      ['    load average', (f) => f.relay_steps[i]!.load_average[0]],
    ]),
    ['dead node offline (all), s', (f) => f.dead_node_offline_s],
    ['  the first of them, s', (f) => f.dead_node_first_offline_s],
    ['  known to node A, s', (f) => f.dead_node_known_on_a_s],
    ['  load average', (f) => f.dead_node_load_average],
  ];
  process.stdout.write(`\n${users} users                    one node   two nodes + Redis\n`);
  for (const [name, pick] of rows) {
    process.stdout.write(
      `${name.padEnd(36)} ${String(pick(one)).padStart(8)}   ${String(pick(two)).padStart(8)}\n`,
    );
  }
  const ratio = (x: number, y: number) => Math.round((x / y) * 100) / 100;
  const summary = {
    users,
    ...two,
    single_node: one,
    // The cost of the cluster, as ratios to the same run's one node (the machine's load moves both).
    cluster_over_single: {
      presence_delta: ratio(two.cross_node_presence_delta_ms, one.cross_node_presence_delta_ms),
      relay_frames_per_s: ratio(two.cross_node_relay_frames_per_s, one.cross_node_relay_frames_per_s),
    },
    load_average: loadAverage(),
    cores: availableParallelism(),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  clearTimeout(deadline);
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
}
