/**
 * Chat while a file moves, the file benchmark's (c): does a big transfer hold messages up? The
 * sender sends a message every 100 ms (text put in **Message**, Enter dispatched in the page) while
 * the file moves; latency runs from that keydown to the message's insertion in the receiver's
 * **Messages** log. For reading that figure: 20 messages at the same pace with nothing moving, just
 * before, and for both, when each message's frame came off the receiver's data channel (in the
 * channel's queue vs in the receiving app). Sender and receiver must share one Chromium, so both
 * pages read one clock.
 */
import type { ElementHandle } from 'playwright-core';
import type { Person } from '../../test/e2e/harness/person.js';
import { frameTimes, longTasks, wallClockMs } from './file-probe.js';
import type { LongTask } from './file-probe.js';
import { ARRIVAL_TIMEOUT_MS, SETUP_TIMEOUT_MS, sendFile, transferTimeoutMs } from './file-transfer.js';
import type { FileTransfer } from './file-transfer.js';
import { arrivalOf, latencyToken, sendFromPage } from './page-probes.js';

export const CHAT_INTERVAL_MS = 100;
/** Messages before the transfer, for the baseline. */
const IDLE_CHAT_MESSAGES = 20;

export interface ChatLatencies {
  /** Enter → shown in the receiver's log. */
  shown: number[];
  /** Enter → the sending page handed its frame to the data channel (the sender's app). */
  sent: number[];
  /** Enter → its frame came off the receiver's data channel (the sender's app and the transport). */
  frames: number[];
}

export interface ChatSamples {
  /** Sent while the file moved. */
  during: ChatLatencies;
  /** The same pace with nothing else moving, just before: what the machine gives chat anyway. */
  idle: ChatLatencies;
  transfer: FileTransfer;
  /** The main threads' long tasks (≥ 50 ms) while the file moved. */
  longTasks: { sender: LongTask[]; receiver: LongTask[] };
}

interface ChatSent {
  token: string;
  at: number;
}

/**
 * Sends a chat message from `box` every 100 ms while `going()` says so (and at most `max`), each
 * with a fresh token (`lat-<n>`). Bounded by `timeoutMs` as well.
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
    const at = await sendFromPage(box, `${token} hello there`);
    sent.push({ token, at });
    const next = sent[0]!.at + sent.length * CHAT_INTERVAL_MS;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - wallClockMs())));
  }
  return sent;
}

/** Latencies of the messages sent up to `until` (all of them must arrive). */
async function chatLatencies(
  sender: Person,
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
  const tokens = counted.map(({ token }) => token);
  const since = (times: readonly (number | null)[]) =>
    counted.flatMap(({ at }, index) => {
      const time = times[index];
      return time === null || time === undefined ? [] : [time - at];
    });
  return {
    shown,
    sent: since(await frameTimes(sender.page, tokens, 'sent')),
    frames: since(await frameTimes(receiver.page, tokens, 'arrived')),
  };
}

/**
 * Chat every 100 ms with nothing else moving (the baseline), then again while the file at `path`
 * moves: from the moment it is chosen until its **Save** shows. The receiver's log must be watched
 * for arrivals (`watchArrivals`).
 */
export async function chatDuringTransfer(
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
    const idle = await chatLatencies(sender, receiver, idleSent);

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
    const end = result.chosenAt + result.ms;
    const during = await chatLatencies(sender, receiver, sent, end);
    if (during.shown.length === 0) throw new Error('no chat message was sent while the file moved');
    const [senderTasks, receiverTasks] = await Promise.all(
      [sender, receiver].map((person) => longTasks(person.page, result.chosenAt, end)),
    );
    return {
      during,
      idle,
      transfer: result,
      longTasks: { sender: senderTasks!, receiver: receiverTasks! },
    };
  } finally {
    await box.dispose();
  }
}
