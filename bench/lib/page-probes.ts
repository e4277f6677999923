/**
 * In-page instrumentation for message latency: the connect probe (bench/latency.ts), and sending a
 * message from the page and seeing it arrive in the **Messages** log (latency, groups and files,
 * which all time chat the same way). Timestamps are taken inside the pages, never in Node, so the
 * driver's own round trips do not count: `performance.timeOrigin + performance.now()` is a clock
 * both pages of one Chromium share (each page's time origin is on the same system clock).
 */
import type { ElementHandle, Locator, Page } from 'playwright-core';
import { PAGE_HOOKS } from './page-hooks.js';

/** What the connect probe records in a page, in that page's `performance.now()` milliseconds. */
export interface ConnectProbe {
  /** The last click anywhere in the page (capture phase, before the app sees it). */
  clickAt: number | null;
  /** The first data channel that opened after that click. */
  channelOpenAt: number | null;
  /** When the text "connected directly" first appeared after that click. */
  connectedAt: number | null;
}

/**
 * An init script (plain JavaScript, run before the app) that fills `globalThis.__connectProbe`:
 * a capture-phase click listener; every RTCDataChannel's `open` (channels the page creates and
 * channels the other side announces); and a MutationObserver on every shadow root, since the
 * conversation status lives deep in Lit components.
 */
export const CONNECT_PROBE_SCRIPT = `(() => {${PAGE_HOOKS}
  const probe = { clickAt: null, channelOpenAt: null, connectedAt: null };
  globalThis.__connectProbe = probe;
  addEventListener('click', () => {
    probe.clickAt = performance.now();
    probe.channelOpenAt = null;
    probe.connectedAt = null;
  }, true);

  const watchChannel = (channel) => channel.addEventListener('open', () => {
    if (probe.clickAt !== null && probe.channelOpenAt === null) probe.channelOpenAt = performance.now();
  });
  watchDataChannels(watchChannel);

  const saysConnected = (node) => (node.textContent ?? '').includes('connected directly');
  const observer = new MutationObserver((records) => {
    if (probe.clickAt === null || probe.connectedAt !== null) return;
    for (const record of records) {
      if (saysConnected(record.target) || [...record.addedNodes].some(saysConnected)) {
        probe.connectedAt = performance.now();
        return;
      }
    }
  });
  observeShadowRoots(observer, { childList: true, subtree: true, characterData: true });
})();`;

export function readConnectProbe(page: Page): Promise<ConnectProbe> {
  return page.evaluate(() => ({
    ...(globalThis as unknown as { __connectProbe: ConnectProbe }).__connectProbe,
  }));
}

interface ArrivalProbe {
  arrivals: Map<string, number>;
  waiters: Map<string, (at: number) => void>;
}

/** Messages carry a token so the receiver can tell them apart: `lat-<n>`. */
export function latencyToken(index: number): string {
  return `lat-${index}`;
}

/**
 * Watches the **Messages** log of a page: records, on the shared clock, when a message with a token
 * first appears in it (a MutationObserver callback, i.e. right after the app inserted it in the DOM).
 */
export async function watchArrivals(messageLog: Locator): Promise<void> {
  await messageLog.evaluate((log) => {
    const probe: ArrivalProbe = { arrivals: new Map(), waiters: new Map() };
    (globalThis as unknown as { __arrivalProbe: ArrivalProbe }).__arrivalProbe = probe;
    new MutationObserver((records) => {
      const at = performance.timeOrigin + performance.now();
      for (const record of records) {
        for (const node of record.addedNodes) {
          const token = /\blat-\d+\b/.exec(node.textContent ?? '')?.[0];
          if (!token || probe.arrivals.has(token)) continue;
          probe.arrivals.set(token, at);
          probe.waiters.get(token)?.(at);
          probe.waiters.delete(token);
        }
      }
    }).observe(log, { childList: true, subtree: true });
  });
}

/** When the message with `token` appeared (shared clock); waits for it up to `timeoutMs`. */
export function arrivalOf(page: Page, token: string, timeoutMs: number): Promise<number> {
  return page.evaluate(
    ({ token, timeoutMs }) =>
      new Promise<number>((resolve, reject) => {
        const probe = (globalThis as unknown as { __arrivalProbe: ArrivalProbe }).__arrivalProbe;
        const seen = probe.arrivals.get(token);
        if (seen !== undefined) return resolve(seen);
        const timer = setTimeout(() => reject(new Error(`${token} did not arrive`)), timeoutMs);
        probe.waiters.set(token, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      }),
    { token, timeoutMs },
  );
}

/** Puts `text` in the **Message** box and dispatches the Enter keydown there (runs in the page). */
const pressEnterWith = (box: HTMLElement | SVGElement, text: string): number => {
  (box as HTMLTextAreaElement).value = text;
  const at = performance.timeOrigin + performance.now();
  box.dispatchEvent(
    new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }),
  );
  return at;
};

/**
 * Sends `text` as a person pressing Enter would, from inside the page: puts it in the **Message**
 * box and dispatches the Enter keydown there. Returns the shared-clock time taken just before.
 * A handle found once spares the page a locator's role query per message, where that matters.
 */
export function sendFromPage(messageBox: Locator | ElementHandle, text: string): Promise<number> {
  return 'asElement' in messageBox
    ? messageBox.evaluate(pressEnterWith, text)
    : messageBox.evaluate(pressEnterWith, text);
}
