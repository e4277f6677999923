/**
 * Files peer to peer, measured against the channel they travel on. In one run, on one machine, for
 * two topologies — two browser contexts of one Chromium, and two Chromium processes:
 *
 * (a) Raw: a bare RTCDataChannel between two blank pages (lib/raw-channel.ts), 64 KiB chunks with
 *     `bufferedAmount` high/low watermarks and no app logic, signaled through Node. A warm-up
 *     transfer first (a fresh connection is slower), then the measured one; measured again after
 *     the Parley transfers on the same connection, so the ratio is taken against the mean of a
 *     figure from before and one from after (the machine is shared; load moves).
 * (a') The stored floor (lib/stored-floor.ts): the same raw channel carrying the chosen file with
 *     the least a kept file needs (read and digest 1 MiB slices; digest each 1 MiB received and write
 *     4 MiB at a time to IndexedDB), before and after Parley's transfer. floor ÷ raw bounds the
 *     ratio of any app that stores what it receives; Parley ÷ floor is what Parley's own design
 *     costs. In one browser, also a raw transfer at Parley's bulk water marks, whose text lane is
 *     the chat figure's reference.
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
 * outright (`--quick` leaves a size set this way alone). BENCH_FILES_PROFILE=1 also takes a CPU
 * profile of both pages' main threads during the one-browser transfer and prints, on stderr, the
 * time by stage (hash, app script, native work such as IndexedDB and the channel, GC, idle).
 *
 * Prints tables, then as the last stdout line one JSON object:
 * {"ratio_one_browser","ratio_two_browsers","mbps_two_browsers","chat_p99_ms_during_transfer","receiver_heap_growth_mb",
 *  "cpu_ms_per_mb_parley_one_browser","cpu_ms_per_mb_raw_one_browser","cpu_ms_per_mb_parley_two_browsers",
 *  "cpu_ms_per_mb_raw_two_browsers", and the floor's and the reference's figures: lib/files-report.ts}
 * (CPU of the whole browser and server per MB moved)
 * (with `--raw-only`: {"raw_mbps_one_browser","raw_mbps_two_browsers"}).
 *
 * This file holds the sizes and the order of the run; each part is in lib/: raw-channel.ts (a),
 * file-transfer.ts (b), chat-during-transfer.ts (c), heap-during-transfer.ts (d), files-report.ts.
 */
import { loadavg } from 'node:os';
import type { BrowserContext } from 'playwright-core';
import type { Person } from '../test/e2e/harness/person.js';
import { CHAT_INTERVAL_MS, chatDuringTransfer } from './lib/chat-during-transfer.js';
import { FILE_PROBE_SCRIPT } from './lib/file-probe.js';
import { MiB, RandomFiles, SETUP_TIMEOUT_MS, mib, sendFile, transferTimeoutMs } from './lib/file-transfer.js';
import { reportFiles } from './lib/files-report.js';
import type { FileResults, TopologyName, TopologyResult } from './lib/files-report.js';
import { heapDuringTransfer } from './lib/heap-during-transfer.js';
import { watchArrivals } from './lib/page-probes.js';
import { meet, signUpIn } from './lib/people.js';
import { formatStageTimes, formatThreadTimes, profiled, threadsDuring } from './lib/cpu-profile.js';
import { costed } from './lib/process-cpu.js';
import { DEFAULT_RAW_OPTIONS, RawPair } from './lib/raw-channel.js';
import { storedTransfer } from './lib/stored-floor.js';
import { BULK_HIGH_WATER, BULK_LOW_WATER } from '../client/net/bulk-scheduler.js';
import { progress, runBench } from './lib/run-bench.js';
import type { Bench } from './lib/run-bench.js';

const QUICK = process.argv.includes('--quick');
const RAW_ONLY = process.argv.includes('--raw-only');
/** Profiles both pages' main threads during the one-browser transfer (lib/cpu-profile.ts); slows them. */
const PROFILE = process.env['BENCH_FILES_PROFILE'] === '1';

const FILE_BYTES = sizeMiB('BENCH_FILES_MB', 256);
const HEAP_BYTES = sizeMiB('BENCH_FILES_HEAP_MB', 1024);
const WARMUP_BYTES = sizeMiB('BENCH_FILES_WARMUP_MB', 16);

/** The whole run stops (and cleans up) after this long: every byte at the slowest rate, plus set-up. */
const DEADLINE_MS =
  180_000 +
  transferTimeoutMs(
    RAW_ONLY ? 6 * FILE_BYTES + 2 * WARMUP_BYTES : 14 * FILE_BYTES + 4 * WARMUP_BYTES + HEAP_BYTES,
  );

/** Other people's work moves every figure here: say how busy the machine was. */
const loadAtStart = loadavg()[0]!;

/** A size in MiB from the environment, or `fallback` MiB (÷ 16 with `--quick`), as bytes. */
function sizeMiB(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw.trim() === '')
    return Math.max(1, Math.round((fallback * MiB) / (QUICK ? 16 : 1)));
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${variable} must be a positive number of MiB`);
  return Math.round(value * MiB);
}

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

/** Two people of `topology` who have their conversation open on both sides, connected. */
async function meetInConversation(
  bench: Bench,
  topology: Topology,
  names: readonly [string, string],
): Promise<[Person, Person]> {
  const sender = await signUpIn(bench, topology.sender, names[0]);
  const receiver = await signUpIn(bench, topology.receiver, names[1]);
  await meet(sender, receiver, SETUP_TIMEOUT_MS);
  return [sender, receiver];
}

/** Raw before, Parley (and in one browser, chat and heap), raw after: all on one topology. */
async function runTopology(
  bench: Bench,
  topology: Topology,
  files: RandomFiles,
  results: FileResults,
): Promise<void> {
  const people: Person[] = [];
  try {
    progress(`${topology.name}: raw data channel`);
    const raw = await RawPair.connect(
      topology.sender.context,
      topology.receiver.context,
      bench.server.url,
      SETUP_TIMEOUT_MS,
    );
    const warm = await raw.transfer(WARMUP_BYTES, transferTimeoutMs(WARMUP_BYTES));
    progress(`  warm-up ${mib(WARMUP_BYTES)}: ${warm.mbps.toFixed(1)} MB/s`);
    const rawThreads = await threadsDuring(() =>
      costed(() => raw.transfer(FILE_BYTES, transferTimeoutMs(FILE_BYTES))),
    );
    const rawBefore = rawThreads.run;
    progress(`  ${mib(FILE_BYTES)}: ${rawBefore.run.mbps.toFixed(1)} MB/s`);
    const result: TopologyResult = {
      name: topology.name,
      rawBefore,
      rawAfter: null,
      rawAtParleyMarks: null,
      floor: [],
      parley: null,
    };
    results.topologies.push(result);
    if (topology.name === 'one browser' && !RAW_ONLY) {
      // The chat reference: a bare channel's text beside a transfer held at Parley's own marks.
      const marks = {
        ...DEFAULT_RAW_OPTIONS,
        highWaterBytes: BULK_HIGH_WATER,
        lowWaterBytes: BULK_LOW_WATER,
      };
      result.rawAtParleyMarks = await costed(() =>
        raw.transfer(FILE_BYTES, transferTimeoutMs(FILE_BYTES), marks),
      );
      progress(`  at Parley's water marks: ${result.rawAtParleyMarks.run.mbps.toFixed(1)} MB/s`);
    }
    /** The first floor run's threads, when profiling: what Parley's are set against. */
    let floorThreads: Map<string, number> | null = null;
    const floor = async (): Promise<void> => {
      const measured = await files.with('floor', FILE_BYTES, (path) =>
        threadsDuring(() =>
          costed(() => storedTransfer(raw, path, FILE_BYTES, transferTimeoutMs(FILE_BYTES))),
        ),
      );
      result.floor.push(measured.run);
      progress(`  stored floor, ${mib(FILE_BYTES)}: ${measured.run.run.mbps.toFixed(1)} MB/s`);
      if (!PROFILE || floorThreads) return;
      floorThreads = measured.threads;
      const megabytes = FILE_BYTES / 1e6;
      const baseline = { threads: rawThreads.threads, megabytes, name: 'raw channel' };
      for (const line of formatThreadTimes(
        `${topology.name}, stored floor`,
        floorThreads,
        megabytes,
        baseline,
      ))
        progress(line);
    };
    if (!RAW_ONLY) await floor();

    if (!RAW_ONLY) {
      const tag = topology.name === 'one browser' ? '1' : '2';
      const [sender, receiver] = await meetInConversation(bench, topology, [`ann${tag}`, `ben${tag}`]);
      people.push(sender, receiver);
      await watchArrivals(receiver.messageLog);
      progress(`${topology.name}: Parley, warm-up file of ${mib(WARMUP_BYTES)}`);
      const warmFile = await files.with('warm', WARMUP_BYTES, (path) =>
        sendFile(sender, receiver, path, WARMUP_BYTES),
      );
      progress(`  ${warmFile.mbps.toFixed(1)} MB/s`);
      progress(`${topology.name}: Parley, ${mib(FILE_BYTES)}`);
      result.parley = await files.with('file', FILE_BYTES, async (path) => {
        const send = () => costed(() => sendFile(sender, receiver, path, FILE_BYTES));
        if (!PROFILE) return send();
        const megabytes = FILE_BYTES / 1e6;
        const baseline = { threads: rawThreads.threads, megabytes, name: 'raw channel' };
        if (topology.name !== 'one browser') {
          const measured = await threadsDuring(send);
          for (const line of formatThreadTimes(topology.name, measured.threads, megabytes, baseline))
            progress(line);
          // The floor ran first (it runs whenever Parley does), so its threads are there to compare.
          const floored = { threads: floorThreads!, megabytes, name: 'stored floor' };
          for (const line of formatThreadTimes(topology.name, measured.threads, megabytes, floored))
            progress(line);
          return measured.run;
        }
        const measured = await threadsDuring(() =>
          profiled(receiver.page, () => profiled(sender.page, send)),
        );
        const atReceiver = measured.run;
        for (const line of [
          ...formatThreadTimes(`${topology.name} (V8 profiler on)`, measured.threads, megabytes, baseline),
          ...formatStageTimes('receiver', atReceiver.times, megabytes),
          ...formatStageTimes('sender', atReceiver.run.times, megabytes),
        ])
          progress(line);
        return atReceiver.run.run;
      });
      progress(`  ${result.parley.run.mbps.toFixed(1)} MB/s`);

      if (topology.name === 'one browser') {
        progress(`${topology.name}: chat every ${CHAT_INTERVAL_MS} ms during a ${mib(FILE_BYTES)} transfer`);
        results.chat = await files.with('chat', FILE_BYTES, async (path) => {
          const chat = () => chatDuringTransfer(sender, receiver, path, FILE_BYTES);
          if (!PROFILE) return chat();
          // Where the long tasks of the chat run come from, on each side.
          const atReceiver = await profiled(receiver.page, () => profiled(sender.page, chat));
          for (const line of [
            ...formatStageTimes('receiver, chat run', atReceiver.times, FILE_BYTES / 1e6),
            ...formatStageTimes('sender, chat run', atReceiver.run.times, FILE_BYTES / 1e6),
          ])
            progress(line);
          return atReceiver.run.run;
        });
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
    if (!RAW_ONLY) await floor();
  } finally {
    // The profiles belong to the whole run; each person only closes their tab.
    for (const person of people) await person.closePage();
  }
}

async function measure(bench: Bench): Promise<FileResults> {
  progress(
    `sizes: ${mib(FILE_BYTES)} per transfer, warm-up ${mib(WARMUP_BYTES)}` +
      (RAW_ONLY ? ' (raw only)' : `, heap run ${mib(HEAP_BYTES)}`) +
      `; deadline ${Math.round(DEADLINE_MS / 1000)} s`,
  );
  // Two origins of one server: two people in one profile keep separate storage.
  const port = new URL(bench.server.url).port;
  const atIp = `http://127.0.0.1:${port}`;
  const atName = `http://localhost:${port}`;
  const profile = (name: string) => bench.profileOnDisk(name, [atIp, atName], [FILE_PROBE_SCRIPT]);
  const shared = await profile('profile-one');
  const [own1, own2] = [await profile('profile-two-a'), await profile('profile-two-b')];
  progress(`server ${bench.server.url}, profiles on disk under ${bench.dir}`);
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
  const files = new RandomFiles(bench.dir);
  const results: FileResults = {
    fileBytes: FILE_BYTES,
    heapBytes: HEAP_BYTES,
    loadAtStart,
    rawOnly: RAW_ONLY,
    topologies: [],
    chat: null,
    heap: null,
  };
  for (const topology of topologies) await runTopology(bench, topology, files, results);
  return results;
}

runBench({ deadlineMs: DEADLINE_MS, serverEnv: { PARLEY_SCRYPT_COST: '1024' } }, measure, reportFiles);
