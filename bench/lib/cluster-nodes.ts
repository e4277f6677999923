/**
 * The processes and clients of bench/cluster.ts: Parley nodes started from the build with /metrics
 * on, the relay counters read from them, and bench users (register, join in parallel, wait for a
 * frame on every one of them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { Capability, PROTOCOL_VERSION, type ServerFrame } from '../../shared/protocol.js';
import { sample } from '../../test/signaling/metrics-scrape.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const serverEntry = join(root, 'dist', 'server', 'main.js');
const PASSWORD = 'bench-password';
const PARALLEL = 32;
const METRICS_TOKEN = 'bench-cluster-metrics-token';

export interface Node {
  url: string;
  httpUrl: string;
  child: ChildProcess;
}

export async function startNode(env: Record<string, string>): Promise<Node> {
  // e.g. BENCH_SERVER_NODE_ARGS=--prof: V8's tick log is written as it goes, so it survives SIGKILL.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, serverEntry], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'error',
      PARLEY_SCRYPT_COST: '16',
      METRICS_TOKEN,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
  });
  const httpUrl = line.replace(/^.* on http/, 'http');
  return { url: httpUrl.replace(/^http/, 'ws') + '/ws', httpUrl, child };
}

/** One sample of `node`'s /metrics (0 when absent). */
export async function metric(node: Node, series: string): Promise<number> {
  const reply = await fetch(`${node.httpUrl}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  return sample(await reply.text(), series) ?? 0;
}

export interface RelayCounts {
  relayedByA: number;
  shedByA: number;
  receivedByB: number;
}

/** Signals node A relayed (both routes) and shed, and node B received from other nodes, so far. */
export async function relayCounts(a: Node, b: Node): Promise<RelayCounts> {
  const [local, crossNode, shedByA, receivedByB] = await Promise.all([
    metric(a, 'parley_relayed_signals_total{route="local"}'),
    metric(a, 'parley_relayed_signals_total{route="cross-node"}'),
    metric(a, 'parley_relay_shed_total'),
    metric(b, 'parley_cluster_relay_received_total'),
  ]);
  return { relayedByA: local + crossNode, shedByA, receivedByB };
}

export async function stopNode(node: Node): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  const exited = once(node.child, 'exit');
  node.child.kill('SIGKILL');
  await exited;
}

/** How a relayed signal's text starts: the relay phase counts these without parsing them. */
export const SIGNAL_PREFIX = Buffer.from('{"type":"signal"');

/** What a bench user does with a frame nobody waits for: nothing, not even parse it. */
export const IGNORE = (): void => undefined;

/**
 * A logged-in bench user: its socket and a listener per frame. Between phases it ignores its frames
 * unparsed: 10,000 users joining bring ~50 million presence deltas, and parsing each one made this
 * process half of the machine's work.
 */
export class User {
  onFrame: (frame: ServerFrame) => void = () => undefined;
  /** Sees every message first; the default (`parse`) parses it for `onFrame`. */
  onMessage: (data: Buffer) => void = (data) => this.parse(data);
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.onMessage(data));
    ws.on('error', () => undefined);
  }

  parse(data: Buffer): void {
    this.onFrame(JSON.parse(String(data)) as ServerFrame);
  }

  /**
   * Registers `name` (or logs in, when an earlier attempt registered it but its socket closed before
   * the welcome) and resolves once welcomed. A socket closed before its welcome — the server's login
   * timeout, when scrypt's queue and this starved process make a sign-in outlast it — is retried on a
   * new socket, a bounded number of times; then the run fails instead of waiting for ever.
   */
  static async join(url: string, name: string, attempt = 0): Promise<User> {
    const ws = new WebSocket(url);
    ws.on('error', () => undefined); // reported to `once` below, or as a close later
    const opened = await once(ws, 'open').then(
      () => true,
      // A handshake reset by a node busy with thousands of others (ECONNRESET): asked again, as a
      // real client reconnects.
      () => false,
    );
    if (!opened) {
      if (attempt >= 5) throw new Error(`${name}: could not connect, ${attempt + 1} times`);
      await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      return User.join(url, name, attempt + 1);
    }
    const user = new User(ws);
    let type: 'register' | 'login' = attempt === 0 ? 'register' : 'login';
    // As today's client does: a dead node's users arrive together (`users-offline`).
    const capabilities = [Capability.UsersOffline];
    const send = () =>
      ws.send(
        JSON.stringify({ type, version: PROTOCOL_VERSION, username: name, password: PASSWORD, capabilities }),
      );
    let retries = 0;
    const welcomed = new Promise<boolean>((resolve, reject) => {
      ws.once('close', () => resolve(false));
      user.onFrame = (frame) => {
        if (frame.type === 'welcome') return resolve(true);
        if (frame.type !== 'error') return;
        if (retries++ >= 20) return reject(new Error(JSON.stringify(frame)));
        // Registered by an attempt whose socket closed before its welcome: log in instead.
        if (frame.code === 'ERR_USERNAME_TAKEN' && type === 'register' && attempt > 0) type = 'login';
        else if (frame.code === 'ERR_BAD_CREDENTIALS' && type === 'login') type = 'register';
        // The server's scrypt queue sheds a burst ("busy, try again"): retry after the wait it asks
        // for, as a real client does.
        else if (frame.retryAfterMs === undefined) return reject(new Error(JSON.stringify(frame)));
        setTimeout(send, frame.retryAfterMs ?? 0);
      };
    });
    send();
    if (!(await welcomed)) {
      if (attempt >= 5) throw new Error(`${name}: closed before its welcome, ${attempt + 1} times`);
      return User.join(url, name, attempt + 1);
    }
    user.onFrame = () => undefined;
    user.onMessage = IGNORE;
    return user;
  }
}

export async function joinAll(url: string, names: string[]): Promise<User[]> {
  const joined: User[] = new Array<User>(names.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < names.length; i = next++) joined[i] = await User.join(url, names[i]!);
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  return joined;
}

/** Until every one of `watchers` saw `match`; resolves the ms it took from `start`. */
export function allSee(
  watchers: User[],
  match: (frame: ServerFrame) => boolean,
  start: () => void,
): Promise<number> {
  return new Promise((resolve) => {
    let left = watchers.length;
    const started = performance.now();
    for (const watcher of watchers) {
      watcher.onMessage = (data) => watcher.parse(data);
      watcher.onFrame = (frame) => {
        if (!match(frame)) return;
        watcher.onFrame = () => undefined;
        watcher.onMessage = IGNORE;
        if (--left === 0) resolve(performance.now() - started);
      };
    }
    start();
  });
}
