/**
 * Catch-up of a member who was away, the group benchmark's second figure: the member closes its
 * page, and so do all but a few others (15 live members storing a burst of 1,000 would take minutes
 * on 2 cores); the sender sends a burst (Enter dispatched in a loop); the member opens Parley again
 * — its remembered session signs it in — and is timed from that page's navigation start to its
 * **Groups** list counting the whole burst as unread, i.e. stored. It catches up from whichever
 * member it reaches first (the sender's own messages come by the same catch-up), as the app does.
 * BENCH_GROUPS_PROFILE=1 also takes a CPU profile of the returning page's and the sender's main
 * threads while it catches up and prints where their time went on stderr (profiling slows them:
 * such a run's figures are not compared).
 */
import type { Page } from 'playwright-core';
import type { Person } from '../../test/e2e/harness/person.js';
import { CATCHUP_TIMEOUT_MS, SETUP_TIMEOUT_MS, deliveredTo } from './group-bench.js';
import type { GroupBench } from './group-bench.js';
import { channelTraffic, entrySeen, sendBurst, unreadReached } from './group-probe.js';
import type { ChannelTraffic, ReturnTimeline } from './group-probe.js';
import { profiled } from './cpu-profile.js';
import type { StageTimes } from './cpu-profile.js';
import { progress } from './run-bench.js';

const PROFILE = process.env['BENCH_GROUPS_PROFILE'] === '1';

export interface CatchupResult {
  /** How many messages the member missed. */
  messages: number;
  /** How many members other than the returning one were online. */
  stay: number;
  /** From the returning page's navigation start. */
  listedMs: number;
  doneMs: number;
  /** The unread count it ended with, and the one it should have. */
  unread: number;
  expected: number;
  traffic: ChannelTraffic;
  timeline: ReturnTimeline;
  burstMs: number;
  burstSpreadMs: number;
  senderDeliveredMs: number;
}

/**
 * The last member closes its page, and so does everyone not in `stay`; the sender sends a burst of
 * `messages` (`label 0`, `label 1`…); the member comes back and catches up from the sender and
 * from `stay`.
 */
export async function catchUp(
  bench: GroupBench,
  stay: readonly Person[],
  label: string,
  messages: number,
): Promise<CatchupResult> {
  const { sender, members, group } = bench;
  const away = members[members.length - 1]!;
  const leaving = members.filter((member) => member !== away && !stay.includes(member) && member.hasPage);
  progress(`${away.name} and ${leaving.length} others close their pages; ${stay.length} stay`);
  for (const person of [away, ...leaving]) await person.closePage();
  for (const person of [away, ...leaving]) {
    await sender.userButton(person.name).waitFor({ state: 'detached', timeout: SETUP_TIMEOUT_MS });
  }

  progress(`host sends ${messages} messages`);
  const burstStart = performance.now();
  await sendBurst(sender.page, `${label} `, messages);
  const burstMs = performance.now() - burstStart;
  const target = bench.unread + messages;
  await Promise.all(stay.map((member) => unreadReached(member.page, group, target, CATCHUP_TIMEOUT_MS)));
  const burstSpreadMs = performance.now() - burstStart;
  // Quiet before measuring: the sender has every present member's ack (acks come in order per
  // peer), or with nobody there, shows the last message.
  const last = `${label} ${messages - 1}`;
  if (stay.length > 0) await sender.waitForState(last, deliveredTo(bench, stay.length), CATCHUP_TIMEOUT_MS);
  else await sender.message(last).waitFor({ timeout: CATCHUP_TIMEOUT_MS });
  progress(
    `burst sent in ${Math.round(burstMs)} ms, stored by the ${stay.length} present after ${Math.round(burstSpreadMs)} ms`,
  );

  progress(`${away.name} comes back`);
  const backAt = performance.now();
  await away.openPage();
  const caughtUp = () => unreadReached(away.page, group, target, CATCHUP_TIMEOUT_MS);
  const doneAt = PROFILE ? await profiledBoth(away.page, sender.page, caughtUp) : await caughtUp();
  const { traffic, timeline, timeOrigin } = await channelTraffic(away.page);
  const seen = await entrySeen(away.page, group);
  bench.unread = target;
  await sender.waitForState(last, deliveredTo(bench, stay.length + 1), CATCHUP_TIMEOUT_MS);
  const senderDeliveredMs = performance.now() - backAt;
  // Read after the sender's outbox has drained too: a duplicate stored twice would show here.
  const settled = await entrySeen(away.page, group);
  progress(`caught up after ${Math.round(doneAt - timeOrigin)} ms`);
  return {
    messages,
    stay: stay.length,
    listedMs: (seen?.listedAt ?? Number.NaN) - timeOrigin,
    doneMs: doneAt - timeOrigin,
    unread: settled?.max ?? 0,
    expected: target,
    traffic,
    timeline,
    burstMs,
    burstSpreadMs,
    senderDeliveredMs,
  };
}

/** Runs `task` while profiling the returning page and the sender's; prints both on stderr. */
async function profiledBoth(back: Page, sender: Page, task: () => Promise<number>): Promise<number> {
  const { run, times } = await profiled(sender, () => profiled(back, task));
  printProfile('returning member', run.times);
  printProfile('sender', times);
  return run.run;
}

function printProfile(label: string, times: StageTimes): void {
  const lines = [
    `[profile] ${label}: main thread over ${(times.totalMs / 1000).toFixed(1)} s`,
    ...times.stages.map(([stage, ms]) => `  ${stage.padEnd(28)} ${ms.toFixed(0).padStart(7)} ms`),
    '  top self time:',
    ...times.top.map(([name, ms]) => `    ${ms.toFixed(0).padStart(7)} ms  ${name}`),
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}
