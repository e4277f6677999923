/**
 * CPU time of this process's descendants (the browser and its renderers, the server), read from
 * Linux's /proc: what a phase of a benchmark cost the machine, and so the floor a 2-core machine
 * puts under its latency. Elsewhere than Linux it reports nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Linux reports CPU time in USER_HZ ticks, 100 a second on every mainstream architecture. */
const TICK_MS = 10;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in ms. */
  cpuMs: number;
  kind: string;
  /** With `threads`: each thread's CPU ms by its name (Chromium names them: `CrRendererMain`…). */
  threads: Map<string, number> | null;
}

/** The parent pid, utime + stime in ms, and name of a /proc `stat` file. */
function parseStat(stat: string): { ppid: number; cpuMs: number; name: string } {
  // The command name is in parentheses and may hold spaces: fields start after the last ')'.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return {
    ppid: Number(fields[1]),
    cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
    name: stat.slice(stat.indexOf('(') + 1, close),
  };
}

function readStat(pid: number, threads: boolean): ProcStat | null {
  try {
    const { ppid, cpuMs } = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    // Chromium rewrites its process titles into one space-separated string.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    return { pid, ppid, cpuMs, kind: processKind(cmdline), threads: threads ? threadCpu(pid) : null };
  } catch {
    return null;
  }
}

function threadCpu(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const { cpuMs, name } = parseStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      byName.set(name, (byName.get(name) ?? 0) + cpuMs);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return byName;
}

/** `renderer`, `gpu-process`, `utility` (network service…), `browser`, `server`, or the program's name. */
function processKind(cmdline: readonly string[]): string {
  const type = cmdline.find((arg) => arg.startsWith('--type='))?.slice('--type='.length);
  if (type === 'utility') {
    const sub = cmdline
      .find((arg) => arg.startsWith('--utility-sub-type='))
      ?.split('.')
      .pop();
    return sub ? `utility ${sub}` : 'utility';
  }
  if (type) return type;
  const program = cmdline[0] ?? '';
  if (/chrom/i.test(program)) return 'browser';
  if (cmdline.some((arg) => arg.endsWith('dist/server/main.js'))) return 'server';
  return program.split('/').pop() ?? 'other';
}

/**
 * CPU ms so far of every descendant of `root` (default: this process), summed by kind; with
 * `threads`, by kind and thread name (`renderer CrRendererMain`), to see which thread a cost is on.
 */
export function descendantCpu(root = process.pid, threads = false): Map<string, number> {
  const all: ProcStat[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return new Map();
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry), threads);
    if (stat) all.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const totals = new Map<string, number>();
  const visit = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      const parts = child.threads ? [...child.threads] : [['', child.cpuMs] as const];
      for (const [thread, ms] of parts) {
        const key = thread ? `${child.kind} ${thread}` : child.kind;
        totals.set(key, (totals.get(key) ?? 0) + ms);
      }
      visit(child.pid);
    }
  };
  visit(root);
  return totals;
}

/** `after - before`, kind by kind (kinds that appeared only after count from 0). */
export function cpuSpent(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const spent = new Map<string, number>();
  for (const [kind, ms] of after) spent.set(kind, ms - (before.get(kind) ?? 0));
  return spent;
}

/**
 * A result with the CPU time this process's descendants spent on it. The machine is shared, so
 * speeds move with other people's load; CPU per unit of work moves far less, and on a CPU-bound
 * task the ratio of two CPU costs predicts the ratio of two speeds on an idle machine.
 */
export interface Costed<T> {
  run: T;
  cpuMs: number;
}

/** Runs `task` and adds up what every descendant process spent meanwhile. */
export async function costed<T>(task: () => Promise<T>): Promise<Costed<T>> {
  const before = descendantCpu();
  const run = await task();
  const spent = cpuSpent(before, descendantCpu());
  return { run, cpuMs: [...spent.values()].reduce((sum, ms) => sum + ms, 0) };
}

/** CPU ms per decimal MB moved, over all of `costs`. */
export function cpuPerMb(costs: readonly Costed<{ bytes: number }>[]): number {
  const cpuMs = costs.reduce((sum, cost) => sum + cost.cpuMs, 0);
  const bytes = costs.reduce((sum, cost) => sum + cost.run.bytes, 0);
  return cpuMs / (bytes / 1e6);
}
