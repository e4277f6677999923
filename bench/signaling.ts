/**
 * Signaling server benchmark (`npm run bench:signaling`, after the build): starts dist/server/main.js
 * on 127.0.0.1, registers and logs in N users from worker processes, then measures
 *   presence_delta_ms   one more login until all N have its `user-online` (median of several rounds)
 *   relay_frames_per_s  small signals between random pairs, a fixed number in flight, for a fixed time
 *   rss_kb_per_conn     server RSS with N idle logged-in sockets, minus RSS at start, per socket
 * and prints a table, then one JSON object as the last line of stdout.
 *
 * Options: --users N (10000), --workers N (2), --relay-seconds S (5), --rounds N (5).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../shared/protocol.js';
import {
  BENCH_PASSWORD,
  BURST,
  wallClock,
  type WorkerCommand,
  type WorkerReply,
} from './signaling-client.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverEntry = join(root, 'dist', 'server', 'main.js');
/** Logins in flight per worker, and registration lanes per worker. */
const LOGIN_PARALLEL = 64;
const REGISTER_PARALLEL = 8;
/** Exchanges (bursts of BURST signals between a random pair) in flight per worker. */
const RELAY_EXCHANGES = 100;
/** `getconf CLK_TCK` on Linux. */
const CLOCK_TICKS_PER_S = 100;
/** The whole run must finish within this, or it fails rather than hang. */
const DEADLINE_MS = 20 * 60_000;

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '2' },
    'relay-seconds': { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
  },
});
const users = Number(values.users);
const workerCount = Number(values.workers);
const relaySeconds = Number(values['relay-seconds']);
const rounds = Number(values.rounds);
if (!(users >= 2 && users <= 18_000) || !(workerCount >= 1) || !(relaySeconds > 0) || !(rounds >= 1)) {
  throw new TypeError('expected --users 2..18000, --workers ≥ 1, --relay-seconds > 0, --rounds ≥ 1');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);

/** Resident memory of a process in KiB, from /proc. */
function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/** CPU time a process has used (user + system), in ms, from /proc. */
function cpuMs(pid: number): number {
  // Fields after the parenthesised command: state is 3rd, utime 14th and stime 15th overall.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_S;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One worker process and its replies, awaited by kind. */
class Worker {
  private readonly waiting = new Map<string, Array<(reply: WorkerReply) => void>>();
  private readonly child: ChildProcess;
  failure: Error | null = null;

  constructor(onFailure: (error: Error) => void) {
    this.child = fork(join(root, 'bench', 'signaling-client.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (reply: WorkerReply) => {
      if ('failed' in reply) return onFailure(new Error(`worker: ${reply.failed}`));
      this.waiting.get(reply.done)?.shift()?.(reply);
    });
    this.child.on('exit', (code) => {
      if (code !== 0) onFailure(new Error(`worker exited with ${code}`));
    });
  }

  /** Resolves the next reply of kind `done`; call before sending the command that causes it. */
  next<K extends Exclude<WorkerReply, { failed: string }>['done']>(done: K) {
    return new Promise<Extract<WorkerReply, { done: K }>>((resolve) => {
      const list = this.waiting.get(done) ?? [];
      list.push(resolve as (reply: WorkerReply) => void);
      this.waiting.set(done, list);
    });
  }

  send(command: WorkerCommand): void {
    this.child.send(command);
  }

  exited(): Promise<void> {
    return this.child.exitCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => this.child.once('exit', () => resolve()));
  }
}

/** A single client in this process: the user whose logins are timed. */
class Probe {
  private readonly frames: string[] = [];
  private readonly waiting: Array<(frame: string) => void> = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = String(data);
      const resolve = this.waiting.shift();
      if (resolve) resolve(frame);
      else this.frames.push(frame);
    });
  }

  static async open(url: string): Promise<Probe> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise((resolve, reject) => ws.once('open', resolve).on('error', reject));
    return new Probe(ws);
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Waits for a frame of `type`, skipping presence deltas. */
  async until(type: string): Promise<string> {
    for (;;) {
      const frame =
        this.frames.shift() ?? (await new Promise<string>((resolve) => this.waiting.push(resolve)));
      if (frame.startsWith(`{"type":"${type}"`)) return frame;
      if (!frame.startsWith('{"type":"user-'))
        throw new Error(`probe expected ${type}, got ${frame.slice(0, 200)}`);
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

async function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, serverEntry], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      PARLEY_SCRYPT_COST: '16',
      LOG_LEVEL: 'warn',
      // Logging everyone in announces each login to all others: N²/2 deltas, which the two client
      // workers read tens of seconds late on a busy 2-core machine. A 5 s heartbeat then (correctly)
      // drops them as unresponsive; the load generator is not what is measured, so it gets slack.
      PARLEY_HEARTBEAT_MS: '60000',
      // The simulated users claim their own addresses (bench/signaling-client.ts) through this proxy, so
      // login limits see many users; registering 10,000 of them in a minute is still far over the
      // per-address rate, which is lifted.
      TRUST_PROXY: '127.0.0.1',
      PARLEY_REGISTRATIONS_PER_HOUR: '1000000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const text of lines) {
        // The server prints only the listening line; anything else (e.g. --trace-gc) goes to stderr.
        if (text.startsWith('Parley listening on ')) resolve(text);
        else process.stderr.write(`[server] ${text}\n`);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
  // The server dying mid-run would otherwise surface only as a missing /proc entry.
  child.once('exit', (code, signal) => log(`server exited (code ${code}, signal ${signal})`));
  const match = /^Parley listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
  if (!match) throw new Error(`unexpected server output: ${line}`);
  return { child, url: `${match[1]!.replace('http:', 'ws:')}/ws` };
}

async function main(): Promise<void> {
  if (!existsSync(serverEntry)) throw new Error(`${serverEntry} is missing: run \`npm run build\` first`);
  const deadline = setTimeout(
    () => fail(new Error(`benchmark exceeded ${DEADLINE_MS / 60_000} minutes`)),
    DEADLINE_MS,
  );
  deadline.unref();

  const dataDir = await mkdtemp(join(tmpdir(), 'parley-bench-'));
  const server = await startServer(dataDir);
  const pid = server.child.pid!;
  let failed: ((error: Error) => void) | null = null;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  // A failure after the last guarded phase must not surface as an unhandled rejection.
  failure.catch(() => undefined);
  function fail(error: Error): void {
    failed?.(error);
  }
  /** Awaits `promise`, unless a worker fails first. */
  const guard = <T>(promise: Promise<T>) => Promise.race([promise, failure]);

  const workers = Array.from({ length: workerCount }, () => new Worker(fail));
  const names = Array.from({ length: users }, (_, i) => `b${String(i).padStart(5, '0')}`);
  const share = (i: number) => names.filter((_, index) => index % workerCount === i);
  try {
    await sleep(300);
    const rssStart = rssKb(pid);

    log(`registering ${users} users`);
    let started = performance.now();
    const probe = await Probe.open(server.url);
    probe.send({ type: 'register', version: PROTOCOL_VERSION, username: 'probe', password: BENCH_PASSWORD });
    await probe.until('welcome');
    probe.send({ type: 'logout' });
    await probe.until('logged-out');
    await guard(
      Promise.all(
        workers.map((worker, i) => {
          const done = worker.next('register');
          worker.send({ cmd: 'register', url: server.url, names: share(i), parallel: REGISTER_PARALLEL });
          return done;
        }),
      ),
    );
    const registerMs = performance.now() - started;

    // "Before": no connection open, the accounts registered (SQLite's cache and the registration's
    // garbage are not connections).
    const rssBefore = rssKb(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssKb(pid))), 250);

    log(
      `logging in ${users} users (each announced to everyone online: ${((users * users) / 2e6).toFixed(0)}M deltas)`,
    );
    started = performance.now();
    const cpuBeforeLogin = cpuMs(pid);
    const caughtUp = workers.map((worker) => worker.next('caught-up'));
    await guard(
      Promise.all(
        workers.map((worker, i) => {
          const done = worker.next('login');
          worker.send({
            cmd: 'login',
            url: server.url,
            names: share(i),
            parallel: LOGIN_PARALLEL,
            total: users,
          });
          return done;
        }),
      ),
    );
    const loginMs = performance.now() - started;
    const loginRetries = (await guard(Promise.all(caughtUp))).reduce(
      (sum, reply) => sum + ('loginRetries' in reply ? reply.loginRetries : 0),
      0,
    );
    const catchUpMs = performance.now() - started - loginMs;
    const loginCpuS = (cpuMs(pid) - cpuBeforeLogin) / 1000;
    clearInterval(sampler);
    // Everything is read; a moment for the server's last GC before sampling memory.
    await sleep(2000);
    const rssIdle = rssKb(pid);

    log(`timing presence deltas (${rounds} rounds)`);
    const onlineDeltas: number[] = [];
    const offlineDeltas: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const [kind, deltas] of [
        ['user-online', onlineDeltas],
        ['user-offline', offlineDeltas],
      ] as const) {
        await guard(
          Promise.all(
            workers.map(
              (worker) => (worker.send({ cmd: 'watch', user: 'probe', kind }), worker.next('armed')),
            ),
          ),
        );
        const seen = workers.map((worker) => worker.next('watch'));
        const sentAt = wallClock();
        if (kind === 'user-online') {
          probe.send({
            type: 'login',
            version: PROTOCOL_VERSION,
            username: 'probe',
            password: BENCH_PASSWORD,
          });
          await guard(probe.until('welcome'));
        } else {
          probe.send({ type: 'logout' });
          await guard(probe.until('logged-out'));
        }
        const last = Math.max(...(await guard(Promise.all(seen))).map((reply) => reply.at));
        deltas.push(last - sentAt);
        await sleep(200);
      }
    }

    log(`relaying signals for ${relaySeconds} s`);
    const cpuBeforeRelay = cpuMs(pid);
    const relays = await guard(
      Promise.all(
        workers.map((worker) => {
          const done = worker.next('relay');
          worker.send({
            cmd: 'relay',
            allNames: names,
            durationMs: relaySeconds * 1000,
            warmupMs: 1000,
            exchanges: RELAY_EXCHANGES,
          });
          return done;
        }),
      ),
    );
    const relayPerSecond = relays.reduce((sum, reply) => sum + reply.received / (reply.windowMs / 1000), 0);
    const relayErrors = relays.reduce((sum, reply) => sum + reply.errors, 0);
    const relayCpuUs =
      ((cpuMs(pid) - cpuBeforeRelay) * 1000) / relays.reduce((sum, r) => sum + r.receivedTotal, 0);
    const exchangeMs = relays.flatMap((reply) => reply.exchangeMs).sort((a, b) => a - b);
    const p99 = exchangeMs[Math.floor(exchangeMs.length * 0.99)] ?? NaN;

    const result = {
      users,
      presence_delta_ms: Math.round(median(onlineDeltas) * 10) / 10,
      relay_frames_per_s: Math.round(relayPerSecond),
      rss_kb_per_conn: Math.round(((rssIdle - rssBefore) / users) * 100) / 100,
    };
    const rows: Array<[string, string, string]> = [
      ['users online', String(users), ''],
      [
        'registration',
        `${Math.round(users / (registerMs / 1000))} /s`,
        `${(registerMs / 1000).toFixed(1)} s total`,
      ],
      [
        'login of all users',
        `${(loginMs / 1000).toFixed(1)} s`,
        `then ${(catchUpMs / 1000).toFixed(1)} s until every client had read all N²/2 presence deltas; server CPU ${loginCpuS.toFixed(1)} s; ${loginRetries} logins told "busy, retry"`,
      ],
      [
        'presence_delta_ms (median)',
        result.presence_delta_ms.toFixed(1),
        `target < 300; rounds: ${onlineDeltas.map((d) => d.toFixed(0)).join(', ')}`,
      ],
      ['user-offline delta ms (median)', median(offlineDeltas).toFixed(1), ''],
      [
        'relay_frames_per_s',
        String(result.relay_frames_per_s),
        `target ≥ 30000; ${relayErrors} error replies; server CPU ${relayCpuUs.toFixed(1)} µs per signal`,
      ],
      [
        'relay exchange round trip ms',
        median(exchangeMs).toFixed(1),
        `median, p99 ${p99.toFixed(1)}; ${RELAY_EXCHANGES * workerCount} exchanges of ${BURST}+${BURST} signals in flight`,
      ],
      [
        'rss_kb_per_conn',
        result.rss_kb_per_conn.toFixed(2),
        `target ≤ 10; RSS at start ${rssStart}, before logins ${rssBefore}, idle ${rssIdle} KiB (peak ${rssPeak})`,
      ],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    console.log(`\nParley signaling benchmark (server pid ${pid}, ${workerCount} client workers)`);
    for (const [name, value, note] of rows)
      console.log(`  ${name.padEnd(width)}  ${value.padStart(10)}  ${note}`);
    console.log(JSON.stringify(result));

    probe.close();
  } finally {
    for (const worker of workers) worker.send({ cmd: 'close' });
    await Promise.race([Promise.all(workers.map((worker) => worker.exited())), sleep(5000)]);
    server.child.kill('SIGTERM');
    await new Promise((resolve) =>
      server.child.exitCode !== null ? resolve(null) : server.child.once('exit', resolve),
    );
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
