/**
 * Where a page's main thread spends its time during a transfer: a V8 CPU profile taken through the
 * Chrome DevTools Protocol (`Profiler.start` / `Profiler.stop` on the page's own target, so a
 * Worker's thread is not in it), summed by self time into a few named stages. Turned on with
 * BENCH_FILES_PROFILE=1; profiling slows the page, so figures of a profiled run are not compared.
 */
import type { Page } from 'playwright-core';
import { cpuSpent, descendantCpu } from './process-cpu.js';

/** One node of a V8 `Profiler.Profile` (only the fields used here). */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * Stages by the function or script a sample's own frame is in; the first match wins. Names from
 * hash-wasm, idb and Parley's own files (the bundle keeps function names only where not minified,
 * so the script URL is the fallback: app.js vs a worker, vs the browser's own native frames).
 */
const STAGES: readonly { stage: string; test: (frame: ProfileNode['callFrame']) => boolean }[] = [
  { stage: 'idle', test: (f) => f.functionName === '(idle)' },
  { stage: 'garbage collection', test: (f) => f.functionName === '(garbage collector)' },
  {
    stage: 'hash (wasm)',
    test: (f) => f.url.startsWith('wasm://') || /^\$?(Hash_|sha256)/i.test(f.functionName),
  },
  { stage: 'other native (program)', test: (f) => f.functionName === '(program)' },
  { stage: 'app script', test: (f) => /\/(app|file-worker)\.js/.test(f.url) },
  { stage: 'native (DOM, IDB, channel)', test: (f) => f.url === '' },
  { stage: 'other script', test: () => true },
];

export interface StageTimes {
  /** Milliseconds the profile covered. */
  totalMs: number;
  /** Self time by stage, in ms, most first. */
  stages: [string, number][];
  /** The functions with the most self time (not idle), with their script. */
  top: [string, number][];
}

/** A profile of `page`'s main thread while `task` runs. */
export async function profiled<T>(
  page: Page,
  task: () => Promise<T>,
): Promise<{ run: T; times: StageTimes }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  // 1 ms sampling: fine enough for 6 ms hash slices, coarse enough not to dominate a busy page.
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  try {
    const run = await task();
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile };
    return { run, times: stageTimes(profile) };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

function stageTimes(profile: Profile): StageTimes {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's delta is the time since the previous one: charge it to the node sampled now.
  for (let i = 0; i < samples.length; i++) {
    const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    selfMs.set(samples[i]!, (selfMs.get(samples[i]!) ?? 0) + ms);
  }
  const stages = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    const stage = STAGES.find((entry) => entry.test(frame))!.stage;
    stages.set(stage, (stages.get(stage) ?? 0) + ms);
    if (stage === 'idle') continue;
    const script = frame.url.slice(frame.url.lastIndexOf('/') + 1) || 'native';
    const name = `${frame.functionName || '(anonymous)'} @ ${script}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    stages: sorted(stages),
    top: sorted(functions).slice(0, 12),
  };
}

/** Lines for the report: each stage's share, and the top functions. */
export function formatStageTimes(label: string, times: StageTimes, megabytes: number): string[] {
  const perMb = (ms: number) => `${(ms / megabytes).toFixed(2)} ms/MB`;
  return [
    `${label}: main-thread CPU profile over ${(times.totalMs / 1000).toFixed(1)} s`,
    ...times.stages.map(
      ([stage, ms]) =>
        `  ${stage.padEnd(28)} ${ms.toFixed(0).padStart(7)} ms  ${((100 * ms) / times.totalMs).toFixed(1).padStart(5)} %  ${perMb(ms)}`,
    ),
    '  top self time:',
    ...times.top.map(([name, ms]) => `    ${ms.toFixed(0).padStart(7)} ms  ${name}`),
  ];
}

/**
 * What every thread of the browsers and the server spent while `task` ran, by process kind and
 * thread name (Linux only): which thread a cost per MB sits on, the main threads, a worker, the
 * WebRTC network thread, the browser's IndexedDB and blob threads.
 */
export async function threadsDuring<T>(
  task: () => Promise<T>,
): Promise<{ run: T; threads: Map<string, number> }> {
  const before = descendantCpu(process.pid, true);
  const run = await task();
  return { run, threads: cpuSpent(before, descendantCpu(process.pid, true)) };
}

/** Lines for the report: each thread's CPU per MB, most first, next to a baseline's (the raw channel's). */
export function formatThreadTimes(
  label: string,
  threads: Map<string, number>,
  megabytes: number,
  baseline: { threads: Map<string, number>; megabytes: number; name: string } | null,
): string[] {
  const perMb = (ms: number, mb: number) => (ms / mb).toFixed(1).padStart(7);
  const names = new Set([...threads.keys(), ...(baseline?.threads.keys() ?? [])]);
  const rows = [...names]
    .map((name) => ({
      name,
      ms: threads.get(name) ?? 0,
      base: baseline ? (baseline.threads.get(name) ?? 0) : 0,
    }))
    .filter((row) => row.ms > 0 || row.base > 0)
    .sort((a, b) => b.ms / megabytes - a.ms / megabytes);
  const total = (map: Map<string, number>) => [...map.values()].reduce((sum, ms) => sum + ms, 0);
  return [
    `${label}: CPU ms/MB by thread${baseline ? ` (${baseline.name} beside it)` : ''}`,
    `  ${'all'.padEnd(40)} ${perMb(total(threads), megabytes)}${baseline ? ` ${perMb(total(baseline.threads), baseline.megabytes)}` : ''}`,
    ...rows
      .slice(0, 16)
      .map(
        (row) =>
          `  ${row.name.padEnd(40)} ${perMb(row.ms, megabytes)}${baseline ? ` ${perMb(row.base, baseline.megabytes)}` : ''}`,
      ),
  ];
}
