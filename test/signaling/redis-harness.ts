/**
 * A real Redis for tests: `redis-server` on a free loopback port with nothing persisted, in a
 * temporary directory removed afterwards. `restart` stops it and starts an empty one on the same
 * port, as a crash of a Redis without persistence looks to its clients.
 *
 * Needs Debian's `redis-server` package; without it the suite fails rather than skips.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './pg-harness.js';

export interface RedisServer {
  readonly url: string;
  /** Kills it and starts an empty one on the same port. */
  restart(): Promise<void>;
  /** Kills it (its clients start reconnecting). */
  kill(): Promise<void>;
  /** Starts it again after `kill`. */
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  stop(): Promise<void>;
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('error', (error) =>
      reject(new Error(`cannot run redis-server (apt-get install redis-server): ${error.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve(child);
    });
  });
}

async function halt(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

export async function startRedis(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = await launch(port, dir).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      await halt(child);
      child = null;
    },
    async start() {
      child = await launch(port, dir);
    },
    async restart() {
      await server.kill();
      await server.start();
    },
    async stop() {
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}
