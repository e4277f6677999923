/**
 * Test support for the signaling server: a real server on port 0 with a recording logger (any warning
 * a test did not `take` fails it), and real `ws` clients that read frames in order, without sleeps.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import { WebSocket, type ClientOptions } from 'ws';
import {
  PROTOCOL_VERSION,
  parseServerFrame,
  type ServerFrame,
  type WelcomeFrame,
} from '../../shared/protocol.js';
import type { Clock } from '../../signaling/clock.js';
import type { Logger } from '../../signaling/logger.js';
import { startServer, type RunningServer, type ServerOptions } from '../../signaling/server.js';

export const PASSWORD = 'correct horse battery';

/** How long `next()` waits before failing: far above any real wait, far below a hung CI job. */
const FRAME_TIMEOUT_MS = 10_000;

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export interface LogRecord {
  level: number;
  msg: string;
  code?: string;
  [field: string]: unknown;
}

/** A pino logger whose lines are kept in memory, so tests can assert on them. */
export class LogRecorder {
  readonly records: LogRecord[] = [];
  readonly logger: Logger = pino(
    { level: 'debug' },
    { write: (line: string) => void this.records.push(JSON.parse(line) as LogRecord) },
  );

  /** Removes and returns the first warning (or worse) that matches; fails when there is none. */
  take(match: { code?: string; msg?: string | RegExp; level?: keyof typeof LEVELS }): LogRecord {
    const level = LEVELS[match.level ?? 'warn'];
    const index = this.records.findIndex(
      (record) =>
        record.level === level &&
        (match.code === undefined || record.code === match.code) &&
        (match.msg === undefined ||
          (typeof match.msg === 'string' ? record.msg === match.msg : match.msg.test(record.msg))),
    );
    assert.notEqual(index, -1, `expected a log record like ${JSON.stringify(match)} in ${this.describe()}`);
    return this.records.splice(index, 1)[0]!;
  }

  /** Warnings and errors nobody took. */
  unexpected(): LogRecord[] {
    return this.records.filter((record) => record.level >= LEVELS.warn);
  }

  private describe(): string {
    return JSON.stringify(this.records.map(({ level, msg, code }) => ({ level, msg, code })));
  }
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private time = Date.UTC(2030, 0, 1)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface Closed {
  code: number;
  reason: string;
}

/** A real WebSocket client that validates every server frame with `parseServerFrame`. */
export class TestClient {
  private readonly frames: ServerFrame[] = [];
  private readonly waiters: Array<{ resolve: (frame: ServerFrame) => void; reject: (error: Error) => void }> =
    [];
  private failure: Error | null = null;
  /** Resolves when the connection closes. */
  readonly closed: Promise<Closed>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      try {
        assert.equal(isBinary, false, 'the server sent a binary frame');
        this.push(parseServerFrame(String(data)));
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.fail(new Error(`connection closed (${code}) while waiting for a frame`));
        resolve({ code, reason: reason.toString() });
      });
    });
    ws.on('error', () => {
      // A client-side error (e.g. a reset after the server closed) shows up as `closed`.
    });
  }

  static connect(url: string, options?: ClientOptions): Promise<TestClient> {
    const ws = new WebSocket(url, options);
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /**
   * The next frame, in arrival order. Fails after `FRAME_TIMEOUT_MS` instead of hanging the suite, so a
   * frame that never comes is reported as such.
   */
  next(): Promise<ServerFrame> {
    const frame = this.frames.shift();
    if (frame) return Promise.resolve(frame);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no frame arrived within ${FRAME_TIMEOUT_MS} ms`));
      }, FRAME_TIMEOUT_MS);
      const waiter = {
        resolve: (value: ServerFrame) => (clearTimeout(timer), resolve(value)),
        reject: (error: Error) => (clearTimeout(timer), reject(error)),
      };
      this.waiters.push(waiter);
    });
  }

  /** The next frame, which must be of `type`. */
  async expect<T extends ServerFrame['type']>(type: T): Promise<Extract<ServerFrame, { type: T }>> {
    const frame = await this.next();
    assert.equal(frame.type, type, `expected ${type}, got ${JSON.stringify(frame)}`);
    return frame as Extract<ServerFrame, { type: T }>;
  }

  /** The next frame, which must be an error with `code`. */
  async expectError(code: string): Promise<Extract<ServerFrame, { type: 'error' }>> {
    const frame = await this.expect('error');
    assert.equal(frame.code, code, `expected ${code}, got ${JSON.stringify(frame)}`);
    return frame;
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  register(username: string, password = PASSWORD): void {
    this.send({ type: 'register', version: PROTOCOL_VERSION, username, password });
  }

  login(username: string, password = PASSWORD): void {
    this.send({ type: 'login', version: PROTOCOL_VERSION, username, password });
  }

  resume(token: string): void {
    this.send({ type: 'resume', version: PROTOCOL_VERSION, token });
  }

  /** Frames received but not read yet. */
  get pending(): readonly ServerFrame[] {
    return this.frames;
  }

  private push(frame: ServerFrame): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(frame);
    else this.frames.push(frame);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}

export interface TestServer extends RunningServer {
  logs: LogRecorder;
  wsUrl: string;
  /** Opens a client that is closed after the test. */
  connect(options?: ClientOptions): Promise<TestClient>;
  /** Opens a client and registers `username`; resolves its welcome. */
  join(username: string): Promise<{ client: TestClient; welcome: WelcomeFrame }>;
}

/**
 * Starts a server for one test (in-memory SQLite, cheap scrypt) and tears it down afterwards, failing
 * the test on any warning it did not take.
 */
export async function startTestServer(t: TestContext, options: ServerOptions = {}): Promise<TestServer> {
  const logs = new LogRecorder();
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    scryptCost: 16,
    logger: logs.logger,
    // Every test client comes from 127.0.0.1: per-address limits are set high unless a test is about them.
    maxConnectionsPerAddress: 10_000,
    ...options,
    authLimits: {
      registrationsPerAddress: { points: 10_000, windowMs: 60_000 },
      perAddress: { points: 10_000, windowMs: 60_000 },
      ...options.authLimits,
    },
  });
  const clients: TestClient[] = [];
  const wsUrl = `ws://127.0.0.1:${server.port}/ws`;
  t.after(async () => {
    await server.close();
    for (const client of clients) client.ws.terminate();
    assert.deepEqual(logs.unexpected(), [], 'the server logged warnings the test did not expect');
  });
  const connect = async (clientOptions?: ClientOptions): Promise<TestClient> => {
    const client = await TestClient.connect(wsUrl, clientOptions);
    clients.push(client);
    return client;
  };
  return {
    ...server,
    logs,
    wsUrl,
    connect,
    async join(username) {
      const client = await connect();
      client.register(username);
      return { client, welcome: await client.expect('welcome') };
    },
  };
}
