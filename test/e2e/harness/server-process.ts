/**
 * The real Parley server as `npm start` runs it (`node dist/server/main.js`), in a child process with
 * its own temporary `DATA_DIR`. It can be killed like a crash (SIGKILL) and started again on the same
 * port and data, and it always cleans up after itself.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The built server; `npm run test:e2e` and `npm run bench:latency` build it first. */
export const SERVER_ENTRY = fileURLToPath(new URL('../../../dist/server/main.js', import.meta.url));

/** `https://` when the server runs with TLS (`TLS_CERT`/`TLS_KEY` or `--self-signed`). */
const LISTENING_LINE = /^Parley listening on (https?:\/\/\S+)\s*$/;
/** Pino's numeric levels: 40 is `warn`. */
const WARN_LEVEL = 40;

export interface ServerProcessOptions {
  /** Command-line arguments, as after `npm start --` (say, `--self-signed`). */
  args?: readonly string[];
  /** Extra environment for the server (on top of PORT, HOST and DATA_DIR). */
  env?: Readonly<Record<string, string>>;
  /** How long start-up may take. Default 15 s. */
  startTimeoutMs?: number;
  /** Where server warnings and errors go. Default: stderr, prefixed `[server]`. */
  log?: (line: string) => void;
}

/** Child processes still alive, killed if the test process exits without cleaning up. */
const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

export class ServerProcess {
  readonly dataDir: string;
  readonly #options: ServerProcessOptions;
  #child: ChildProcess | null = null;
  #port = 0;
  #url = '';
  #disposed = false;

  private constructor(dataDir: string, options: ServerProcessOptions) {
    this.dataDir = dataDir;
    this.#options = options;
  }

  /** Starts a server on a free port of 127.0.0.1 with a fresh, empty `DATA_DIR`. */
  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    if (!existsSync(SERVER_ENTRY)) {
      throw new Error(`${SERVER_ENTRY} is missing: run \`npm run build\` first`);
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-e2e-'));
    const server = new ServerProcess(dataDir, options);
    try {
      await server.#spawn(0);
    } catch (error) {
      await server.dispose();
      throw error;
    }
    return server;
  }

  /** `http://127.0.0.1:PORT`, the same across restarts. */
  get url(): string {
    return this.#url;
  }

  get port(): number {
    return this.#port;
  }

  get running(): boolean {
    return this.#child !== null;
  }

  /** Kills the server without warning, as a crash would: no close frames, no clean shutdown. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  /** Stops the server the polite way (SIGTERM: it closes every socket with 1001). */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  /** Starts the server again on the same port and `DATA_DIR`. */
  async restart(): Promise<void> {
    if (this.#child) throw new Error('the server is still running; kill or stop it first');
    await this.#spawn(this.#port);
  }

  /** Kills the server if it runs and deletes its data. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.kill();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  }

  #spawn(port: number): Promise<void> {
    const child = spawn(process.execPath, [SERVER_ENTRY, ...(this.#options.args ?? [])], {
      env: {
        ...process.env,
        ...this.#options.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    alive.add(child);
    this.#child = child;
    const log = this.#options.log ?? ((line: string) => process.stderr.write(`[server] ${line}\n`));
    const stderrTail: string[] = [];

    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
      if (isWorthShowing(line)) log(line);
    });

    return new Promise<void>((resolve, reject) => {
      const timeoutMs = this.#options.startTimeoutMs ?? 15_000;
      const timer = setTimeout(() => {
        fail(new Error(`the server did not say it listens within ${timeoutMs} ms`));
        child.kill('SIGKILL');
      }, timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = LISTENING_LINE.exec(line);
        if (!match?.[1]) return;
        clearTimeout(timer);
        this.#url = match[1];
        this.#port = Number(new URL(match[1]).port);
        resolve();
      });
      child.once('exit', (code, signal) => {
        alive.delete(child);
        if (this.#child === child) this.#child = null;
        fail(
          new Error(
            `the server exited (${signal ?? `code ${code}`}) before listening:\n${stderrTail.join('\n')}`,
          ),
        );
      });
    });
  }
}

/** Plain-text lines (start-up failures) and JSON log lines at `warn` or above. */
function isWorthShowing(line: string): boolean {
  try {
    const record: unknown = JSON.parse(line);
    if (typeof record !== 'object' || record === null || !('level' in record)) return true;
    return typeof record.level !== 'number' || record.level >= WARN_LEVEL;
  } catch {
    return true;
  }
}
