/**
 * In-page instrumentation for the file benchmark.
 *
 * "The file has arrived" is read where a person reads it: a control named **Save** appears inside
 * the message (role article or listitem) that names the file. Playwright's locators would find it
 * too, but they poll and compute roles across the whole page on every try — load on the receiving
 * renderer, which is the one being measured. The probe instead reacts to the DOM changes the app
 * makes anyway (a MutationObserver on the document and on every shadow root, since Lit renders into
 * them) and looks only at what changed. A 1 s full scan backs it up in case a change slips past the
 * observer (it reports `via: 'scan'`, whose time is then only good to a second). A file whose
 * message is not rendered (chat pushed it out of the log's rendered rows) is seen in the open
 * conversation's view instead (`via: 'state'`).
 *
 * A file only offered (bigger than what comes without asking) is asked for the moment its
 * **Download** shows, by a click in the page: a person's reaction time is not the transfer's.
 *
 * It also notes when each chat frame with a token came off a data channel (transport, before the
 * app), which tells a chat message held up in the sender or the channel from one held up in the
 * receiving app.
 *
 * Times are `performance.timeOrigin + performance.now()`: wall-clock milliseconds every page of the
 * machine (and Node, see `wallClockMs`) agrees on to well under a millisecond's worth of a transfer.
 */
import type { Page } from 'playwright-core';
import { PAGE_HOOKS } from './page-hooks.js';

/** When a file showed **Save**, and how the probe saw it. */
export interface SaveSeen {
  at: number;
  /** `state`: read from the open conversation's view, its message not rendered (scrolled away). */
  via: 'observer' | 'scan' | 'state';
}

interface FileProbe {
  frames: Map<string, number>;
  /** When the page handed each chat frame with a token to a data channel. */
  sent: Map<string, number>;
  longTasks: LongTask[];
  expect(name: string): void;
  wait(name: string, timeoutMs: number): Promise<SaveSeen>;
}

type ProbeWindow = typeof globalThis & { __fileProbe: FileProbe };

/** A task of 50 ms or more on a page's main thread: when it started (wall clock) and how long it ran. */
export interface LongTask {
  at: number;
  ms: number;
}

/**
 * An init script (plain JavaScript, run before the app) that fills `globalThis.__fileProbe`:
 * `expect(name)` starts looking for the **Save** of file `name`; `wait(name, timeoutMs)` resolves
 * with when it appeared. Nothing is examined while no file is expected.
 */
export const FILE_PROBE_SCRIPT = `(() => {${PAGE_HOOKS}
  const now = () => performance.timeOrigin + performance.now();
  const expected = new Map();
  const CONTROLS = 'button, a[href], [role="button"], [role="link"]';

  const up = (node) => node.parentNode ?? node.host ?? null;
  const deepText = (root) => {
    let text = '';
    const walk = (node) => {
      if (node.nodeType === Node.TEXT_NODE) {
        text += node.data;
        return;
      }
      if (node.nodeType === Node.ELEMENT_NODE) {
        const label = node.getAttribute('aria-label');
        if (label) text += ' ' + label + ' ';
        if (node.shadowRoot) walk(node.shadowRoot);
      }
      for (const child of node.childNodes) walk(child);
    };
    walk(root);
    return text;
  };
  const isControl = (element, pattern) => {
    if (!element.matches(CONTROLS)) return false;
    if (element.hidden || element.disabled || element.getAttribute('aria-hidden') === 'true') return false;
    const name = (element.getAttribute('aria-label') ?? element.textContent ?? '').trim();
    return pattern.test(name) && element.checkVisibility();
  };
  /** The expected file whose message holds this Save control, if any. */
  const fileOf = (control) => {
    for (let node = up(control); node; node = up(node)) {
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const role = node.getAttribute('role');
      if (node.tagName !== 'ARTICLE' && node.tagName !== 'LI' && role !== 'article' && role !== 'listitem') continue;
      const text = deepText(node);
      for (const [name, entry] of expected) if (!entry.seen && text.includes(name)) return entry;
    }
    return null;
  };
  const check = (element, via) => {
    // A file above the auto-fetch size (16 MiB) is only offered: ask for it at once, as its
    // receiver would, so the time measured is the transfer's and not a person's reaction.
    if (isControl(element, /^download$/i)) {
      const entry = fileOf(element);
      if (entry && !entry.asked) {
        entry.asked = true;
        element.click();
      }
      return;
    }
    if (!isControl(element, /\\bsave\\b/i)) return;
    const entry = fileOf(element);
    if (entry) settle(entry, via);
  };
  const settle = (entry, via) => {
    entry.seen = { at: now(), via };
    for (const resolve of entry.waiters) resolve(entry.seen);
    entry.waiters = [];
  };
  // A file whose message has scrolled out of the rendered rows (chat went on below it: the log
  // renders only the rows near the view) has no Save in the DOM to see: the open conversation's
  // view, the one the log would render, says when it could be saved.
  const savableInView = () => {
    const messages = document.querySelector('parley-app')?.store?.messenger?.openConversation?.messages ?? [];
    for (const [name, entry] of expected) {
      if (entry.seen) continue;
      if (messages.some((message) => message.file?.name === name && message.file.canSave)) settle(entry, 'state');
    }
  };
  const pending = () => [...expected.values()].some((entry) => !entry.seen);
  const scan = (root, via) => {
    if (root.nodeType === Node.ELEMENT_NODE) {
      check(root, via);
      if (root.shadowRoot) scan(root.shadowRoot, via);
    }
    for (const element of root.querySelectorAll('*')) {
      if (element.matches(CONTROLS)) check(element, via);
      if (element.shadowRoot) scan(element.shadowRoot, via);
    }
  };

  const observer = new MutationObserver((records) => {
    if (!pending()) return;
    savableInView();
    for (const record of records) {
      if (record.type === 'attributes') {
        if (record.target.nodeType === Node.ELEMENT_NODE) scan(record.target, 'observer');
        continue;
      }
      for (const node of record.addedNodes) if (node.nodeType === Node.ELEMENT_NODE) scan(node, 'observer');
    }
  });
  const OPTIONS = {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['hidden', 'disabled', 'class', 'style', 'aria-hidden', 'aria-label', 'href'],
  };
  observer.observe(document, OPTIONS);
  observeShadowRoots(observer, OPTIONS);
  setInterval(() => {
    if (pending()) scan(document, 'scan');
    if (pending()) savableInView();
  }, 1000);

  // Transport: when each chat frame carrying a token ("lat-12 …") came off a data channel, before
  // the app saw it. Text frames are JSON; bytes are decoded only when short and starting with '{'.
  const frames = new Map();
  const TOKEN = /"text":"(lat-\\d+)\\b/;
  const decoder = new TextDecoder();
  const onFrame = (event) => {
    let data = event.data;
    if (typeof data !== 'string') {
      if (!(data instanceof ArrayBuffer) || data.byteLength > 4096 || new Uint8Array(data, 0, 1)[0] !== 0x7b) return;
      data = decoder.decode(data);
    }
    const token = TOKEN.exec(data)?.[1];
    if (token && !frames.has(token)) frames.set(token, now());
  };
  watchDataChannels((channel) => channel.addEventListener('message', onFrame));
  // And when the sending page handed each such frame to its channel: the wait before that is the
  // sender's app, the wait after it the transport and the receiving page's queue.
  const sent = new Map();
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    if (typeof data === 'string' && data.length < 4096) {
      const token = TOKEN.exec(data)?.[1];
      if (token && !sent.has(token)) sent.set(token, now());
    }
    return send.call(this, data);
  };

  // Long tasks of this page's main thread (50 ms or more, as the browser reports them): a chat
  // frame that comes off the channel late may have waited behind one.
  const longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      longTasks.push({ at: performance.timeOrigin + entry.startTime, ms: entry.duration });
  }).observe({ type: 'longtask' });

  globalThis.__fileProbe = {
    frames,
    sent,
    longTasks,
    expect(name) {
      expected.set(name, { seen: null, waiters: [] });
      scan(document, 'observer');
    },
    wait(name, timeoutMs) {
      const entry = expected.get(name);
      if (!entry) return Promise.reject(new Error('the probe was not told to expect ' + name));
      if (entry.seen) return Promise.resolve(entry.seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(name + ' showed no Save within ' + timeoutMs + ' ms'));
        }, timeoutMs);
        entry.waiters.push((seen) => {
          clearTimeout(timer);
          resolve(seen);
        });
      });
    },
  };
})();`;

/** Starts looking for the **Save** of file `name` in `page` (call before the transfer starts). */
export async function expectSave(page: Page, name: string): Promise<void> {
  await page.evaluate((name) => (globalThis as ProbeWindow).__fileProbe.expect(name), name);
}

/** When the **Save** of file `name` appeared in `page`; fails after `timeoutMs`. */
export function saveSeen(page: Page, name: string, timeoutMs: number): Promise<SaveSeen> {
  return page.evaluate(
    ({ name, timeoutMs }) => (globalThis as ProbeWindow).__fileProbe.wait(name, timeoutMs),
    { name, timeoutMs },
  );
}

/**
 * When the chat frames with these tokens came off the page's data channels (`arrived`), or were
 * handed to one by the page (`sent`); null: not seen.
 */
export function frameTimes(
  page: Page,
  tokens: readonly string[],
  which: 'arrived' | 'sent',
): Promise<(number | null)[]> {
  return page.evaluate(
    ({ tokens, which }) => {
      const probe = (globalThis as ProbeWindow).__fileProbe;
      const times = which === 'sent' ? probe.sent : probe.frames;
      return tokens.map((token) => times.get(token) ?? null);
    },
    { tokens, which },
  );
}

/** Now, on the clock the probes use. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The page's long tasks that started from `from` to `to` (wall clock). */
export function longTasks(page: Page, from: number, to: number): Promise<LongTask[]> {
  return page.evaluate(
    ({ from, to }) =>
      (globalThis as ProbeWindow).__fileProbe.longTasks.filter((task) => task.at >= from && task.at <= to),
    { from, to },
  );
}
