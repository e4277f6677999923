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
 *     shows it `delivered to all 16` (or `read by all 16`). For reference the probe also records
 *     when each message's frame reached each page (transport alone), and /proc gives the CPU the
 *     whole browser spent per message: on 2 cores with 17 renderers, that is the limit.
 * (b) Catch-up: one member closes its page, and so do all but 3 others (15 live members storing a
 *     burst of 1,000 would take minutes on 2 cores); the sender sends 1,000 messages in a burst
 *     (Enter dispatched in a loop); the member opens Parley again — its remembered session signs
 *     it in — and we time from that page's navigation start to its **Groups** list counting all
 *     1,000 as unread, i.e. stored. It catches up from the member it reaches first (group
 *     catch-up streams the sender's own messages too), as the app does. A second round does the
 *     same with only the sender online. Each round also times when the sender shows the last
 *     message delivered to the returning member (`burst_delivered_ms`, the slower round).
 *
 * Prints tables, then as the last stdout line one JSON object:
 * {"members","fanout_p50_ms","fanout_p99_ms","catchup_1000_ms"}, the catch-up being the first round's.
 * BENCH_GROUP_MEMBERS (16) and BENCH_GROUP_PRESENT (3) change the group's size and who stays for (b).
 * Flags: `--quick` is a smoke run — 4 members (unless BENCH_GROUP_MEMBERS says otherwise), 20
 * measured messages per fan-out and bursts of 100 (the JSON key keeps its name). `--fanout-only`
 * stops after (a): the JSON then has no catch-up keys.
 *
 * The set-up, each phase and the report are in lib/: group-bench.ts, group-fanout.ts,
 * group-catchup.ts and groups-report.ts; the probes in group-probe.ts and page-probes.ts.
 */
import { setUpGroup } from './lib/group-bench.js';
import { catchUp } from './lib/group-catchup.js';
import { fanOut, idleCpu } from './lib/group-fanout.js';
import { summarize } from './lib/latency-stats.js';
import { watchArrivals } from './lib/page-probes.js';
import { reportGroups } from './lib/groups-report.js';
import type { GroupResults } from './lib/groups-report.js';
import { progress, runBench } from './lib/run-bench.js';
import type { Bench } from './lib/run-bench.js';

const QUICK = process.argv.includes('--quick');
const FANOUT_ONLY = process.argv.includes('--fanout-only');
const MEMBERS = wholeNumber('BENCH_GROUP_MEMBERS', QUICK ? 4 : 16, 2);
/** Members other than the returning one who stay online during (b). */
const PRESENT = Math.min(MEMBERS - 1, wholeNumber('BENCH_GROUP_PRESENT', 3));
const GROUP = 'Bench';
const WARMUP_MESSAGES = 10;
const MEASURED_MESSAGES = QUICK ? 20 : 100;
/** Opening the group renders its history in every member's page: settle before measuring again. */
const OPEN_WARMUP_MESSAGES = 10;
const CATCHUP_MESSAGES = QUICK ? 100 : 1000;
const IDLE_SAMPLE_MS = 3000;
/** The whole run stops (and cleans up) after this long. */
const DEADLINE_MS = 360_000;

function wholeNumber(variable: string, fallback: number, min = 0): number {
  const raw = process.env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${variable} must be an integer ≥ ${min}`);
  return value;
}

async function measure(bench: Bench): Promise<GroupResults> {
  const browser = await bench.chromium();
  progress(`server ${bench.server.url}, Chromium ${browser.version()}`);
  const group = await setUpGroup(bench, browser, GROUP, MEMBERS);
  progress(`warming up with ${WARMUP_MESSAGES} messages`);
  await fanOut(group, WARMUP_MESSAGES, 'stored');
  const idle = await idleCpu(IDLE_SAMPLE_MS);
  progress(`fan-out of ${MEASURED_MESSAGES} messages to ${MEMBERS} members who have not opened the group`);
  const stored = await fanOut(group, MEASURED_MESSAGES, 'stored');
  progress(`p50 ${summarize(stored.all).p50.toFixed(1)} ms; every member opens the group`);
  for (const member of group.members) {
    await member.openGroup(GROUP);
    await watchArrivals(member.messageLog);
  }
  await fanOut(group, OPEN_WARMUP_MESSAGES, 'shown');
  progress(`fan-out of ${MEASURED_MESSAGES} messages to ${MEMBERS} members who have the group open`);
  const shown = await fanOut(group, MEASURED_MESSAGES, 'shown');
  progress(`p50 ${summarize(shown.all).p50.toFixed(1)} ms`);
  if (FANOUT_ONLY) return { members: MEMBERS, shown, stored, idle, catchups: [] };

  // Catch-up as it mostly happens, with others of the group online; then from the author alone.
  // Those who take part leave the group for the Lobby, so that the group's messages count unread.
  const present = group.members.slice(0, PRESENT);
  for (const member of [...present, group.members[group.members.length - 1]!])
    await member.openGroup('Lobby');
  group.unread = 0;
  const withOthers = await catchUp(group, present, 'catch-up', CATCHUP_MESSAGES);
  const fromAuthor = await catchUp(group, [], 'from-author', CATCHUP_MESSAGES);
  return { members: MEMBERS, shown, stored, idle, catchups: [withOthers, fromAuthor] };
}

runBench({ deadlineMs: DEADLINE_MS, serverEnv: { PARLEY_SCRYPT_COST: '1024' } }, measure, reportGroups);
