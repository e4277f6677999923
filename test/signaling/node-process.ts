/**
 * Parley server processes for cluster tests: the bundle `npm start` runs, each on a free port, with
 * the environment a test gives. Killed (SIGKILL) after the test file if still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleServer, root } from './server-bundle.js';

export interface NodeProcess {
  readonly wsUrl: string;
  /** What it logged so far (JSON lines), for a failing test's message. */
  readonly stderr: () => string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Bundles the server once; returns a starter and a cleanup that kills every node and the bundle. */
export function nodeProcesses(name: string): {
  prepare(): Promise<void>;
  start(env: Record<string, string>): Promise<NodeProcess>;
  cleanup(): Promise<void>;
} {
  const dir = join(root, 'node_modules', '.cache', `parley-${name}-${process.pid}`);
  const bundle = join(dir, 'main.mjs');
  const children: ChildProcess[] = [];
  return {
    prepare: () => bundleServer(bundle),
    async start(env) {
      const child = spawn(process.execPath, [bundle], {
        cwd: root,
        env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      let stdout = '';
      const line = await new Promise<string>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`node exited (${code}): ${stderr}`)));
        child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
        });
      });
      const port = /:(\d+)$/.exec(line)?.[1];
      if (!port) throw new Error(`no port in ${JSON.stringify(line)}`);
      return {
        wsUrl: `ws://127.0.0.1:${port}/ws`,
        stderr: () => stderr,
        async kill(signal) {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, 'exit');
          child.kill(signal);
          await exited;
        },
      };
    },
    async cleanup() {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
