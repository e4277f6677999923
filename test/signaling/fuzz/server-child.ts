/**
 * The real server as a child process for the fuzzer: a crash is then what it is in production, the
 * process exiting, and the fuzzer sees it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleServer, root } from '../server-bundle.js';

export interface ServerChild {
  port: number;
  /** Non-null once the process has exited. */
  exitCode(): number | string | null;
  /** Everything it wrote to stderr (JSON log lines at `error` level and above). */
  stderr(): string;
  stop(): Promise<void>;
}

/** Bundles and starts the server on a free loopback port with `env` added; resolves once it listens. */
export async function startServerChild(env: Record<string, string>): Promise<ServerChild> {
  // Inside the repo, so the bundle's bare imports resolve from node_modules as dist/server/main.js's do.
  const dir = join(root, 'node_modules', '.cache', `parley-fuzz-${process.pid}`);
  const bundle = join(dir, 'main.mjs');
  await bundleServer(bundle);
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-fuzz-'));
  const child: ChildProcess = spawn(process.execPath, [bundle], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let exit: number | string | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = code ?? signal;
      resolve();
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    void exited.then(() => reject(new Error(`the server exited before listening: ${stderr}`)));
  });
  return {
    port,
    exitCode: () => exit,
    stderr: () => stderr,
    async stop() {
      if (exit === null) child.kill('SIGKILL');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
