/**
 * What the group benchmark prints: a table of fan-out latencies (group open, the headline, and not
 * open), the CPU each message cost next to what the idle mesh costs anyway, each catch-up round,
 * the verdict, and as the last stdout line one JSON object:
 * {"members","fanout_p50_ms","fanout_p99_ms","catchup_1000_ms","burst_delivered_ms"}, the catch-up
 * being the first round's and the burst delivered the slower of the two rounds'.
 */
import { availableParallelism } from 'node:os';
import type { CatchupResult } from './group-catchup.js';
import type { FanoutSamples } from './group-fanout.js';
import { roundMs, summarize } from './latency-stats.js';
import { formatTable } from './print-table.js';

export interface GroupResults {
  members: number;
  /** Fan-out to members who have the group open, and to members who have not. */
  shown: FanoutSamples;
  stored: FanoutSamples;
  /** CPU ms per second of the connected mesh with nothing said, by process kind. */
  idle: Map<string, number>;
  catchups: readonly CatchupResult[];
}

const TARGETS = { fanoutP50: 50 };

function cpuLine(cpu: Map<string, number>, per: number): string {
  const total = [...cpu.values()].reduce((sum, ms) => sum + ms, 0);
  const parts = [...cpu]
    .filter(([, ms]) => ms / per >= 0.5)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, ms]) => `${kind} ${(ms / per).toFixed(0)}`);
  return `${(total / per).toFixed(0)} ms (${parts.join(', ')})`;
}

function catchupLines(catchup: CatchupResult): string[] {
  const { traffic, messages } = catchup;
  const online =
    catchup.stay === 0 ? 'only the sender online' : `the sender and ${catchup.stay} members online`;
  return [
    `catch-up: a member returns after ${messages} missed messages, ${online}`,
    `  page load → app script loaded                 ${catchup.timeline.scriptMs.toFixed(0)} ms`,
    `  page load → signaling socket open             ${catchup.timeline.socketOpenMs.toFixed(0)} ms`,
    `  page load → first frame from the server       ${catchup.timeline.firstServerFrameMs.toFixed(0)} ms`,
    `  page load → group listed                      ${catchup.listedMs.toFixed(0)} ms`,
    `  page load → first data channel open           ${catchup.timeline.firstChannelMs.toFixed(0)} ms`,
    `  page load → first / last catch-up batch       ${catchup.timeline.firstBatchMs.toFixed(0)} / ${catchup.timeline.lastBatchMs.toFixed(0)} ms`,
    `  page load → all ${messages} stored                    ${catchup.doneMs.toFixed(0)} ms`,
    `  unread count at the end                       ${catchup.unread} (expected ${catchup.expected})`,
    `  received ${(traffic.bytes / 1e6).toFixed(1)} MB: ${traffic.messageFrames} live message frames, ` +
      `${traffic.batchFrames} catch-up batches holding ${traffic.batchedMessages} messages from ${traffic.batchSenders} peers`,
    `  the sender shows the last one delivered to it ${catchup.senderDeliveredMs.toFixed(0)} ms after the return`,
    `  (the burst: sent in ${catchup.burstMs.toFixed(0)} ms` +
      (catchup.stay > 0
        ? `, stored by the ${catchup.stay} present members after ${catchup.burstSpreadMs.toFixed(0)} ms)`
        : ')'),
    '',
  ];
}

export function reportGroups({ members, shown, stored, idle, catchups }: GroupResults): void {
  const headline = summarize(shown.all);
  const window = Math.min(50, Math.floor(shown.all.length / 2));
  const framesRow = (samples: FanoutSamples) =>
    samples.framesAll.length > 0
      ? [{ label: `  Enter → its frame is in all ${members} pages`, summary: summarize(samples.framesAll) }]
      : [];
  const rows = [
    { label: `fan-out, group open: Enter → shown to all ${members}`, summary: headline },
    { label: '  Enter → shown to one member', summary: summarize(shown.perMember) },
    ...framesRow(shown),
    { label: `  first ${window} measured`, summary: summarize(shown.all.slice(0, window)) },
    { label: `  last ${window} measured`, summary: summarize(shown.all.slice(-window)) },
    { label: `fan-out, group not open: Enter → stored by all ${members}`, summary: summarize(stored.all) },
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
    formatTable(`Parley groups (real server, 1 sender + ${members} members in one Chromium)`, rows),
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
      members,
      fanout_p50_ms: roundMs(headline.p50),
      fanout_p99_ms: roundMs(headline.p99),
      // None with `--fanout-only`.
      ...(catchups.length === 0
        ? {}
        : {
            catchup_1000_ms: Math.round(catchups[0]!.doneMs),
            burst_delivered_ms: Math.round(Math.max(...catchups.map((catchup) => catchup.senderDeliveredMs))),
          }),
    })}\n`,
  );
}
