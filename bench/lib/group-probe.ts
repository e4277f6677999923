/**
 * In-page instrumentation for the group benchmark, which must not open the group on every member's
 * page (17 renderers on 2 cores): it watches the **Groups** list instead. A member who has not opened
 * a group sees its button's accessible name count up (`Bench, 3 unread`), and the app raises that
 * count only once a message is stored on the device — so "the label says ≥ n unread" is "this
 * member has the group's n-th message", read where a person would read it, at the cost of one
 * attribute change per message instead of a rendered log.
 *
 * Times are on the clock all pages of one Chromium share, `performance.timeOrigin + performance.now()`.
 */
import type { Page } from 'playwright-core';
import { PAGE_HOOKS } from './page-hooks.js';

/** What the probe knows about one list entry (a person, a group or the Lobby), by its name. */
export interface EntrySeen {
  /** When the entry first appeared. */
  listedAt: number;
  /** The highest unread count it has shown. */
  max: number;
}

/** Traffic the page's data channels received: chat frames, and catch-up batches with their messages. */
export interface ChannelTraffic {
  messageFrames: number;
  batchFrames: number;
  batchedMessages: number;
  /** Peers (channels) that sent at least one catch-up batch. */
  batchSenders: number;
  bytes: number;
}

/**
 * When the page reached each step of coming back, in ms from its navigation start (NaN: not seen):
 * the app's script ran, the signaling socket opened and said its first word, the first data channel
 * opened, the first and the last catch-up batch arrived.
 */
export interface ReturnTimeline {
  scriptMs: number;
  socketOpenMs: number;
  firstServerFrameMs: number;
  firstChannelMs: number;
  firstBatchMs: number;
  lastBatchMs: number;
}

/**
 * An init script (plain JavaScript, run before the app) that fills `globalThis.__groupProbe`.
 * - A MutationObserver on every shadow root (Lit renders into them) reads each `aria-label` that is
 *   set or inserted, and for labels of the form `NAME[, offline][, N unread]` records when NAME was
 *   first listed and when its count first reached each value (`reached[n]`, n ≥ 1) since it was last
 *   read (a lower count starts the record again).
 * - `__groupProbeWait(name, count, timeoutMs)` resolves with the time the count reached `count`.
 * - Every RTCDataChannel's incoming frames are counted (type read from the frame's first bytes), and
 *   the channels open right now (one per connected peer). A chat message whose text starts with a
 *   token (`fan-12 …`) has the arrival of its frame recorded: transport, before the app handles it.
 */
export const GROUP_PROBE_SCRIPT = `(() => {${PAGE_HOOKS}
  const now = () => performance.timeOrigin + performance.now();
  const entries = new Map();
  const waiters = [];
  const traffic = { messageFrames: 0, batchFrames: 0, batchedMessages: 0, batchSenders: 0, bytes: 0 };
  const channels = { open: 0 };
  const frames = new Map();
  const timeline = {};
  const mark = (step) => {
    if (!(step in timeline)) timeline[step] = performance.now();
  };
  globalThis.__groupProbe = { entries, traffic, channels, frames, timeline };
  document.addEventListener('DOMContentLoaded', () => {
    const app = document.querySelector('script[src]');
    const entry = app && performance.getEntriesByName(app.src)[0];
    if (entry) timeline.scriptMs = entry.responseEnd;
  });
  const NativeWebSocket = globalThis.WebSocket;
  globalThis.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => mark('socketOpenMs'));
      this.addEventListener('message', () => mark('firstServerFrameMs'));
    }
  };

  const TOKEN = /"text":"(\\w+-\\d+)\\b/;
  const LABEL = /^(.+?)(?:, offline)?(?:, (\\d+) unread)?$/;
  const see = (label, at) => {
    const match = LABEL.exec(label);
    if (!match) return;
    const name = match[1];
    const count = match[2] ? Number(match[2]) : 0;
    let entry = entries.get(name);
    if (!entry) {
      entry = { listedAt: at, max: 0, reached: [] };
      entries.set(name, entry);
    }
    if (count < entry.max) {
      // Read: the count starts again.
      entry.max = 0;
      entry.reached = [];
    }
    while (entry.max < count) {
      entry.max += 1;
      entry.reached[entry.max] = at;
    }
    for (let i = waiters.length - 1; i >= 0; i -= 1) {
      const waiter = waiters[i];
      if (waiter.name !== name || entry.max < waiter.count) continue;
      waiters.splice(i, 1);
      waiter.resolve(entry.reached[waiter.count] ?? entry.listedAt);
    }
  };
  const seeTree = (node, at) => {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const own = node.getAttribute('aria-label');
    if (own !== null) see(own, at);
    for (const element of node.querySelectorAll('[aria-label]')) see(element.getAttribute('aria-label'), at);
  };
  const observer = new MutationObserver((records) => {
    const at = now();
    for (const record of records) {
      if (record.type === 'attributes') {
        const label = record.target.getAttribute('aria-label');
        if (label !== null) see(label, at);
      } else {
        for (const node of record.addedNodes) seeTree(node, at);
      }
    }
  });
  observeShadowRoots(observer, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label'] });

  globalThis.__groupProbeWait = (name, count, timeoutMs) =>
    new Promise((resolve, reject) => {
      const entry = entries.get(name);
      if (entry && entry.max >= count) return resolve(entry.reached[count] ?? entry.listedAt);
      const waiter = { name, count, resolve: (at) => { clearTimeout(timer); resolve(at); } };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        const seen = entries.get(name);
        reject(new Error(name + ' did not reach ' + count + ' unread (at ' + (seen ? seen.max : 'not listed') + ')'));
      }, timeoutMs);
      waiters.push(waiter);
    });

  const watchChannel = (channel) => {
    let sentBatch = false;
    let counted = false;
    const opened = () => {
      if (counted) return;
      counted = true;
      channels.open += 1;
      mark('firstChannelMs');
    };
    if (channel.readyState === 'open') opened();
    channel.addEventListener('open', opened);
    channel.addEventListener('close', () => {
      if (counted) channels.open -= 1;
      counted = false;
    });
    channel.addEventListener('message', (event) => {
      const data = event.data;
      if (typeof data !== 'string') {
        traffic.bytes += data.byteLength ?? data.size ?? 0;
        return;
      }
      traffic.bytes += data.length;
      if (data.startsWith('{"type":"sync-batch"')) {
        mark('firstBatchMs');
        timeline.lastBatchMs = performance.now();
        traffic.batchFrames += 1;
        traffic.batchedMessages += data.split('{"id":').length - 1;
        if (!sentBatch) {
          sentBatch = true;
          traffic.batchSenders += 1;
        }
      } else if (data.startsWith('{"type":"message"')) {
        traffic.messageFrames += 1;
        const token = TOKEN.exec(data);
        if (token && !frames.has(token[1])) frames.set(token[1], now());
      }
    });
  };
  watchDataChannels(watchChannel);
})();`;

interface ProbeWindow {
  __groupProbe: {
    entries: Map<string, EntrySeen>;
    traffic: ChannelTraffic;
    channels: { open: number };
    frames: Map<string, number>;
    timeline: Partial<ReturnTimeline>;
  };
  __groupProbeWait(name: string, count: number, timeoutMs: number): Promise<number>;
}

/** When the entry `name` first said `count` (≥ 1) unread, or was listed (`count` 0); waits for it. */
export function unreadReached(page: Page, name: string, count: number, timeoutMs: number): Promise<number> {
  return page.evaluate(
    ({ name, count, timeoutMs }) =>
      (globalThis as unknown as ProbeWindow).__groupProbeWait(name, count, timeoutMs),
    { name, count, timeoutMs },
  );
}

/** When the frame of each message whose text starts with a token reached the page, by token. */
export function frameArrivals(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => Object.fromEntries((globalThis as unknown as ProbeWindow).__groupProbe.frames));
}

/** What the probe saw of entry `name` so far, or null when it was never listed. */
export function entrySeen(page: Page, name: string): Promise<EntrySeen | null> {
  return page.evaluate((name) => {
    const entry = (globalThis as unknown as ProbeWindow).__groupProbe.entries.get(name);
    return entry ? { listedAt: entry.listedAt, max: entry.max } : null;
  }, name);
}

/**
 * The page's data-channel traffic so far, the steps of its return, and its time origin (for times
 * relative to its load).
 */
export async function channelTraffic(
  page: Page,
): Promise<{ traffic: ChannelTraffic; timeline: ReturnTimeline; timeOrigin: number }> {
  const seen = await page.evaluate(() => ({
    traffic: { ...(globalThis as unknown as ProbeWindow).__groupProbe.traffic },
    timeline: { ...(globalThis as unknown as ProbeWindow).__groupProbe.timeline },
    timeOrigin: performance.timeOrigin,
  }));
  const steps = [
    'scriptMs',
    'socketOpenMs',
    'firstServerFrameMs',
    'firstChannelMs',
    'firstBatchMs',
    'lastBatchMs',
  ];
  const timeline = Object.fromEntries(
    steps.map((step) => [step, seen.timeline[step as keyof ReturnTimeline] ?? Number.NaN]),
  ) as unknown as ReturnTimeline;
  return { ...seen, timeline };
}

/**
 * Waits until the message holding `token`, among the last 50 of the open **Messages** log, also
 * says one of `texts` (e.g. its state: `delivered to all 16`, or `read by all 16` once every member
 * has the group open, which replaces it). Polls in the page every 20 ms — far cheaper
 * than a locator, which computes roles across the whole log on every try and would load the
 * sender's page while the next message is measured.
 */
export async function waitForMessageSaying(
  page: Page,
  token: string,
  texts: readonly string[],
  timeoutMs: number,
): Promise<void> {
  await page.waitForFunction(
    ({ token, texts }) => {
      const cache = globalThis as unknown as { __messagesLog?: Element };
      if (!cache.__messagesLog?.isConnected) {
        delete cache.__messagesLog;
        const visit = (root: Document | ShadowRoot): void => {
          for (const element of root.querySelectorAll('*')) {
            if (cache.__messagesLog) return;
            if (element.getAttribute('role') === 'log' && element.getAttribute('aria-label') === 'Messages') {
              cache.__messagesLog = element;
              return;
            }
            if (element.shadowRoot) visit(element.shadowRoot);
          }
        };
        visit(document);
      }
      // The whole token: `lat-1` is not in `lat-12`.
      const whole = new RegExp(`${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`);
      const articles = cache.__messagesLog?.querySelectorAll('article') ?? [];
      for (let i = articles.length - 1; i >= Math.max(0, articles.length - 50); i -= 1) {
        const content = articles[i]?.textContent ?? '';
        if (whole.test(content)) return texts.some((text) => content.includes(text));
      }
      return false;
    },
    { token, texts },
    { timeout: timeoutMs, polling: 20 },
  );
}

/** Waits until `page` has at least `count` open data channels (one per connected peer). */
export async function waitForOpenChannels(page: Page, count: number, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    (count) => (globalThis as unknown as ProbeWindow).__groupProbe.channels.open >= count,
    count,
    { timeout: timeoutMs, polling: 100 },
  );
}

/**
 * Sends `count` messages `prefix0`, `prefix1`… from the open conversation of `page` as fast as a
 * person pressing Enter could never type: each is put in **Message** and Enter dispatched there,
 * yielding to the page every `yieldEvery` messages so it can render and move frames.
 */
export function sendBurst(page: Page, prefix: string, count: number, yieldEvery = 10): Promise<void> {
  return page.getByRole('textbox', { name: 'Message', exact: true }).evaluate(
    async (box, { prefix, count, yieldEvery }) => {
      for (let i = 0; i < count; i += 1) {
        (box as HTMLTextAreaElement).value = `${prefix}${i}`;
        box.dispatchEvent(
          new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }),
        );
        if (i % yieldEvery === yieldEvery - 1) await new Promise((resolve) => setTimeout(resolve, 0));
      }
    },
    { prefix, count, yieldEvery },
  );
}
