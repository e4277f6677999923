/**
 * Latency of Parley as people feel it: the real server process and two people in two browser
 * contexts of one Chromium.
 *
 * (a) Message latency: from the Enter keydown in the sender's **Message** box to the message being
 *     inserted in the receiver's **Messages** log. Both timestamps are taken in the pages on the
 *     shared clock `performance.timeOrigin + performance.now()`; messages alternate direction, so a
 *     skew between the two pages' clocks would show as a gap between the two directions' medians.
 *     Messages are paced: the next is sent once the previous one arrived.
 * (b) Connect time: from the click on the person's button in **Online users** to the conversation
 *     saying "connected directly" (and, for reference, to the data channel's `open`), measured in
 *     the clicking page. Between rounds that page reloads, which closes the connection. The
 *     figure is taken with a short history (the warm-up); a few rounds after the message phase show
 *     what a long history adds, since opening a conversation loads it.
 *
 * Prints a table, then as the last stdout line one JSON object: {"p50_ms","p99_ms","connect_p50_ms"}.
 * Flags: `--quick` measures 40 messages and 3 + 2 connections instead of 600 and 25 + 5 (a smoke run).
 */
import type { Person } from '../test/e2e/harness/person.js';
import { roundMs, summarize } from './lib/latency-stats.js';
import {
  CONNECT_PROBE_SCRIPT,
  arrivalOf,
  latencyToken,
  readConnectProbe,
  sendFromPage,
  watchArrivals,
} from './lib/page-probes.js';
import { meet, signUp } from './lib/people.js';
import { formatTable } from './lib/print-table.js';
import { progress, runBench } from './lib/run-bench.js';
import type { Bench } from './lib/run-bench.js';

/** A smoke run: checks that it runs and prints, with figures too few to mean anything. */
const QUICK = process.argv.includes('--quick');
const WARMUP_MESSAGES = QUICK ? 10 : 40;
const MEASURED_MESSAGES = QUICK ? 40 : 600;
const CONNECT_ROUNDS = QUICK ? 3 : 25;
/** A few more rounds once the history is long, to show what loading it costs. */
const LONG_HISTORY_CONNECT_ROUNDS = QUICK ? 2 : 5;
/** The whole run stops (and cleans up) after this long. */
const DEADLINE_MS = 240_000;
const SETUP_TIMEOUT_MS = 10_000;
const ARRIVAL_TIMEOUT_MS = 10_000;

const TARGETS = { p50: 5, p99: 20, connect: 200 };

/** The text of the `index`-th message (even: alice's, odd: bob's). */
function messageText(index: number): string {
  return `${latencyToken(index)} hello there`;
}

interface MessageSamples {
  /** Alternating directions, in the order sent. */
  all: number[];
  aliceToBob: number[];
  bobToAlice: number[];
}

interface ConnectSamples {
  toConnected: number[];
  toChannelOpen: number[];
}

async function exchange(alice: Person, bob: Person, count: number, first: number): Promise<MessageSamples> {
  const samples: MessageSamples = { all: [], aliceToBob: [], bobToAlice: [] };
  for (let i = 0; i < count; i += 1) {
    const [from, to, bucket] =
      i % 2 === 0 ? [alice, bob, samples.aliceToBob] : [bob, alice, samples.bobToAlice];
    const token = latencyToken(first + i);
    const sentAt = await sendFromPage(from.messageBox, messageText(first + i));
    const shownAt = await arrivalOf(to.page, token, ARRIVAL_TIMEOUT_MS);
    samples.all.push(shownAt - sentAt);
    bucket.push(shownAt - sentAt);
    // People type at conversational pace: the next message starts once this one's round trip
    // (stored on both sides, acked, shown as delivered) is over, not in the middle of it.
    await from.waitForState(messageText(first + i), 'delivered');
  }
  return samples;
}

async function measureConnects(alice: Person, rounds: number): Promise<ConnectSamples> {
  const samples: ConnectSamples = { toConnected: [], toChannelOpen: [] };
  for (let round = 0; round < rounds; round += 1) {
    // A reload closes alice's connection to bob; bob has no conversation open, so nobody reconnects
    // until alice clicks.
    await alice.reload();
    await alice.waitUntilSignedIn();
    await alice.userButton('bob').waitFor();
    await alice.userButton('bob').click();
    await alice.directConnection.waitFor();
    const probe = await readConnectProbe(alice.page);
    if (probe.clickAt === null || probe.connectedAt === null)
      throw new Error('the connect probe saw nothing');
    samples.toConnected.push(probe.connectedAt - probe.clickAt);
    if (probe.channelOpenAt === null) throw new Error('no data channel opened');
    samples.toChannelOpen.push(probe.channelOpenAt - probe.clickAt);
  }
  return samples;
}

/** Both have the conversation open and connected, and their logs are watched for arrivals. */
async function openBothWays(alice: Person, bob: Person): Promise<void> {
  await meet(alice, bob, SETUP_TIMEOUT_MS);
  await watchArrivals(alice.messageLog);
  await watchArrivals(bob.messageLog);
}

/**
 * Leaves nothing that would reconnect on its own: every message acknowledged (an outbox entry makes
 * a reloaded page connect by itself) and no conversation open on bob's side (bob reloads).
 */
async function settle(alice: Person, bob: Person, lastFromAlice: string, lastFromBob: string): Promise<void> {
  await alice.waitForState(lastFromAlice, 'delivered');
  await bob.waitForState(lastFromBob, 'delivered');
  await bob.reload();
  await bob.waitUntilSignedIn();
}

interface Results {
  messages: MessageSamples;
  connects: ConnectSamples;
  longHistory: { history: number; samples: ConnectSamples };
}

async function measure(bench: Bench): Promise<Results> {
  const browser = await bench.chromium();
  progress(`server ${bench.server.url}, Chromium ${browser.version()}`);
  const alice = await signUp(bench, browser, 'alice', [CONNECT_PROBE_SCRIPT]);
  const bob = await signUp(bench, browser, 'bob', [CONNECT_PROBE_SCRIPT]);
  await openBothWays(alice, bob);

  progress(`warming up with ${WARMUP_MESSAGES} messages`);
  await exchange(alice, bob, WARMUP_MESSAGES, 0);
  await settle(alice, bob, messageText(WARMUP_MESSAGES - 2), messageText(WARMUP_MESSAGES - 1));
  progress(`measuring ${CONNECT_ROUNDS} connections (${WARMUP_MESSAGES} messages of history)`);
  const connects = await measureConnects(alice, CONNECT_ROUNDS);

  await openBothWays(alice, bob);
  progress(`measuring ${MEASURED_MESSAGES} messages`);
  const messages = await exchange(alice, bob, MEASURED_MESSAGES, WARMUP_MESSAGES);
  const total = WARMUP_MESSAGES + MEASURED_MESSAGES;
  await settle(alice, bob, messageText(total - 2), messageText(total - 1));
  progress(`measuring ${LONG_HISTORY_CONNECT_ROUNDS} connections (${total} messages of history)`);
  const longHistoryConnects = await measureConnects(alice, LONG_HISTORY_CONNECT_ROUNDS);

  return { messages, connects, longHistory: { history: total, samples: longHistoryConnects } };
}

function report({ messages, connects, longHistory }: Results): void {
  const all = summarize(messages.all);
  const connected = summarize(connects.toConnected);
  const window = Math.min(100, Math.floor(messages.all.length / 2));
  const rows = [
    { label: 'message: Enter → shown to the other', summary: all },
    { label: '  alice → bob', summary: summarize(messages.aliceToBob) },
    { label: '  bob → alice', summary: summarize(messages.bobToAlice) },
    { label: `  first ${window} measured`, summary: summarize(messages.all.slice(0, window)) },
    { label: `  last ${window} measured`, summary: summarize(messages.all.slice(-window)) },
    { label: 'connect: click → "connected directly"', summary: connected },
    { label: '  click → data channel open', summary: summarize(connects.toChannelOpen) },
    {
      label: `  with ${longHistory.history} messages of history`,
      summary: summarize(longHistory.samples.toConnected),
    },
  ];
  process.stdout.write(
    `${formatTable('Parley latency (real server, two contexts of one Chromium)', rows)}\n`,
  );
  const verdict = (name: string, value: number, target: number): string =>
    `${name} ${value.toFixed(2)} ms (target < ${target} ms): ${value < target ? 'met' : 'MISSED'}`;
  process.stdout.write(
    `${[
      verdict('message p50', all.p50, TARGETS.p50),
      verdict('message p99', all.p99, TARGETS.p99),
      verdict('connect p50', connected.p50, TARGETS.connect),
    ].join('\n')}\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ p50_ms: roundMs(all.p50), p99_ms: roundMs(all.p99), connect_p50_ms: roundMs(connected.p50) })}\n`,
  );
}

runBench({ deadlineMs: DEADLINE_MS }, measure, report);
