/**
 * A benchmark worker for bench/signaling.ts: holds thousands of client WebSockets (one process can
 * only open ~20,000 descriptors, so the clients are spread over a few of these) and runs the phases
 * the parent asks for over IPC.
 */
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../shared/protocol.js';

export const BENCH_PASSWORD = 'bench-password';

/** Each registration is two control frames (register, logout). */
const REGISTRATIONS_PER_SOCKET = 12;

/** What the parent asks. */
export type WorkerCommand =
  | { cmd: 'register'; url: string; names: string[]; parallel: number }
  | { cmd: 'login'; url: string; names: string[]; parallel: number; total: number }
  | { cmd: 'watch'; user: string; kind: 'user-online' | 'user-offline' }
  | { cmd: 'relay'; allNames: string[]; durationMs: number; warmupMs: number; exchanges: number }
  | { cmd: 'close' };

/** What the worker answers. `at` is a wall-clock time with sub-millisecond resolution. */
export type WorkerReply =
  | { done: 'register'; count: number }
  | { done: 'login'; count: number }
  /** Every client of this worker knows all `total` users are online: the login storm is read. */
  | { done: 'caught-up'; loginRetries: number }
  | { done: 'armed' }
  | { done: 'watch'; at: number }
  | {
      done: 'relay';
      /** Signals received in the measured window, and in the whole phase (warm-up and wind-down too). */
      received: number;
      receivedTotal: number;
      windowMs: number;
      errors: number;
      exchangeMs: number[];
    }
  | { done: 'close' }
  | { failed: string };

/** Epoch milliseconds, comparable across processes on one machine. */
export const wallClock = (): number => performance.timeOrigin + performance.now();

// Every server frame starts with `{"type":"`; the next byte tells the types apart without parsing.
const TYPE_BYTE = '{"type":"'.length;
const SIGNAL = 's'.charCodeAt(0);
const ERROR = 'e'.charCodeAt(0);

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    // Each socket claims a random client address (198.18.0.0/15, the benchmarking range; only a header,
    // never contacted) through the server's TRUST_PROXY, as real users behind a proxy would arrive.
    const byte = (): number => Math.floor(Math.random() * 256);
    const headers = { 'X-Forwarded-For': `198.${18 + (byte() & 1)}.${byte()}.${byte()}` };
    // A zero mask (ws skips masking then): the clients are load generators, and the CPU they save
    // goes to the server under test, which shares this machine.
    const ws = new WebSocket(url, { perMessageDeflate: false, generateMask: () => undefined, headers });
    ws.once('open', () => resolve(ws));
    // Before `open` an error fails the connect; after it, a close (reported as such) follows.
    ws.on('error', reject);
  });
}

/** Reads a socket's frames in order; none is lost between two awaits. */
function frameReader(ws: WebSocket): () => Promise<string> {
  const frames: string[] = [];
  const waiting: Array<(frame: string) => void> = [];
  ws.on('message', (data) => {
    const frame = String(data);
    const resolve = waiting.shift();
    if (resolve) resolve(frame);
    else frames.push(frame);
  });
  return () => {
    const frame = frames.shift();
    return frame !== undefined ? Promise.resolve(frame) : new Promise((resolve) => waiting.push(resolve));
  };
}

/** Runs `task` over `items` with at most `parallel` in flight. */
async function pool<T>(
  items: readonly T[],
  parallel: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, lane));
}

interface Client {
  name: string;
  ws: WebSocket;
  /** When this client's own exchange started; it starts one at a time. */
  exchangeStartedAt?: number;
}

const clients: Client[] = [];
/** Set once the parent ends the run: closes are expected from then on. */
let closing = false;
let watcher: ((frame: Buffer) => void) | null = null;
let relay: {
  allNames: string[];
  active: boolean;
  counting: boolean;
  received: number;
  receivedTotal: number;
  errors: number;
  exchangeMs: number[];
} | null = null;

/** Signals per burst: like a WebRTC set-up, an offer (or answer) followed by a few ICE candidates. */
export const BURST = 4;
const REQUEST = 'q'.charCodeAt(0);
const FROM = '"from":"';

function randomPeer(client: Client): string {
  const names = relay!.allNames;
  const to = names[Math.floor(Math.random() * names.length)]!;
  return to === client.name ? names[(names.indexOf(to) + 1) % names.length]! : to;
}

/**
 * Sends `BURST` signals to one peer at once, each an ICE candidate (the only shape the server relays)
 * whose candidate is "q0".."q3" (request) or "r0".."r3" (reply).
 */
function sendBurst(client: Client, to: string, kind: 'q' | 'r'): void {
  for (let i = 0; i < BURST; i++) {
    const data = `{"kind":"sdp","cid":"0123456789abcdef","signal":{"type":"candidate","candidate":"${kind}${i}"}}`;
    client.ws.send(`{"type":"signal","to":"${to}","data":${data}}`);
  }
}

/**
 * One exchange between a random pair: A sends a burst to B; B answers with a burst once it has all
 * of A's; then A starts the next exchange with another random peer. The number of exchanges in flight
 * stays constant, so the server is measured at a steady load, not flooded.
 */
function onFrame(client: Client, frame: Buffer): void {
  if (watcher) watcher(frame);
  if (!relay) return;
  const type = frame[TYPE_BYTE];
  if (type === ERROR) relay.errors++;
  if (type !== SIGNAL) return;
  relay.receivedTotal++;
  if (relay.counting) relay.received++;
  if (!relay.active) return;
  // A relayed frame ends with `"candidate":"q3"}}}`: the burst kind and index are 6 and 5 bytes from the end.
  const index = frame[frame.length - 5]! - 48;
  if (index !== BURST - 1) return;
  if (frame[frame.length - 6] === REQUEST) {
    const start = frame.indexOf(FROM) + FROM.length;
    sendBurst(client, frame.toString('latin1', start, frame.indexOf('"', start)), 'r');
  } else {
    if (relay.counting && client.exchangeStartedAt !== undefined) {
      relay.exchangeMs.push(performance.now() - client.exchangeStartedAt);
    }
    client.exchangeStartedAt = undefined;
    // The next exchange starts from another client, so each stays far below the per-connection limit.
    startExchange(idleClient());
  }
}

function idleClient(): Client {
  const start = Math.floor(Math.random() * clients.length);
  for (let i = 0; i < clients.length; i++) {
    const client = clients[(start + i) % clients.length]!;
    if (client.exchangeStartedAt === undefined) return client;
  }
  return clients[start]!;
}

function startExchange(client: Client): void {
  client.exchangeStartedAt = performance.now();
  sendBurst(client, randomPeer(client), 'q');
}

async function register(url: string, names: string[], parallel: number): Promise<number> {
  let next = 0;
  const lane = async (): Promise<void> => {
    let ws = await open(url);
    let read = frameReader(ws);
    let used = 0;
    while (next < names.length) {
      const username = names[next++]!;
      // The server caps non-relay frames per connection (10/s, burst 30): a fresh socket now and then.
      if (++used > REGISTRATIONS_PER_SOCKET) {
        ws.close();
        ws = await open(url);
        read = frameReader(ws);
        used = 1;
      }
      ws.send(
        JSON.stringify({ type: 'register', version: PROTOCOL_VERSION, username, password: BENCH_PASSWORD }),
      );
      // Registrars may hear about each other (user-online/offline): skip those.
      await readUntil(read, 'welcome');
      ws.send('{"type":"logout"}');
      await readUntil(read, 'logged-out');
    }
    ws.close();
  };
  await Promise.all(Array.from({ length: Math.min(parallel, names.length) }, lane));
  return names.length;
}

async function readUntil(read: () => Promise<string>, type: string): Promise<void> {
  for (;;) {
    const raw = await read();
    if (raw.startsWith(`{"type":"${type}"`)) return;
    if (!raw.startsWith('{"type":"user-')) throw new Error(`expected ${type}, got ${raw.slice(0, 200)}`);
  }
}

const USER_ONLINE = Buffer.from('{"type":"user-online"');

/**
 * Logs `names` in, each on its own socket. Resolves when all are welcomed; reports `caught-up` once
 * every one of them has also read the announcements of all others, so nothing measured later waits
 * behind the login storm.
 */
/** Logins the server answered "busy, try again" (each retried after the wait it asked for). */
let loginRetries = 0;

async function login(url: string, names: string[], parallel: number, total: number): Promise<number> {
  let behind = names.length;
  const caughtUp = () => {
    if (--behind === 0) report({ done: 'caught-up', loginRetries });
  };
  await pool(names, parallel, async (name) => {
    const ws = await open(url);
    const client = { name, ws };
    // Everyone else online, from the welcome's snapshot and then from deltas.
    let known = -1;
    const sendLogin = () =>
      ws.send(
        JSON.stringify({
          type: 'login',
          version: PROTOCOL_VERSION,
          username: name,
          password: BENCH_PASSWORD,
        }),
      );
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        if (known === total - 1) return onFrame(client, data);
        if (known === -1) {
          const frame = JSON.parse(data.toString()) as {
            type: string;
            online?: string[];
            code?: string;
            retryAfterMs?: number;
          };
          // "Busy, try again in a moment" is the server shedding a burst of logins (its scrypt
          // queue): a real client waits as told and tries again, so the load generator does too.
          if (
            frame.type === 'error' &&
            frame.code === 'ERR_RATE_LIMITED' &&
            frame.retryAfterMs !== undefined
          ) {
            loginRetries += 1;
            setTimeout(sendLogin, frame.retryAfterMs);
            return;
          }
          if (frame.type !== 'welcome')
            return reject(new Error(`${name}: expected welcome, got ${data.toString().slice(0, 200)}`));
          known = frame.online!.length;
          resolve();
        } else if (data.subarray(0, USER_ONLINE.length).equals(USER_ONLINE)) {
          known++;
        }
        if (known === total - 1) caughtUp();
      });
      ws.on('close', (code) => {
        if (!closing) report({ failed: `${name} closed with ${code}` });
      });
      sendLogin();
    });
    clients.push(client);
  });
  return names.length;
}

function watch(user: string, kind: string): void {
  const expected = Buffer.from(JSON.stringify({ type: kind, user }));
  let missing = clients.length;
  watcher = (frame) => {
    if (!frame.equals(expected)) return;
    if (--missing > 0) return;
    watcher = null;
    report({ done: 'watch', at: wallClock() });
  };
}

async function runRelay(command: Extract<WorkerCommand, { cmd: 'relay' }>): Promise<WorkerReply> {
  relay = {
    allNames: command.allNames,
    active: true,
    counting: false,
    received: 0,
    receivedTotal: 0,
    errors: 0,
    exchangeMs: [],
  };
  for (let i = 0; i < Math.min(command.exchanges, clients.length); i++) startExchange(clients[i]!);
  await new Promise((resolve) => setTimeout(resolve, command.warmupMs));
  relay.counting = true;
  const start = wallClock();
  await new Promise((resolve) => setTimeout(resolve, command.durationMs));
  relay.counting = false;
  const windowMs = wallClock() - start;
  relay.active = false;
  // Signals still in flight arrive (and are counted in the total) during this short wind-down.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const { received, receivedTotal, errors, exchangeMs } = relay;
  return { done: 'relay', received, receivedTotal, windowMs, errors, exchangeMs };
}

async function handle(command: WorkerCommand): Promise<WorkerReply | null> {
  switch (command.cmd) {
    case 'register':
      return { done: 'register', count: await register(command.url, command.names, command.parallel) };
    case 'login':
      return {
        done: 'login',
        count: await login(command.url, command.names, command.parallel, command.total),
      };
    case 'watch':
      watch(command.user, command.kind);
      return { done: 'armed' };
    case 'relay':
      return runRelay(command);
    case 'close':
      closing = true;
      for (const { ws } of clients) ws.terminate();
      return { done: 'close' };
    default: {
      const unreachable: never = command;
      throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Tells the parent, unless it has gone (then this worker only winds down). */
function report(reply: WorkerReply): void {
  if (process.connected) process.send!(reply);
}

process.on('disconnect', () => process.exit(0));

process.on('message', (command: WorkerCommand) => {
  handle(command).then(
    (reply) => {
      if (reply) report(reply);
      if (command.cmd === 'close') process.disconnect();
    },
    (error: unknown) =>
      report({ failed: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
