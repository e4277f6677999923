/**
 * What the file benchmark prints: per topology, the raw channel's speed before and after, Parley's,
 * their ratio and what each cost in CPU per MB; chat latency during a transfer; the receiver's heap;
 * the verdicts; and as the last stdout line one JSON object,
 * {"ratio_one_browser","ratio_two_browsers","mbps_two_browsers","chat_p99_ms_during_transfer","receiver_heap_growth_mb",
 *  "cpu_ms_per_mb_parley_one_browser","cpu_ms_per_mb_raw_one_browser","cpu_ms_per_mb_parley_two_browsers",
 *  "cpu_ms_per_mb_raw_two_browsers", "floor_ratio_one_browser","ratio_vs_floor_one_browser",
 *  "cpu_ms_per_mb_floor_one_browser", the same three for two_browsers,
 *  "bare_text_p99_ms_at_parley_marks" (a bare channel's text beside its transfer at Parley's marks)}
 * (with `--raw-only`: {"raw_mbps_one_browser","raw_mbps_two_browsers"}).
 */
import type { ChatSamples } from './chat-during-transfer.js';
import { CHAT_INTERVAL_MS } from './chat-during-transfer.js';
import { mib } from './file-transfer.js';
import type { FileTransfer } from './file-transfer.js';
import type { HeapSamples } from './heap-during-transfer.js';
import { roundMs, summarize } from './latency-stats.js';
import { alignRows, formatTable } from './print-table.js';
import { cpuPerMb } from './process-cpu.js';
import type { Costed } from './process-cpu.js';
import type { RawTransfer } from './raw-channel.js';

/** One Chromium with both people in it, or one each. */
export type TopologyName = 'one browser' | 'two browsers';

export interface TopologyResult {
  name: TopologyName;
  rawBefore: Costed<RawTransfer>;
  rawAfter: Costed<RawTransfer> | null;
  /** One browser only: the raw channel at Parley's bulk water marks, for its text lane's latency. */
  rawAtParleyMarks: Costed<RawTransfer> | null;
  /** The stored floor (lib/stored-floor.ts), before and after Parley's transfer; none with `--raw-only`. */
  floor: Costed<RawTransfer>[];
  parley: Costed<FileTransfer> | null;
}

export interface FileResults {
  /** Bytes of each measured transfer, and of the heap run. */
  fileBytes: number;
  heapBytes: number;
  /** The machine's load average when the run started: other people's work moves every figure. */
  loadAtStart: number;
  rawOnly: boolean;
  topologies: TopologyResult[];
  chat: ChatSamples | null;
  heap: HeapSamples | null;
}

const TARGETS = { ratio: 0.9, chatP99Ms: 50, heapGrowthMiB: 64 };

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The mean MB/s of `runs`, or null when there are none. */
function meanMbps(runs: readonly Costed<RawTransfer>[]): number | null {
  if (runs.length === 0) return null;
  return runs.reduce((sum, { run }) => sum + run.mbps, 0) / runs.length;
}

function rawRuns(result: TopologyResult): Costed<RawTransfer>[] {
  return [result.rawBefore, ...(result.rawAfter ? [result.rawAfter] : [])];
}

/** The mean raw MB/s of a topology (before and after Parley's transfer, when both were taken). */
function rawMbps(result: TopologyResult): number {
  return meanMbps(rawRuns(result))!;
}

/** The mean MB/s of the stored floor, or null when it was not run. */
function floorMbps(result: TopologyResult): number | null {
  return meanMbps(result.floor);
}

/** The floor's lines: its speed and CPU against the raw channel's, and Parley's against it. */
function floorLines(results: FileResults): string[] {
  const rows = results.topologies.flatMap((result) => {
    const floor = floorMbps(result);
    if (floor === null || !result.parley) return [];
    return [
      [
        result.name,
        result.floor.map(({ run }) => `${run.mbps.toFixed(1)}`).join(' / ') + ' MB/s',
        (floor / rawMbps(result)).toFixed(3),
        `${cpuPerMb(result.floor).toFixed(1)} ms`,
        (result.parley.run.mbps / floor).toFixed(3),
        (cpuPerMb(result.floor) / cpuPerMb([result.parley])).toFixed(3),
      ],
    ];
  });
  if (rows.length === 0) return [];
  const header = ['', 'floor (before / after)', 'floor ÷ raw', 'floor CPU/MB', 'Parley ÷ floor', 'CPU ratio'];
  return [
    '',
    'Stored floor: the raw channel plus the least a kept file needs (read and digest 1 MiB slices; digest each',
    "1 MiB received, write 4 MiB at a time to IndexedDB). floor ÷ raw bounds any storing app's ratio here.",
    ...alignRows([header, ...rows]),
  ];
}

function speedLines(results: FileResults): string[] {
  const rows = [
    [
      '',
      'raw before',
      'raw after',
      'raw mean',
      'Parley',
      'ratio',
      'raw CPU/MB',
      'Parley CPU/MB',
      'CPU ratio',
    ],
    ...results.topologies.map((result) => [
      result.name,
      `${result.rawBefore.run.mbps.toFixed(1)} MB/s`,
      result.rawAfter ? `${result.rawAfter.run.mbps.toFixed(1)} MB/s` : '–',
      `${rawMbps(result).toFixed(1)} MB/s`,
      result.parley ? `${result.parley.run.mbps.toFixed(1)} MB/s` : '–',
      result.parley ? (result.parley.run.mbps / rawMbps(result)).toFixed(3) : '–',
      `${cpuPerMb(rawRuns(result)).toFixed(1)} ms`,
      result.parley ? `${cpuPerMb([result.parley]).toFixed(1)} ms` : '–',
      result.parley ? (cpuPerMb(rawRuns(result)) / cpuPerMb([result.parley])).toFixed(3) : '–',
    ]),
  ];
  const lines = [
    `Files peer to peer: ${mib(results.fileBytes)} transfers, 64 KiB chunks (load average at start ${results.loadAtStart.toFixed(2)})`,
    ...alignRows(rows),
    '  CPU/MB: CPU ms the browsers and the server spent per MB moved (/proc); CPU ratio = raw CPU/MB ÷',
    '  Parley CPU/MB, which predicts the ratio on an idle machine when both are CPU-bound.',
  ];
  lines.push(...floorLines(results));
  for (const result of results.topologies) {
    if (result.parley?.run.via === 'scan')
      lines.push(`  (${result.name}: Save was seen by the 1 s scan, not the observer: the time is ±1 s)`);
  }
  return lines;
}

export function reportFiles(results: FileResults): void {
  const lines = speedLines(results);
  const one = results.topologies.find((result) => result.name === 'one browser');
  const two = results.topologies.find((result) => result.name === 'two browsers');

  if (results.rawOnly) {
    process.stdout.write(`${lines.join('\n')}\n`);
    process.stdout.write(
      `${JSON.stringify({
        raw_mbps_one_browser: one ? round2(rawMbps(one)) : null,
        raw_mbps_two_browsers: two ? round2(rawMbps(two)) : null,
      })}\n`,
    );
    return;
  }

  // Frames are recognised by their JSON; should the wire format change, the row just goes.
  const frameRow = (label: string, samples: readonly number[]) =>
    samples.length > 0 ? [{ label, summary: summarize(samples) }] : [];
  const chat = summarize(results.chat!.during.shown);
  const heap = results.heap!;
  const growth = heap.maxMiB - heap.beforeMiB;
  const ratioOne = one!.parley!.run.mbps / rawMbps(one!);
  const ratioTwo = two!.parley!.run.mbps / rawMbps(two!);
  lines.push(
    '',
    formatTable(
      `Chat every ${CHAT_INTERVAL_MS} ms during a ${mib(results.fileBytes)} transfer (one browser; file at ${results.chat!.transfer.mbps.toFixed(1)} MB/s)`,
      [
        { label: 'Enter → shown to the receiver', summary: chat },
        ...frameRow('  Enter → its frame sent by the sender', results.chat!.during.sent),
        ...frameRow('  Enter → its frame reached the receiver', results.chat!.during.frames),
        ...frameRow(
          'raw channel: a text beside its transfer, sent → arrived',
          rawRuns(one!).flatMap(({ run }) => run.chatMs),
        ),
        ...frameRow(
          "  the same at Parley's water marks (512 / 256 KiB)",
          one!.rawAtParleyMarks?.run.chatMs ?? [],
        ),
        { label: 'nothing else moving (before): shown', summary: summarize(results.chat!.idle.shown) },
        ...frameRow('  Enter → its frame sent by the sender', results.chat!.idle.sent),
        ...frameRow('  Enter → its frame reached the receiver', results.chat!.idle.frames),
      ],
    ),
    ...(['sender', 'receiver'] as const).map((side) => {
      const tasks = results.chat!.longTasks[side];
      const total = tasks.reduce((sum, task) => sum + task.ms, 0);
      const max = tasks.reduce((most, task) => Math.max(most, task.ms), 0);
      return `  ${side}'s main thread meanwhile: ${tasks.length} long tasks (≥ 50 ms), ${total.toFixed(0)} ms in all, longest ${max.toFixed(0)} ms`;
    }),
    '',
    `Receiver JS heap during a ${mib(results.heapBytes)} transfer (one browser, file at ${heap.transfer.mbps.toFixed(1)} MB/s, ${heap.samples} samples):`,
    `  before ${heap.beforeMiB.toFixed(1)} MiB, max ${heap.maxMiB.toFixed(1)} MiB, after GC ${heap.afterGcMiB.toFixed(1)} MiB: growth ${growth.toFixed(1)} MiB`,
    '',
  );
  const verdict = (name: string, text: string, met: boolean): string =>
    `${name} ${text}: ${met ? 'met' : 'MISSED'}`;
  lines.push(
    verdict(
      'ratio, one browser',
      `${ratioOne.toFixed(3)} (target ≥ ${TARGETS.ratio})`,
      ratioOne >= TARGETS.ratio,
    ),
    verdict(
      'ratio, two browsers',
      `${ratioTwo.toFixed(3)} (target ≥ ${TARGETS.ratio})`,
      ratioTwo >= TARGETS.ratio,
    ),
    verdict(
      'chat p99',
      `${chat.p99.toFixed(2)} ms (target < ${TARGETS.chatP99Ms} ms)`,
      chat.p99 < TARGETS.chatP99Ms,
    ),
    verdict(
      'heap growth',
      `${growth.toFixed(1)} MiB (target < ${TARGETS.heapGrowthMiB})`,
      growth < TARGETS.heapGrowthMiB,
    ),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stdout.write(
    `${JSON.stringify({
      ratio_one_browser: round3(ratioOne),
      ratio_two_browsers: round3(ratioTwo),
      mbps_two_browsers: round2(two!.parley!.run.mbps),
      chat_p99_ms_during_transfer: roundMs(chat.p99),
      receiver_heap_growth_mb: round2(growth),
      cpu_ms_per_mb_parley_one_browser: round2(cpuPerMb([one!.parley!])),
      cpu_ms_per_mb_raw_one_browser: round2(cpuPerMb(rawRuns(one!))),
      cpu_ms_per_mb_parley_two_browsers: round2(cpuPerMb([two!.parley!])),
      cpu_ms_per_mb_raw_two_browsers: round2(cpuPerMb(rawRuns(two!))),
      bare_text_p99_ms_at_parley_marks: one!.rawAtParleyMarks
        ? roundMs(summarize(one!.rawAtParleyMarks.run.chatMs).p99)
        : null,
      ...floorFields('one_browser', one!),
      ...floorFields('two_browsers', two!),
    })}\n`,
  );
}

/** The floor's JSON fields of one topology: its ratio to raw, Parley's ratio to it, its CPU per MB. */
function floorFields(topology: string, result: TopologyResult): Record<string, number | null> {
  const floor = floorMbps(result);
  return {
    [`floor_ratio_${topology}`]: floor === null ? null : round3(floor / rawMbps(result)),
    [`ratio_vs_floor_${topology}`]: floor === null ? null : round3(result.parley!.run.mbps / floor),
    [`cpu_ms_per_mb_floor_${topology}`]: floor === null ? null : round2(cpuPerMb(result.floor)),
  };
}
