/**
 * The group benchmark's cast, ready to measure: a sender (`host`) and N members, each in a context
 * of one Chromium, signed up through the UI, in a group the sender made through **New group**, with
 * the full mesh of data channels open (a group is a mesh: every member connects to every other).
 * Measuring starts only once the mesh has formed, not while its connections are negotiated.
 *
 * The members' pages carry the group probe (lib/group-probe.ts), which reads the **Groups** list.
 */
import type { Browser } from 'playwright-core';
import type { MessageState, Person } from '../../test/e2e/harness/person.js';
import { GROUP_PROBE_SCRIPT, unreadReached, waitForOpenChannels } from './group-probe.js';
import { signUp } from './people.js';
import { progress } from './run-bench.js';
import type { Bench } from './run-bench.js';

export const SETUP_TIMEOUT_MS = 60_000;
export const ARRIVAL_TIMEOUT_MS = 15_000;
export const CATCHUP_TIMEOUT_MS = 120_000;
/** How many people sign up at once (page loads and scrypt in parallel). */
const SIGN_UP_CONCURRENCY = 6;

export interface GroupBench {
  readonly group: string;
  readonly sender: Person;
  readonly members: readonly Person[];
  /** The unread count of the group that members who have not opened it show now. */
  unread: number;
  /** Messages sent so far: each carries its own token (`lat-<n>`). */
  sent: number;
}

function memberName(index: number): string {
  return `m${String(index + 1).padStart(2, '0')}`;
}

/** What the sender's own group message says once `count` of the members have it. */
export function deliveredTo(bench: GroupBench, count: number): MessageState {
  const all = bench.members.length;
  return count === all ? `delivered to all ${all}` : `delivered to ${count} of ${all}`;
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

/** Signs up the sender and `memberCount` members, makes the group `group` and waits for its mesh. */
export async function setUpGroup(
  bench: Bench,
  browser: Browser,
  group: string,
  memberCount: number,
): Promise<GroupBench> {
  const names = Array.from({ length: memberCount }, (_, index) => memberName(index));
  progress(`${memberCount + 1} people sign up through the UI`);
  const sender = await signUp(bench, browser, 'host');
  const members = await inBatches(names, SIGN_UP_CONCURRENCY, (name) =>
    signUp(bench, browser, name, [GROUP_PROBE_SCRIPT]),
  );
  for (const name of names) await sender.waitUntilOnline(name, SETUP_TIMEOUT_MS);

  progress(`host creates "${group}" with ${memberCount} members through New group`);
  await sender.createGroup(group, names, SETUP_TIMEOUT_MS);
  // Nobody is put into a group: each one invited accepts (and signs that, in the group's log).
  // Accepting opens the group; the members then look elsewhere (the Lobby), so what arrives counts
  // as unread, which is what the fan-out and catch-up figures time.
  await inBatches(members, SIGN_UP_CONCURRENCY, async (member) => {
    await member.acceptInvitation(group, SETUP_TIMEOUT_MS);
    await member.openGroup('Lobby');
  });
  await sender.waitForMembers(['host', ...names], SETUP_TIMEOUT_MS);
  await Promise.all(members.map((member) => unreadReached(member.page, group, 0, SETUP_TIMEOUT_MS)));
  const meshStart = performance.now();
  await Promise.all(members.map((member) => waitForOpenChannels(member.page, memberCount, SETUP_TIMEOUT_MS)));
  const connections = ((memberCount + 1) * memberCount) / 2;
  progress(`mesh of ${connections} connections open after ${Math.round(performance.now() - meshStart)} ms`);
  return { group, sender, members, unread: 0, sent: 0 };
}
