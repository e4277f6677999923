/**
 * Group chat at the size of a class: the real server process, one sender and 16 members, each in a
 * browser context of one Chromium (17 renderers on 2 cores). Accounts are made through the UI once
 * (with a cheap scrypt cost: signing in is not what is measured), the sender creates the group
 * through **New group**, and every member connects to every other (a group is a full mesh). Then:
 *
 * (a) Fan-out: from the Enter keydown in the sender's **Message** box to the moment the last of the
 *     16 members has the message, in-page timestamps on the clock all pages of one Chromium share.
 *     Measured twice, 100 messages each:
 *     - group not open: members look at nothing (no rendered log), and "has it" is read from their
 *       **Groups** list: the group's button says one more `N unread`, which the app does only once
 *       the message is stored on that device (lib/group-probe.ts) — cheap to watch, and the moment
 *       the message is safe;
 *     - group open on all 16 pages: "has it" is the message's insertion in the **Messages** log (a
 *       MutationObserver, lib/page-probes.ts) — what a person looking at the group sees, and the
 *       definition bench/latency.ts uses for two people, so this one is the headline.
 *     Messages are paced: the next is sent once every member has the previous one and the sender
 *     shows it `delivered to all 16`. For reference the probe also records when each message's
 *     frame reached each page (transport alone), and /proc gives the CPU the whole browser spent
 *     per message: on 2 cores with 17 renderers, that is the limit.
 * (b) Catch-up: one member closes its page, and so do all but 3 others (15 live members storing a
 *     burst of 1,000 would take minutes on 2 cores); the sender sends 1,000 messages in a burst
 *     (Enter dispatched in a loop); the member opens Parley again — its remembered session signs
 *     it in — and we time from that page's navigation start to its **Groups** list counting all
 *     1,000 as unread, i.e. stored. It catches up from the sender (its outbox) and from every
 *     member online (group catch-up), as the app does. A second round does the same with only the
 *     sender online, which leaves the sender's outbox to do it all.
 *
 * Prints tables, then as the last stdout line one JSON object:
 * {"members","fanout_p50_ms","fanout_p99_ms","catchup_1000_ms"}, the catch-up being the first round's.
 * BENCH_GROUP_MEMBERS (16) and BENCH_GROUP_PRESENT (3) change the group's size and who stays for (b).
 */
import { availableParallelism } from 'node:os';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/e2e/harness/chromium.js';
import { PageProblems } from '../test/e2e/harness/page-problems.js';
import { Person } from '../test/e2e/harness/person.js';
import type { MessageState } from '../test/e2e/harness/person.js';
import { ServerProcess } from '../test/e2e/harness/server-process.js';
import {
  GROUP_PROBE_SCRIPT,
  channelTraffic,
  entrySeen,
  frameArrivals,
  sendBurst,
  unreadReached,
  waitForMessageSaying,
  waitForOpenChannels,
} from './lib/group-probe.js';
import type { ChannelTraffic } from './lib/group-probe.js';
import { roundMs, summarize } from './lib/latency-stats.js';
import { arrivalOf, latencyToken, sendFromPage, watchArrivals } from './lib/page-probes.js';
import { formatTable } from './lib/print-table.js';
import { cpuSpent, descendantCpu } from './lib/process-cpu.js';

const MEMBERS = wholeNumber('BENCH_GROUP_MEMBERS', 16, 2);
/** Members other than the returning one who stay online during (b). */
const PRESENT = Math.min(MEMBERS - 1, wholeNumber('BENCH_GROUP_PRESENT', 3));
const GROUP = 'Bench';
const WARMUP_MESSAGES = 10;
const MEASURED_MESSAGES = 100;
/** Opening the group renders its history in every member's page: settle before measuring again. */
const OPEN_WARMUP_MESSAGES = 10;
const CATCHUP_MESSAGES = 1000;
/** How many people sign up at once (page loads and scrypt in parallel). */
const SIGN_UP_CONCURRENCY = 6;
const IDLE_SAMPLE_MS = 3000;
/** The whole run stops (and cleans up) after this long. */
const DEADLINE_MS = 360_000;
const SETUP_TIMEOUT_MS = 60_000;
const ARRIVAL_TIMEOUT_MS = 15_000;
const CATCHUP_TIMEOUT_MS = 120_000;

const TARGETS = { fanoutP50: 50 };

const startedAt = performance.now();

function progress(line: string): void {
  const elapsed = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(5);
  process.stderr.write(`[bench ${elapsed} s] ${line}\n`);
}

function wholeNumber(variable: string, fallback: number, min = 0): number {
  const raw = process.env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${variable} must be an integer ≥ ${min}`);
  return value;
}

function memberName(index: number): string {
  return `m${String(index + 1).padStart(2, '0')}`;
}

/** What the sender's own group message says once `count` of the members have it. */
function deliveredTo(count: number): MessageState {
  return count === MEMBERS ? `delivered to all ${MEMBERS}` : `delivered to ${count} of ${MEMBERS}`;
}

/** Runs `task` over `items`, at most `limit` at a time, keeping the order of the results. */
async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += limit) {
    results.push(...(await Promise.all(items.slice(start, start + limit).map(task))));
  }
  return results;
}

interface Bench {
  sender: Person;
  members: Person[];
  /** The unread count of the group that members who have not opened it show now. */
  unread: number;
  /** Messages sent so far: each carries its own token (`lat-<n>`). */
  sent: number;
}

/** How a member is known to have a message: see lib/group-probe.ts and lib/page-probes.ts. */
type Arrival = 'stored' | 'shown';

interface FanoutSamples {
  /** Enter → the last member has it, one per message. */
  all: number[];
  /** Enter → one member has it, one per message and member. */
  perMember: number[];
  /** Enter → the frame reached the last member's page. */
  framesAll: number[];
  wallMs: number;
  /** CPU ms the browser, its renderers and the server spent, by process kind. */
  cpu: Map<string, number>;
}

interface CatchupResult {
  /** How many members other than the returning one were online. */
  stay: number;
  /** From the returning page's navigation start. */
  listedMs: number;
  doneMs: number;
  /** The unread count it ended with, and the one it should have. */
  unread: number;
  expected: number;
  traffic: ChannelTraffic;
  burstMs: number;
  burstSpreadMs: number;
  senderDeliveredMs: number;
}

async function setUp(server: ServerProcess, browser: Browser, problems: PageProblems): Promise<Bench> {
  const names = Array.from({ length: MEMBERS }, (_, index) => memberName(index));
  progress(`${MEMBERS + 1} people sign up through the UI`);
  const sender = await Person.arrive(browser, server.url, 'host', problems);
  await sender.register();
  const members = await inBatches(names, SIGN_UP_CONCURRENCY, async (name) => {
    const person = await Person.arrive(browser, server.url, name, problems, [GROUP_PROBE_SCRIPT]);
    await person.register();
    return person;
  });
  for (const name of names) await sender.waitUntilOnline(name, SETUP_TIMEOUT_MS);

  progress(`host creates "${GROUP}" with ${MEMBERS} members through New group`);
  await sender.createGroup(GROUP, names, SETUP_TIMEOUT_MS);
  await sender.waitForMembers(['host', ...names], SETUP_TIMEOUT_MS);
  await Promise.all(members.map((member) => unreadReached(member.page, GROUP, 0, SETUP_TIMEOUT_MS)));
  // Measure once the mesh has formed, not while its connections are being negotiated.
  const meshStart = performance.now();
  await Promise.all(members.map((member) => waitForOpenChannels(member.page, MEMBERS, SETUP_TIMEOUT_MS)));
  const connections = ((MEMBERS + 1) * MEMBERS) / 2;
  progress(`mesh of ${connections} connections open after ${Math.round(performance.now() - meshStart)} ms`);
  return { sender, members, unread: 0, sent: 0 };
}

/** CPU per second of the whole browser with everyone connected and nothing said. */
async function idleCpu(): Promise<Map<string, number>> {
  const before = descendantCpu();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_MS));
  const spent = cpuSpent(before, descendantCpu());
  return new Map([...spent].map(([kind, ms]) => [kind, ms / (IDLE_SAMPLE_MS / 1000)]));
}

/**
 * Sends `count` paced messages and times each one's fan-out: until every member has it `stored`
 * (its unread count in **Groups** went up; the group is not open) or `shown` (it was inserted in
 * the open group's **Messages** log).
 */
async function fanOut(bench: Bench, count: number, arrival: Arrival): Promise<FanoutSamples> {
  const samples: FanoutSamples = { all: [], perMember: [], framesAll: [], wallMs: 0, cpu: new Map() };
  const sends: Array<{ token: string; sentAt: number }> = [];
  const cpuBefore = descendantCpu();
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const token = latencyToken(bench.sent);
    const text = `${token} hello group`;
    const target = bench.unread + 1;
    // The waits are set up in every page before the send, so no driver traffic crosses the
    // measured interval: a page runs evaluations in order, so once a no-op has run after the
    // waits, each wait's waiter is in place.
    const waits = bench.members.map((member) =>
      arrival === 'stored'
        ? unreadReached(member.page, GROUP, target, ARRIVAL_TIMEOUT_MS)
        : arrivalOf(member.page, token, ARRIVAL_TIMEOUT_MS),
    );
    await Promise.all(bench.members.map((member) => member.page.evaluate(() => undefined)));
    const sentAt = await sendFromPage(bench.sender.messageBox, text);
    bench.sent += 1;
    const arrivals = await Promise.all(waits);
    if (arrival === 'stored') bench.unread = target;
    samples.all.push(Math.max(...arrivals) - sentAt);
    for (const at of arrivals) samples.perMember.push(at - sentAt);
    sends.push({ token, sentAt });
    await waitForMessageSaying(bench.sender.page, token, `delivered to all ${MEMBERS}`, ARRIVAL_TIMEOUT_MS);
  }
  samples.wallMs = performance.now() - started;
  samples.cpu = cpuSpent(cpuBefore, descendantCpu());
  const frames = await Promise.all(bench.members.map((member) => frameArrivals(member.page)));
  for (const { token, sentAt } of sends) {
    const times = frames.map((byToken) => byToken[token]);
    if (times.every((at) => at !== undefined)) samples.framesAll.push(Math.max(...times) - sentAt);
  }
  return samples;
}

/**
 * The last member closes its page, and so does everyone not in `stay`; the sender sends a burst of
 * `CATCHUP_MESSAGES`; the member comes back and catches up from the sender and from `stay`.
 */
async function catchUp(bench: Bench, stay: readonly Person[], label: string): Promise<CatchupResult> {
  const { sender, members } = bench;
  const away = members[members.length - 1]!;
  const leaving = members.filter((member) => member !== away && !stay.includes(member) && member.hasPage);
  progress(`${away.name} and ${leaving.length} others close their pages; ${stay.length} stay`);
  for (const person of [away, ...leaving]) await person.closePage();
  for (const person of [away, ...leaving]) {
    await sender.userButton(person.name).waitFor({ state: 'detached', timeout: SETUP_TIMEOUT_MS });
  }

  progress(`host sends ${CATCHUP_MESSAGES} messages`);
  const burstStart = performance.now();
  await sendBurst(sender.page, `${label} `, CATCHUP_MESSAGES);
  const burstMs = performance.now() - burstStart;
  const target = bench.unread + CATCHUP_MESSAGES;
  await Promise.all(stay.map((member) => unreadReached(member.page, GROUP, target, CATCHUP_TIMEOUT_MS)));
  const burstSpreadMs = performance.now() - burstStart;
  // Quiet before measuring: the sender has every present member's ack (acks come in order per
  // peer), or with nobody there, shows the last message.
  const last = `${label} ${CATCHUP_MESSAGES - 1}`;
  if (stay.length > 0) await sender.waitForState(last, deliveredTo(stay.length), CATCHUP_TIMEOUT_MS);
  else await sender.message(last).waitFor({ timeout: CATCHUP_TIMEOUT_MS });
  progress(
    `burst sent in ${Math.round(burstMs)} ms, stored by the ${stay.length} present after ${Math.round(burstSpreadMs)} ms`,
  );

  progress(`${away.name} comes back`);
  const backAt = performance.now();
  await away.openPage();
  const doneAt = await unreadReached(away.page, GROUP, target, CATCHUP_TIMEOUT_MS);
  const { traffic, timeOrigin } = await channelTraffic(away.page);
  const seen = await entrySeen(away.page, GROUP);
  bench.unread = target;
  await sender.waitForState(last, deliveredTo(stay.length + 1), CATCHUP_TIMEOUT_MS);
  const senderDeliveredMs = performance.now() - backAt;
  // Read after the sender's outbox has drained too: a duplicate stored twice would show here.
  const settled = await entrySeen(away.page, GROUP);
  progress(`caught up after ${Math.round(doneAt - timeOrigin)} ms`);
  return {
    stay: stay.length,
    listedMs: (seen?.listedAt ?? Number.NaN) - timeOrigin,
    doneMs: doneAt - timeOrigin,
    unread: settled?.max ?? 0,
    expected: target,
    traffic,
    burstMs,
    burstSpreadMs,
    senderDeliveredMs,
  };
}

async function run(server: ServerProcess, browser: Browser, problems: PageProblems): Promise<void> {
  progress(`server ${server.url}, Chromium ${browser.version()}`);
  const bench = await setUp(server, browser, problems);
  progress(`warming up with ${WARMUP_MESSAGES} messages`);
  await fanOut(bench, WARMUP_MESSAGES, 'stored');
  const idle = await idleCpu();
  progress(`fan-out of ${MEASURED_MESSAGES} messages to ${MEMBERS} members who have not opened the group`);
  const stored = await fanOut(bench, MEASURED_MESSAGES, 'stored');
  progress(`p50 ${summarize(stored.all).p50.toFixed(1)} ms; every member opens the group`);
  for (const member of bench.members) {
    await member.openGroup(GROUP);
    await watchArrivals(member.messageLog);
  }
  await fanOut(bench, OPEN_WARMUP_MESSAGES, 'shown');
  progress(`fan-out of ${MEASURED_MESSAGES} messages to ${MEMBERS} members who have the group open`);
  const shown = await fanOut(bench, MEASURED_MESSAGES, 'shown');
  progress(`p50 ${summarize(shown.all).p50.toFixed(1)} ms`);

  // Catch-up as it mostly happens, with others of the group online; then from the author alone.
  // Those who take part leave the group for the Lobby, so that the group's messages count unread.
  const present = bench.members.slice(0, PRESENT);
  for (const member of [...present, bench.members[bench.members.length - 1]!])
    await member.openGroup('Lobby');
  bench.unread = 0;
  const withOthers = await catchUp(bench, present, 'catch-up');
  const fromAuthor = await catchUp(bench, [], 'from-author');
  report({ shown, stored }, idle, [withOthers, fromAuthor]);
}

function cpuLine(cpu: Map<string, number>, per: number): string {
  const total = [...cpu.values()].reduce((sum, ms) => sum + ms, 0);
  const parts = [...cpu]
    .filter(([, ms]) => ms / per >= 0.5)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, ms]) => `${kind} ${(ms / per).toFixed(0)}`);
  return `${(total / per).toFixed(0)} ms (${parts.join(', ')})`;
}

function catchupLines(catchup: CatchupResult): string[] {
  const { traffic } = catchup;
  const online =
    catchup.stay === 0 ? 'only the sender online' : `the sender and ${catchup.stay} members online`;
  return [
    `catch-up: a member returns after ${CATCHUP_MESSAGES} missed messages, ${online}`,
    `  page load → group listed                      ${catchup.listedMs.toFixed(0)} ms`,
    `  page load → all ${CATCHUP_MESSAGES} stored                    ${catchup.doneMs.toFixed(0)} ms`,
    `  unread count at the end                       ${catchup.unread} (expected ${catchup.expected})`,
    `  received ${(traffic.bytes / 1e6).toFixed(1)} MB: ${traffic.messageFrames} message frames (the sender's outbox), ` +
      `${traffic.batchFrames} catch-up batches holding ${traffic.batchedMessages} messages from ${traffic.batchSenders} peers`,
    `  the sender shows the last one delivered to it ${catchup.senderDeliveredMs.toFixed(0)} ms after the return`,
    `  (the burst: sent in ${catchup.burstMs.toFixed(0)} ms` +
      (catchup.stay > 0
        ? `, stored by the ${catchup.stay} present members after ${catchup.burstSpreadMs.toFixed(0)} ms)`
        : ')'),
    '',
  ];
}

function report(
  fanout: { shown: FanoutSamples; stored: FanoutSamples },
  idle: Map<string, number>,
  catchups: readonly CatchupResult[],
): void {
  const { shown, stored } = fanout;
  const headline = summarize(shown.all);
  const window = Math.min(50, Math.floor(shown.all.length / 2));
  const framesRow = (samples: FanoutSamples) =>
    samples.framesAll.length > 0
      ? [{ label: `  Enter → its frame is in all ${MEMBERS} pages`, summary: summarize(samples.framesAll) }]
      : [];
  const rows = [
    { label: `fan-out, group open: Enter → shown to all ${MEMBERS}`, summary: headline },
    { label: '  Enter → shown to one member', summary: summarize(shown.perMember) },
    ...framesRow(shown),
    { label: `  first ${window} measured`, summary: summarize(shown.all.slice(0, window)) },
    { label: `  last ${window} measured`, summary: summarize(shown.all.slice(-window)) },
    { label: `fan-out, group not open: Enter → stored by all ${MEMBERS}`, summary: summarize(stored.all) },
    { label: '  Enter → stored by one member', summary: summarize(stored.perMember) },
    ...framesRow(stored),
  ];
  const cores = availableParallelism();
  const idlePerSecond = [...idle.values()].reduce((sum, ms) => sum + ms, 0) / 1000;
  const cpuLines = (name: string, samples: FanoutSamples): string[] => {
    const messages = samples.all.length;
    const busyMs = [...samples.cpu.values()].reduce((sum, ms) => sum + ms, 0) / messages;
    const idleMs = idlePerSecond * (samples.wallMs / messages);
    return [
      `  CPU per message, ${name}: ${cpuLine(samples.cpu, messages)}`,
      `    of which ~${idleMs.toFixed(0)} ms the mesh costs anyway; the rest keeps all ${cores} cores busy ` +
        `for ~${((busyMs - idleMs) / cores).toFixed(0)} ms`,
    ];
  };
  const lines = [
    formatTable(`Parley groups (real server, 1 sender + ${MEMBERS} members in one Chromium)`, rows),
    '  (CPU: the whole browser and the server, from /proc; it includes acks, rendering and this',
    "  benchmark's own waits)",
    ...cpuLines('group open', shown),
    ...cpuLines('group not open', stored),
    `  with nothing said, the connected mesh costs per second: ${cpuLine(idle, 1)}`,
    '',
    ...catchups.flatMap(catchupLines),
    `fan-out p50 ${headline.p50.toFixed(2)} ms (target < ${TARGETS.fanoutP50} ms): ` +
      (headline.p50 < TARGETS.fanoutP50 ? 'met' : 'MISSED'),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stdout.write(
    `${JSON.stringify({
      members: MEMBERS,
      fanout_p50_ms: roundMs(headline.p50),
      fanout_p99_ms: roundMs(headline.p99),
      catchup_1000_ms: Math.round(catchups[0]!.doneMs),
    })}\n`,
  );
}

async function main(): Promise<void> {
  const problems = new PageProblems((line) => process.stderr.write(`${line}\n`));
  const server = await ServerProcess.start({ env: { PARLEY_SCRYPT_COST: '1024' } });
  const browser = await launchChromium().catch(async (error: unknown) => {
    await server.dispose();
    throw error;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the benchmark took over ${DEADLINE_MS / 1000} s`)),
      DEADLINE_MS,
    );
  });
  try {
    await Promise.race([run(server, browser, problems), deadline]);
    problems.assertNoUncaughtErrors();
  } finally {
    clearTimeout(timer);
    await browser.close();
    await server.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
