/**
 * Files peer to peer, measured against the channel they travel on. In one run, on one machine, for
 * two topologies — two browser contexts of one Chromium, and two Chromium processes:
 *
 * (a) Raw: a bare RTCDataChannel between two blank pages (lib/raw-channel.ts), 64 KiB chunks with
 *     `bufferedAmount` high/low watermarks and no app logic, signaled through Node. A warm-up
 *     transfer first (a fresh connection is slower), then the measured one; measured again after
 *     the Parley transfers on the same connection, so the ratio is taken against the mean of a
 *     figure from before and one from after (the machine is shared; load moves).
 * (b) Parley: the real server process, two people who Create account, A opens the conversation with
 *     B from **Online users** (and B with A, so B's **Messages** log shows the file), a small warm-up
 *     file, then a random file of BENCH_FILES_MB chosen through **Attach file**'s file chooser. Timed
 *     from choosing the file to B's log showing **Save** in the message with the file's name (seen
 *     by an in-page observer, lib/file-probe.ts; confirmed afterwards with Playwright's locators).
 *     ratio = Parley MB/s ÷ raw MB/s of the same topology.
 * (c) Chat during a transfer (one Chromium, so both pages share a clock): while another file of the
 *     same size moves, A sends a message every 100 ms (text put in **Message**, Enter dispatched);
 *     latency is from that keydown to the message's insertion in B's **Messages** log. For
 *     reading the figure: 20 messages at the same pace with nothing moving, just before, and for
 *     both, when each message's frame came off B's data channel (in the channel's queue vs in the
 *     receiving app).
 * The raw channel's watermarks are 4 MiB / 1 MiB, chosen for its best throughput; the CPU time
 * the browsers and server spent per MB is printed next to each speed, since other people's load
 * on a shared machine moves MB/s far more than it moves CPU per MB.
 * (d) Receiver heap: during a transfer of BENCH_FILES_HEAP_MB (one Chromium), the receiving page's
 *     V8 heap (CDP `Runtime.getHeapUsage`) is sampled every 250 ms; growth = the highest sample − the
 *     heap after a forced GC just before. Workers' heaps and Blob storage are not in that figure.
 *
 * MB/s are decimal (10^6 bytes a second), as network speeds are; sizes and heap are MiB.
 * Flags: `--quick` divides the default sizes by 16 (a smoke run); `--raw-only` runs (a) alone.
 * Env: BENCH_FILES_MB (256), BENCH_FILES_HEAP_MB (1024), BENCH_FILES_WARMUP_MB (16) set sizes
 * outright (`--quick` leaves a size set this way alone).
 *
 * Prints tables, then as the last stdout line one JSON object:
 * {"ratio_one_browser","ratio_two_browsers","mbps_two_browsers","chat_p99_ms_during_transfer","receiver_heap_growth_mb"}
 * (with `--raw-only`: {"raw_mbps_one_browser","raw_mbps_two_browsers"}).
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BrowserContext, CDPSession, ElementHandle } from 'playwright-core';
import { launchProfileOnDisk } from '../test/e2e/harness/chromium.js';
import { PageProblems } from '../test/e2e/harness/page-problems.js';
import { Person } from '../test/e2e/harness/person.js';
import { ServerProcess } from '../test/e2e/harness/server-process.js';
import {
  FILE_PROBE_SCRIPT,
  expectSave,
  frameArrivals,
  saveSeen,
  wallClockMs,
  writeRandomFile,
} from './lib/file-probe.js';
import type { SaveSeen } from './lib/file-probe.js';
import { roundMs, summarize } from './lib/latency-stats.js';
import { arrivalOf, latencyToken, watchArrivals } from './lib/page-probes.js';
import { formatTable } from './lib/print-table.js';
import { RawPair } from './lib/raw-channel.js';
import type { RawTransfer } from './lib/raw-channel.js';
import { cpuSpent, descendantCpu } from './lib/process-cpu.js';

const MiB = 1024 * 1024;
const QUICK = process.argv.includes('--quick');
const RAW_ONLY = process.argv.includes('--raw-only');

const FILE_BYTES = sizeMiB('BENCH_FILES_MB', 256);
const HEAP_BYTES = sizeMiB('BENCH_FILES_HEAP_MB', 1024);
const WARMUP_BYTES = sizeMiB('BENCH_FILES_WARMUP_MB', 16);

const CHAT_INTERVAL_MS = 100;
/** A transfer slower than this fails its timeout: something is wrong, not slow. */
const SLOWEST_MBPS = 2;
const SETUP_TIMEOUT_MS = 30_000;
const ARRIVAL_TIMEOUT_MS = 15_000;
const HEAP_SAMPLE_MS = 250;
/** The whole run stops (and cleans up) after this long: every byte at the slowest rate, plus set-up. */
const DEADLINE_MS =
  180_000 +
  transferTimeoutMs(
    RAW_ONLY ? 6 * FILE_BYTES + 2 * WARMUP_BYTES : 9 * FILE_BYTES + 4 * WARMUP_BYTES + HEAP_BYTES,
  );

const TARGETS = { ratio: 0.9, chatP99Ms: 50, heapGrowthMiB: 64 };

const startedAt = performance.now();
/** Other people's work moves every figure here: say how busy the machine was. */
const loadAtStart = loadavg()[0]!;

function progress(line: string): void {
  const elapsed = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${elapsed} s] ${line}\n`);
}

/** A size in MiB from the environment, or `fallback` MiB (÷ 16 with `--quick`), as bytes. */
function sizeMiB(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw.trim() === '')
    return Math.max(1, Math.round((fallback * MiB) / (QUICK ? 16 : 1)));
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${variable} must be a positive number of MiB`);
  return Math.round(value * MiB);
}

function transferTimeoutMs(bytes: number): number {
  return Math.max(60_000, (bytes / 1e6 / SLOWEST_MBPS) * 1000);
}

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(bytes % MiB === 0 ? 0 : 1)} MiB`;
}

function mbps(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

// ── topologies ──────────────────────────────────────────────────────────────────────────────────

type TopologyName = 'one browser' | 'two browsers';

interface Topology {
  name: TopologyName;
  /**
   * Where the sender lives, and where the receiver does: one profile on disk (one Chromium) with the
   * two at different origins, or two profiles (two Chromium processes). On disk, because a file's
   * chunks go to IndexedDB and an in-memory profile would neither write them nor hold 1 GiB.
   */
  sender: { context: BrowserContext; url: string };
  receiver: { context: BrowserContext; url: string };
}

interface TopologyResult {
  name: TopologyName;
  rawBefore: Costed<RawTransfer>;
  rawAfter: Costed<RawTransfer> | null;
  parley: Costed<FileTransfer> | null;
}

function rawRuns(result: TopologyResult): Costed<RawTransfer>[] {
  return [result.rawBefore, ...(result.rawAfter ? [result.rawAfter] : [])];
}

/** The mean raw MB/s of a topology (before and after Parley's transfer, when both were taken). */
function rawMbps(result: TopologyResult): number {
  const runs = rawRuns(result);
  return runs.reduce((sum, { run }) => sum + run.mbps, 0) / runs.length;
}

/**
 * A result with the CPU time the browsers and the server spent on it. The machine is shared, so
 * MB/s move with other people's load; CPU per MB moves far less, and on a CPU-bound transfer the
 * ratio of two CPU costs predicts the ratio of two speeds on an idle machine.
 */
interface Costed<T> {
  run: T;
  cpuMs: number;
}

async function costed<T>(task: () => Promise<T>): Promise<Costed<T>> {
  const before = descendantCpu();
  const run = await task();
  const spent = cpuSpent(before, descendantCpu());
  return { run, cpuMs: [...spent.values()].reduce((sum, ms) => sum + ms, 0) };
}

/** CPU ms per decimal MB moved. */
function cpuPerMb(costs: readonly Costed<{ bytes: number }>[]): number {
  const cpuMs = costs.reduce((sum, cost) => sum + cost.cpuMs, 0);
  const bytes = costs.reduce((sum, cost) => sum + cost.run.bytes, 0);
  return cpuMs / (bytes / 1e6);
}

// ── Parley through its UI ───────────────────────────────────────────────────────────────────────

interface FileTransfer {
  bytes: number;
  ms: number;
  mbps: number;
  via: SaveSeen['via'];
  /** When the file was chosen, on the probes' clock. */
  chosenAt: number;
}

class Files {
  readonly #dir: string;
  #count = 0;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** A fresh random file of `bytes`, with a name no message or other file contains. */
  async #make(label: string, bytes: number): Promise<string> {
    this.#count += 1;
    const path = join(this.#dir, `bench-${label}-${this.#count}-${randomBytes(4).toString('hex')}.bin`);
    await writeRandomFile(path, bytes);
    return path;
  }

  /**
   * Writes a file, has `task` send it, and deletes it after: the files of a full run add up to
   * almost 2 GiB.
   */
  async with<T>(label: string, bytes: number, task: (path: string) => Promise<T>): Promise<T> {
    const path = await this.#make(label, bytes);
    try {
      return await task(path);
    } finally {
      await rm(path, { force: true });
    }
  }
}

async function meetInConversation(
  topology: Topology,
  names: readonly [string, string],
  problems: PageProblems,
): Promise<[Person, Person]> {
  const sender = await Person.arriveIn(topology.sender.context, topology.sender.url, names[0], problems);
  const receiver = await Person.arriveIn(
    topology.receiver.context,
    topology.receiver.url,
    names[1],
    problems,
  );
  await sender.register();
  await receiver.register();
  await sender.waitUntilOnline(receiver.name, SETUP_TIMEOUT_MS);
  await sender.openChat(receiver.name);
  await receiver.waitUntilOnline(sender.name, SETUP_TIMEOUT_MS);
  await receiver.openChat(sender.name);
  await sender.directConnection.waitFor({ timeout: SETUP_TIMEOUT_MS });
  await receiver.directConnection.waitFor({ timeout: SETUP_TIMEOUT_MS });
  return [sender, receiver];
}

/**
 * Sends the file at `path` from `sender` through **Attach file** and waits until `receiver`'s log
 * offers **Save** for it. Timed from choosing the file in the file chooser.
 */
async function sendFile(
  sender: Person,
  receiver: Person,
  path: string,
  bytes: number,
  onChosen: () => void = () => undefined,
): Promise<FileTransfer> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const timeoutMs = transferTimeoutMs(bytes);
  await expectSave(receiver.page, name);
  const chooserShown = sender.page.waitForEvent('filechooser', { timeout: SETUP_TIMEOUT_MS });
  await sender.page.getByRole('button', { name: 'Attach file', exact: true }).click();
  const chooser = await chooserShown;
  const chosenAt = wallClockMs();
  await chooser.setFiles(path);
  onChosen();
  const seen = await saveSeen(receiver.page, name, timeoutMs);
  // The probe's notion of "Save" is looser than a person's: confirm with the UI contract's names.
  const article = receiver.messageLog.getByRole('article').filter({ hasText: name });
  await article
    .getByRole('button', { name: 'Save' })
    .or(article.getByRole('link', { name: 'Save' }))
    .first()
    .waitFor({ timeout: ARRIVAL_TIMEOUT_MS });
  const ms = seen.at - chosenAt;
  return { bytes, ms, mbps: mbps(bytes, ms), via: seen.via, chosenAt };
}

interface ChatSamples {
  /** Sent while the file moved. */
  during: ChatLatencies;
  /** The same pace with nothing else moving, just before: what the machine gives chat anyway. */
  idle: ChatLatencies;
  transfer: FileTransfer;
}

/** Messages before the transfer, for the baseline. */
const IDLE_CHAT_MESSAGES = 20;

interface ChatSent {
  token: string;
  at: number;
}

/**
 * Sends a chat message from `box` every 100 ms while `going()` says so (and at most `max`), each
 * with a fresh token (`lat-<n>`), as bench/lib/page-probes.ts's `sendFromPage` does: text put in the
 * box and Enter dispatched in the page, timed just before. Bounded by `timeoutMs` as well.
 */
async function chatEvery100Ms(
  box: ElementHandle,
  tokens: { next: number },
  going: () => boolean,
  max: number,
  timeoutMs: number,
): Promise<ChatSent[]> {
  const sent: ChatSent[] = [];
  const stopAt = wallClockMs() + timeoutMs;
  while (going() && sent.length < max && wallClockMs() < stopAt) {
    const token = latencyToken(tokens.next);
    tokens.next += 1;
    const at = await box.evaluate((box, text) => {
      (box as HTMLTextAreaElement).value = text;
      const at = performance.timeOrigin + performance.now();
      box.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }),
      );
      return at;
    }, `${token} hello there`);
    sent.push({ token, at });
    const next = sent[0]!.at + sent.length * CHAT_INTERVAL_MS;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - wallClockMs())));
  }
  return sent;
}

interface ChatLatencies {
  /** Enter → shown in the receiver's log. */
  shown: number[];
  /** Enter → its frame came off the receiver's data channel (transport alone). */
  frames: number[];
}

/** Latencies of the messages sent up to `until` (all of them must arrive). */
async function chatLatencies(
  receiver: Person,
  sent: readonly ChatSent[],
  until = Infinity,
): Promise<ChatLatencies> {
  const counted = sent.filter(({ at }) => at <= until);
  const shown: number[] = [];
  for (const { token, at } of sent) {
    const shownAt = await arrivalOf(receiver.page, token, ARRIVAL_TIMEOUT_MS);
    if (at <= until) shown.push(shownAt - at);
  }
  const frameTimes = await frameArrivals(
    receiver.page,
    counted.map(({ token }) => token),
  );
  const frames = counted.flatMap(({ at }, index) => {
    const frameAt = frameTimes[index];
    return frameAt === null || frameAt === undefined ? [] : [frameAt - at];
  });
  return { shown, frames };
}

/**
 * Chat every 100 ms with nothing else moving (the baseline), then again while a file moves: from
 * the moment it is chosen until its **Save** shows.
 */
async function chatDuringTransfer(
  sender: Person,
  receiver: Person,
  path: string,
  bytes: number,
): Promise<ChatSamples> {
  // Found once: a locator would query the page's roles again for every message.
  const box = await sender.messageBox.elementHandle({ timeout: SETUP_TIMEOUT_MS });
  try {
    const tokens = { next: 0 };
    const idleSent = await chatEvery100Ms(box, tokens, () => true, IDLE_CHAT_MESSAGES, SETUP_TIMEOUT_MS);
    const idle = await chatLatencies(receiver, idleSent);

    let moving = true;
    let markChosen: () => void = () => undefined;
    const chosen = new Promise<void>((resolve) => (markChosen = resolve));
    const transfer = sendFile(sender, receiver, path, bytes, markChosen).finally(() => {
      moving = false;
      markChosen();
    });
    // Awaited below; until then a failure must not count as unhandled.
    transfer.catch(() => undefined);
    await chosen;
    const sent = await chatEvery100Ms(box, tokens, () => moving, Infinity, transferTimeoutMs(bytes));
    const result = await transfer;
    const during = await chatLatencies(receiver, sent, result.chosenAt + result.ms);
    if (during.shown.length === 0) throw new Error('no chat message was sent while the file moved');
    return { during, idle, transfer: result };
  } finally {
    await box.dispose();
  }
}

interface HeapSamples {
  beforeMiB: number;
  maxMiB: number;
  afterGcMiB: number;
  samples: number;
  transfer: FileTransfer;
}

async function usedHeapMiB(cdp: CDPSession): Promise<number> {
  return (await cdp.send('Runtime.getHeapUsage')).usedSize / MiB;
}

/** Sends a file while sampling the receiving page's JS heap. */
async function heapDuringTransfer(
  sender: Person,
  receiver: Person,
  path: string,
  bytes: number,
): Promise<HeapSamples> {
  const cdp = await receiver.context.newCDPSession(receiver.page);
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const beforeMiB = await usedHeapMiB(cdp);
    let maxMiB = beforeMiB;
    let samples = 0;
    let moving = true;
    const transfer = sendFile(sender, receiver, path, bytes).finally(() => {
      moving = false;
    });
    transfer.catch(() => undefined);
    const stopAt = wallClockMs() + transferTimeoutMs(bytes);
    while (moving && wallClockMs() < stopAt) {
      maxMiB = Math.max(maxMiB, await usedHeapMiB(cdp));
      samples += 1;
      await new Promise((resolve) => setTimeout(resolve, HEAP_SAMPLE_MS));
    }
    const result = await transfer;
    maxMiB = Math.max(maxMiB, await usedHeapMiB(cdp));
    await cdp.send('HeapProfiler.collectGarbage');
    const afterGcMiB = await usedHeapMiB(cdp);
    return { beforeMiB, maxMiB, afterGcMiB, samples, transfer: result };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

// ── the run ─────────────────────────────────────────────────────────────────────────────────────

interface Results {
  topologies: TopologyResult[];
  chat: ChatSamples | null;
  heap: HeapSamples | null;
}

async function runTopology(
  topology: Topology,
  server: ServerProcess,
  files: Files,
  problems: PageProblems,
  results: Results,
): Promise<void> {
  const contexts = [topology.sender.context, topology.receiver.context];
  const people: Person[] = [];
  try {
    progress(`${topology.name}: raw data channel`);
    const raw = await RawPair.connect(contexts[0]!, contexts[1]!, server.url, SETUP_TIMEOUT_MS);
    const warm = await raw.transfer(WARMUP_BYTES, transferTimeoutMs(WARMUP_BYTES));
    progress(`  warm-up ${mib(WARMUP_BYTES)}: ${warm.mbps.toFixed(1)} MB/s`);
    const rawBefore = await costed(() => raw.transfer(FILE_BYTES, transferTimeoutMs(FILE_BYTES)));
    progress(`  ${mib(FILE_BYTES)}: ${rawBefore.run.mbps.toFixed(1)} MB/s`);
    const result: TopologyResult = { name: topology.name, rawBefore, rawAfter: null, parley: null };
    results.topologies.push(result);

    if (!RAW_ONLY) {
      const tag = topology.name === 'one browser' ? '1' : '2';
      const [sender, receiver] = await meetInConversation(topology, [`ann${tag}`, `ben${tag}`], problems);
      people.push(sender, receiver);
      await watchArrivals(receiver.messageLog);
      progress(`${topology.name}: Parley, warm-up file of ${mib(WARMUP_BYTES)}`);
      const warmFile = await files.with('warm', WARMUP_BYTES, (path) =>
        sendFile(sender, receiver, path, WARMUP_BYTES),
      );
      progress(`  ${warmFile.mbps.toFixed(1)} MB/s`);
      progress(`${topology.name}: Parley, ${mib(FILE_BYTES)}`);
      result.parley = await files.with('file', FILE_BYTES, (path) =>
        costed(() => sendFile(sender, receiver, path, FILE_BYTES)),
      );
      progress(`  ${result.parley.run.mbps.toFixed(1)} MB/s`);

      if (topology.name === 'one browser') {
        progress(`${topology.name}: chat every ${CHAT_INTERVAL_MS} ms during a ${mib(FILE_BYTES)} transfer`);
        results.chat = await files.with('chat', FILE_BYTES, (path) =>
          chatDuringTransfer(sender, receiver, path, FILE_BYTES),
        );
        progress(
          `  ${results.chat.during.shown.length} messages, file at ${results.chat.transfer.mbps.toFixed(1)} MB/s`,
        );
        progress(`${topology.name}: receiver heap during a ${mib(HEAP_BYTES)} transfer`);
        results.heap = await files.with('heap', HEAP_BYTES, (path) =>
          heapDuringTransfer(sender, receiver, path, HEAP_BYTES),
        );
        progress(`  ${(results.heap.maxMiB - results.heap.beforeMiB).toFixed(1)} MiB growth`);
      }
    }
    result.rawAfter = await costed(() => raw.transfer(FILE_BYTES, transferTimeoutMs(FILE_BYTES)));
    progress(`  raw again, ${mib(FILE_BYTES)}: ${result.rawAfter.run.mbps.toFixed(1)} MB/s`);
  } finally {
    // The profiles belong to the whole run; each person only closes their tab.
    for (const person of people) await person.closePage();
  }
}

function report(results: Results): void {
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
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = [
    `Files peer to peer: ${mib(FILE_BYTES)} transfers, 64 KiB chunks (load average at start ${loadAtStart.toFixed(2)})`,
    ...rows.map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  '),
    ),
  ];
  lines.push(
    '  CPU/MB: CPU ms the browsers and the server spent per MB moved (/proc); CPU ratio = raw CPU/MB ÷',
    '  Parley CPU/MB, which predicts the ratio on an idle machine when both are CPU-bound.',
  );
  for (const result of results.topologies) {
    if (result.parley?.run.via === 'scan')
      lines.push(`  (${result.name}: Save was seen by the 1 s scan, not the observer: the time is ±1 s)`);
  }
  const one = results.topologies.find((result) => result.name === 'one browser');
  const two = results.topologies.find((result) => result.name === 'two browsers');

  if (RAW_ONLY) {
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
      `Chat every ${CHAT_INTERVAL_MS} ms during a ${mib(FILE_BYTES)} transfer (one browser; file at ${results.chat!.transfer.mbps.toFixed(1)} MB/s)`,
      [
        { label: 'Enter → shown to the receiver', summary: chat },
        ...frameRow('  Enter → its frame reached the receiver', results.chat!.during.frames),
        { label: 'nothing else moving (before): shown', summary: summarize(results.chat!.idle.shown) },
        ...frameRow('  Enter → its frame reached the receiver', results.chat!.idle.frames),
      ],
    ),
    '',
    `Receiver JS heap during a ${mib(HEAP_BYTES)} transfer (one browser, file at ${heap.transfer.mbps.toFixed(1)} MB/s, ${heap.samples} samples):`,
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
      ratio_one_browser: Math.round(ratioOne * 1000) / 1000,
      ratio_two_browsers: Math.round(ratioTwo * 1000) / 1000,
      mbps_two_browsers: round2(two!.parley!.run.mbps),
      chat_p99_ms_during_transfer: roundMs(chat.p99),
      receiver_heap_growth_mb: round2(growth),
    })}\n`,
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-files-'));
  let server: ServerProcess | null = null;
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  // A signal skips `finally`: the files (up to a GiB) and the server's data must go anyway.
  // Playwright closes its browsers on these signals and ServerProcess kills the server on exit.
  const onSignal = (signal: NodeJS.Signals): void => {
    removeDir();
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
    process.stderr.write(`[bench] stopped by ${signal}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const problems = new PageProblems((line) => process.stderr.write(`${line}\n`));
  const profiles: BrowserContext[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    progress(
      `sizes: ${mib(FILE_BYTES)} per transfer, warm-up ${mib(WARMUP_BYTES)}` +
        (RAW_ONLY ? ' (raw only)' : `, heap run ${mib(HEAP_BYTES)}`) +
        `; deadline ${Math.round(DEADLINE_MS / 1000)} s`,
    );
    server = await ServerProcess.start({ env: { PARLEY_SCRYPT_COST: '1024' } });
    // Two origins of one server: two people in one profile keep separate storage.
    const here = new URL(server.url);
    const atIp = `http://127.0.0.1:${here.port}`;
    const atName = `http://localhost:${here.port}`;
    const profile = async (name: string): Promise<BrowserContext> => {
      const context = await launchProfileOnDisk(join(dir, name), [atIp, atName], [FILE_PROBE_SCRIPT]);
      profiles.push(context);
      return context;
    };
    const shared = await profile('profile-one');
    const [own1, own2] = [await profile('profile-two-a'), await profile('profile-two-b')];
    progress(`server ${server.url}, profiles on disk under ${dir}`);
    const files = new Files(dir);
    const results: Results = { topologies: [], chat: null, heap: null };
    const topologies: Topology[] = [
      {
        name: 'one browser',
        sender: { context: shared, url: `${atIp}/` },
        receiver: { context: shared, url: `${atName}/` },
      },
      {
        name: 'two browsers',
        sender: { context: own1, url: `${atIp}/` },
        receiver: { context: own2, url: `${atIp}/` },
      },
    ];
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the benchmark took over ${Math.round(DEADLINE_MS / 1000)} s`)),
        DEADLINE_MS,
      );
    });
    const run = async (): Promise<void> => {
      for (const topology of topologies) await runTopology(topology, server!, files, problems, results);
    };
    await Promise.race([run(), deadline]);
    problems.assertNoUncaughtErrors();
    report(results);
  } finally {
    clearTimeout(timer);
    for (const context of profiles) await context.close().catch(() => undefined);
    await server?.dispose();
    removeDir();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
