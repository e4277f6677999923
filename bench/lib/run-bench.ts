/**
 * How every browser benchmark runs, written once: the real server (`dist/server/main.js`) on a free
 * port of 127.0.0.1, Chromium from the system install (scripts/chromium.mjs, through the e2e
 * harness), a temporary folder, and a deadline over the whole measurement — then the same clean-up
 * whether the run succeeded, failed or ran out of time: browsers closed, server stopped, its data
 * and the folder deleted. Ctrl-C (or SIGTERM) skips `finally` blocks, so the files are removed then
 * too; Playwright closes its browsers on those signals and ServerProcess kills the server on exit.
 *
 * A run is two steps: `measure`, bounded by the deadline, and `report`, which prints the tables and
 * the last-line JSON — only once no page had an uncaught error, so a broken page never yields
 * figures. Progress goes to stderr, stamped with the time since start, so stdout holds only results.
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium, launchProfileOnDisk } from '../../test/e2e/harness/chromium.js';
import { PageProblems } from '../../test/e2e/harness/page-problems.js';
import { ServerProcess } from '../../test/e2e/harness/server-process.js';

export interface BenchOptions {
  /** The measurement stops (and everything is cleaned up) after this long. */
  deadlineMs: number;
  /** Extra environment for the server, e.g. a cheap scrypt cost where signing in is not measured. */
  serverEnv?: Readonly<Record<string, string>>;
}

/** What a benchmark's `measure` step is handed; all of it is cleaned up by `runBench`. */
export interface Bench {
  readonly server: ServerProcess;
  /** Console errors of every page go to stderr; an uncaught one fails the run. */
  readonly problems: PageProblems;
  /** A folder of the run's own (profiles, files to send), deleted at the end. */
  readonly dir: string;
  /** The run's one Chromium with in-memory contexts, launched on first use. */
  chromium(): Promise<Browser>;
  /**
   * A Chromium of its own whose profile lives on disk in `dir/name` (so IndexedDB really writes),
   * with the microphone granted for `origins` and `initScripts` run in every page.
   */
  profileOnDisk(
    name: string,
    origins: readonly string[],
    initScripts?: readonly string[],
  ): Promise<BrowserContext>;
}

const startedAt = performance.now();

/** A progress line on stderr, with the seconds since the benchmark started. */
export function progress(line: string): void {
  const elapsed = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${elapsed} s] ${line}\n`);
}

/**
 * Runs a benchmark to the end and sets the exit code: 0 once `report` has printed, 1 (with the
 * error on stderr) if anything failed, 130 on a signal.
 */
export function runBench<R>(
  options: BenchOptions,
  measure: (bench: Bench) => Promise<R>,
  report: (result: R) => void,
): void {
  run(options, measure, report).catch((error: unknown) => {
    process.stderr.write(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}

async function run<R>(
  options: BenchOptions,
  measure: (bench: Bench) => Promise<R>,
  report: (result: R) => void,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-'));
  let server: ServerProcess | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    rmSync(dir, { recursive: true, force: true });
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
    process.stderr.write(`[bench] stopped by ${signal}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const problems = new PageProblems((line) => process.stderr.write(`${line}\n`));
  // Launched from inside `measure`; typed so TypeScript does not take it for null here.
  let browser = null as Promise<Browser> | null;
  const profiles: Promise<BrowserContext>[] = [];
  try {
    server = await ServerProcess.start(options.serverEnv ? { env: options.serverEnv } : {});
    const bench: Bench = {
      server,
      problems,
      dir,
      chromium: () => (browser ??= launchChromium()),
      profileOnDisk: (name, origins, initScripts = []) => {
        const profile = launchProfileOnDisk(join(dir, name), origins, initScripts);
        profiles.push(profile);
        return profile;
      },
    };
    const result = await withDeadline(measure(bench), options.deadlineMs);
    problems.assertNoUncaughtErrors();
    report(result);
  } finally {
    // A launch that failed has nothing to close; one still under way is closed once it lands.
    for (const profile of profiles) await profile.then((context) => context.close()).catch(() => undefined);
    await browser?.then((chromium) => chromium.close()).catch(() => undefined);
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `task`, or a rejection once `ms` have passed; the timer never outlives the race. */
async function withDeadline<T>(task: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the benchmark took over ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([task, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
