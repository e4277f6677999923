/**
 * The fuzz run: batches of generated frames, each on a fresh connection (half of them logged in), with
 * the property that after every batch the server process is alive and `/healthz` answers. At the end a
 * fresh user must still register and signal. Used by fuzz.test.ts (CI size) and cli.ts (any size).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../../../shared/protocol.js';
import { TestClient } from '../harness.js';
import { FUZZ_VICTIM, fuzzFrame, type FuzzFrame } from './frames.js';
import { startServerChild, type ServerChild } from './server-child.js';

/** Frames per connection: about the control burst, so most frames reach a handler, not the limiter. */
const BATCH = 30;
const PASSWORD = 'fuzzing password';

export interface FuzzOptions {
  frames: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface FuzzResult {
  frames: number;
  connections: number;
  seed: number;
  ms: number;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const server = await startServerChild({
    PARLEY_SCRYPT_COST: '16',
    // One address sends everything: lift the per-address caps, not the per-connection ones under test.
    PARLEY_REGISTRATIONS_PER_HOUR: '1000000',
    PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '1000',
  });
  try {
    const wsUrl = `ws://127.0.0.1:${server.port}/ws`;
    const accounts = new Accounts(wsUrl);
    const victim = new Victim(wsUrl);
    let sent = 0;
    let connections = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fuzzFrame, { minLength: BATCH, maxLength: BATCH }),
        fc.boolean(),
        async (frames, login) => {
          connections++;
          await victim.ensureOnline();
          const token = login ? await accounts.token() : null;
          const loggedIn = await sendBatch(wsUrl, frames, token);
          if (token !== null && !loggedIn) accounts.expire(token);
          sent += frames.length;
          if (connections % 200 === 0) log(`${sent} frames on ${connections} connections`);
          await assertAlive(server);
        },
      ),
      // A few more batches than frames / BATCH: a connection the server closes (a frame over 64 KB) ends
      // its batch early, and only frames written to an open socket count.
      { numRuns: Math.ceil((options.frames / BATCH) * 1.2), seed, endOnFailure: true },
    );
    victim.close();
    await assertServes(server, wsUrl);
    const fatal = server
      .stderr()
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line));
    assert.deepEqual(fatal, [], 'the server logged errors while fuzzed');
    return { frames: sent, connections, seed, ms: Date.now() - started };
  } finally {
    await server.stop();
  }
}

async function assertAlive(server: ServerChild): Promise<void> {
  assert.equal(server.exitCode(), null, `the server died: ${server.stderr().slice(-2000)}`);
  const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  assert.equal(health.status, 200);
}

/** A fresh user registers and a signal reaches another: the server still does its job. */
async function assertServes(server: ServerChild, wsUrl: string): Promise<void> {
  await assertAlive(server);
  const [a, b] = await Promise.all([TestClient.connect(wsUrl), TestClient.connect(wsUrl)]);
  try {
    a.register('after.fuzz.a', PASSWORD);
    await a.expect('welcome');
    b.register('after.fuzz.b', PASSWORD);
    await b.expect('welcome');
    b.send({ type: 'signal', to: 'after.fuzz.a', data: { kind: 'connect' } });
    let frame = await a.next();
    while (frame.type !== 'signal') frame = await a.next();
    assert.deepEqual(frame, { type: 'signal', from: 'after.fuzz.b', data: { kind: 'connect' } });
  } finally {
    a.ws.terminate();
    b.ws.terminate();
  }
}

/**
 * Opens a connection, logs in with `token` if given, sends `frames`, and closes once they are out.
 * Resolves whether the login worked and how many frames were written while the socket was open.
 */
async function sendBatch(
  wsUrl: string,
  frames: readonly FuzzFrame[],
  token: string | null,
): Promise<{ loggedIn: boolean; sent: number }> {
  const ws = new WebSocket(wsUrl);
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let loggedIn = false;
  if (token !== null) {
    ws.send(JSON.stringify({ type: 'resume', version: PROTOCOL_VERSION, token }));
    // The reply comes after the resume is handled; frames sent meanwhile would wait in its backlog.
    const reply = await new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    loggedIn = reply.startsWith('{"type":"welcome"');
  }
  let sent = 0;
  for (const frame of frames) {
    if (ws.readyState !== WebSocket.OPEN) break;
    if ('text' in frame) ws.send(frame.text);
    else ws.send(frame.binary, { binary: true });
    sent++;
  }
  // Closing after the last frame is written: the server reads all of them before the close.
  await new Promise<void>((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    ws.once('close', () => resolve());
    ws.close();
  });
  return { loggedIn, sent };
}

/**
 * Session tokens of accounts the fuzzer owns. A fuzzed `logout-everywhere` or `change-password` may end
 * one; then a new account replaces it.
 */
class Accounts {
  private tokens: string[] = [];
  private next = 0;
  private registered = 0;

  constructor(private readonly wsUrl: string) {}

  async token(): Promise<string> {
    if (this.tokens.length < 4) this.tokens.push(await this.register());
    return this.tokens[this.next++ % this.tokens.length]!;
  }

  expire(token: string): void {
    this.tokens = this.tokens.filter((kept) => kept !== token);
  }

  private async register(): Promise<string> {
    const client = await TestClient.connect(this.wsUrl);
    try {
      client.register(`fuzz.${this.registered++}`, PASSWORD);
      return (await client.expect('welcome')).token;
    } finally {
      client.ws.terminate();
    }
  }
}

/**
 * A user kept online for the whole run (reconnected if the server drops it), so fuzzed signals have a
 * recipient and the relay path is exercised all the way to re-serialising the frame.
 */
class Victim {
  private client: TestClient | null = null;
  private token: string | null = null;

  constructor(private readonly wsUrl: string) {}

  async ensureOnline(): Promise<void> {
    if (this.client?.ws.readyState === WebSocket.OPEN) return;
    const client = await TestClient.connect(this.wsUrl);
    // Frames it receives are not read: any that arrive are dropped, not queued for an assertion.
    client.ws.removeAllListeners('message');
    const welcome = new Promise<string>((resolve) =>
      client.ws.once('message', (data) => resolve(String(data))),
    );
    if (this.token === null) client.register(FUZZ_VICTIM, PASSWORD);
    else client.login(FUZZ_VICTIM, PASSWORD);
    const reply = JSON.parse(await welcome) as { type: string; token?: string };
    assert.equal(reply.type, 'welcome', `the victim could not log in: ${JSON.stringify(reply)}`);
    this.token = reply.token ?? null;
    this.client = client;
  }

  close(): void {
    this.client?.ws.terminate();
  }
}
