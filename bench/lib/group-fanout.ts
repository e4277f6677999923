/**
 * Fan-out of a group message, the group benchmark's headline: from the Enter keydown in the
 * sender's **Message** box to the moment the last member has the message, on the clock all pages of
 * one Chromium share. "Has it" is read one of two ways (see `Arrival`). Messages are paced — the
 * next goes once every member has the previous one and the sender shows it delivered to all — so
 * each figure is one message's, not a queue's. /proc gives what the whole browser and the server
 * spent meanwhile: with 17 renderers on 2 cores, CPU is the limit.
 */
import { ARRIVAL_TIMEOUT_MS } from './group-bench.js';
import type { GroupBench } from './group-bench.js';
import { frameArrivals, unreadReached, waitForMessageSaying } from './group-probe.js';
import { arrivalOf, latencyToken, sendFromPage } from './page-probes.js';
import { cpuSpent, descendantCpu } from './process-cpu.js';

/**
 * How a member is known to have a message: `stored` — the group is not open and its entry in
 * **Groups** counts one more unread, which the app does only once the message is stored on the
 * device (lib/group-probe.ts); `shown` — the group is open and the message was inserted in its
 * **Messages** log (lib/page-probes.ts), what a person looking at the group sees.
 */
export type Arrival = 'stored' | 'shown';

export interface FanoutSamples {
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

/** Sends `count` paced messages from the sender and times each one's fan-out. */
export async function fanOut(bench: GroupBench, count: number, arrival: Arrival): Promise<FanoutSamples> {
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
        ? unreadReached(member.page, bench.group, target, ARRIVAL_TIMEOUT_MS)
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
    const all = bench.members.length;
    await waitForMessageSaying(
      bench.sender.page,
      token,
      [`delivered to all ${all}`, `read by all ${all}`],
      ARRIVAL_TIMEOUT_MS,
    );
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

/** CPU per second of the whole browser and the server over `sampleMs` with nothing said. */
export async function idleCpu(sampleMs: number): Promise<Map<string, number>> {
  const before = descendantCpu();
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const spent = cpuSpent(before, descendantCpu());
  return new Map([...spent].map(([kind, ms]) => [kind, ms / (sampleMs / 1000)]));
}
