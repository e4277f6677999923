/**
 * The page side of `bench/history.ts`, bundled by esbuild and loaded into the signed-in app's page
 * (same origin, so it opens the same IndexedDB database the app uses). It writes through the app's
 * own storage code — the search index is filled exactly as arriving messages fill it (a catch-up
 * batch's tokens just after it: the backlog is drained before the fill ends) — and times
 * searches and the opening of the conversation in the page's own clock.
 */
import { openAccountStore } from '../../client/storage/account-store.js';
import type { AccountStore } from '../../client/storage/account-store.js';
import type { ChatMessage } from '../../shared/peer-protocol.js';
import type { UserList } from '../../client/components/sidebar/user-list.js';

const LATIN = (
  'meeting tomorrow lunch harbour project deadline coffee weekend train ticket photo report ' +
  'garden window music river budget dinner movie office printer holiday question answer'
).split(' ');
const CJK = ['明天', '会议', '下午', '咖啡', '周末', '火车', '照片', '报告', '花园', '晚饭', '电影', '问题'];
/** Words each in one message out of `RARE_EVERY`: what a person looks for in a long history. */
const RARE = ['zephyr', '鑰匙'];
const RARE_EVERY = 997;

/** The text of message `n`: a few words of both scripts, deterministic, ~60 characters. */
export function benchText(n: number): string {
  let seed = (n * 2654435761) >>> 0;
  const next = (size: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % size;
  };
  const words = Array.from({ length: 6 }, () => LATIN[next(LATIN.length)]!);
  const chinese = Array.from({ length: 3 }, () => CJK[next(CJK.length)]!).join('');
  const rare = n % RARE_EVERY === 0 ? ` ${RARE[(n / RARE_EVERY) % RARE.length]}` : '';
  return `${words.join(' ')} ${chinese}${rare} #${n}`;
}

let store: AccountStore | null = null;

async function open(user: string): Promise<AccountStore> {
  store ??= await openAccountStore(user);
  return store;
}

/** Writes messages `from`..`to` (1-based, inclusive) of `author` into `conversation`, in batches. */
async function fill(user: string, conversation: string, author: string, from: number, to: number) {
  const account = await open(user);
  const batchSize = 500;
  for (let start = from; start <= to; start += batchSize) {
    const batch: ChatMessage[] = [];
    for (let n = start; n < Math.min(start + batchSize, to + 1); n += 1) {
      const id = n.toString(16).padStart(32, '0');
      batch.push({
        id,
        conversation,
        author,
        seq: n,
        sentAt: 1_700_000_000_000 + n * 1000,
        text: benchText(n),
      });
    }
    await account.addIncomingBatch(conversation, batch, { unread: false, receivedAt: Date.now() });
  }
  // A caught-up batch's tokens are written after it (search-backlog.ts), in idle time: written
  // here, within the fill, so that a search is timed on the index, not on writing it.
  await account.search.backlog.drain();
}

/** Runs `query` `rounds` times; the time of each run in ms, and how many it found. */
async function search(user: string, query: string, rounds: number) {
  const account = await open(user);
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    found = (await account.search.search(query)).length;
    times.push(performance.now() - started);
  }
  return { times, found };
}

/** Every element under `root`, through shadow roots. */
function* walk(root: Document | ShadowRoot | Element): Generator<Element> {
  for (const child of Array.from(root.children)) {
    yield child;
    if (child.shadowRoot) yield* walk(child.shadowRoot);
    yield* walk(child);
  }
}

/**
 * Clicks the button labelled `label` and resolves with the ms until an article holding `newest`
 * is on screen (checked each frame).
 */
function openConversation(label: string, newest: string): Promise<number> {
  const button = [...walk(document)].find(
    (el): el is HTMLButtonElement =>
      el instanceof HTMLButtonElement && el.getAttribute('aria-label') === label,
  );
  if (!button) return Promise.reject(new Error(`no button ${label}`));
  const started = performance.now();
  button.click();
  return new Promise((resolve) => {
    const check = (): void => {
      const shown = [...walk(document)].some(
        (el) =>
          el.tagName === 'ARTICLE' && el.textContent?.includes(newest) && el.getClientRects().length > 0,
      );
      if (shown) resolve(performance.now() - started);
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}

/**
 * Scrolls the open conversation's **Messages** log to its top, again and again as older pages come
 * in, until an article holding the text of message `first` is on screen; resolves with how many
 * times it scrolled. Rejects after `deadlineMs`.
 */
async function scrollToOldest(first: number, deadlineMs: number): Promise<number> {
  const oldest = benchText(first);
  const list = [...walk(document)].find((el) => el.tagName === 'MESSAGE-LIST');
  if (!list?.shadowRoot) throw new Error('no message-list');
  const root = list.shadowRoot;
  const shown = (): boolean =>
    [...root.querySelectorAll('article')].some(
      (article) => article.textContent?.includes(oldest) && article.getClientRects().length > 0,
    );
  const until = performance.now() + deadlineMs;
  let scrolls = 0;
  while (!shown()) {
    if (performance.now() > until) throw new Error(`${oldest} not reached after ${scrolls} scrolls`);
    if (list.scrollTop > 0) {
      list.scrollTop = 0;
      scrolls += 1;
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  return scrolls;
}

/** Resolves once `list` has rendered and has no further update pending (it measures, then renders again). */
async function settled(list: UserList): Promise<void> {
  while (!(await list.updateComplete));
  // Layout too: the time a person waits includes it.
  list.getBoundingClientRect();
}

/**
 * An **Online users** list of `count` people, in a sidebar-sized box: the ms from handing it the
 * entries to it being laid out, and from typing a **Find people** query to the same; `rounds` of
 * each. Uses the app's own `<user-list>` (defined by the app in this page).
 */
async function renderOnlineList(count: number, rounds: number) {
  const entries = Array.from({ length: count }, (_, i) => {
    const name = `person${String(i).padStart(6, '0')}`;
    return { conversation: `dm:${name}:reader`, name, online: true, unread: i % 50 === 0 ? 1 : 0 };
  });
  const box = document.createElement('div');
  box.style.cssText = 'position: fixed; top: 0; left: 0; width: 18rem; height: 100vh; overflow: auto';
  document.body.append(box);
  const render: number[] = [];
  const filter: number[] = [];
  let rows = 0;
  try {
    for (let round = 0; round < rounds; round += 1) {
      const list = document.createElement('user-list');
      list.label = 'Online users';
      let started = performance.now();
      list.entries = entries;
      box.replaceChildren(list);
      await settled(list);
      render.push(performance.now() - started);
      rows = list.shadowRoot?.querySelectorAll('li').length ?? 0;
      started = performance.now();
      list.filter = `son00${round}`;
      await settled(list);
      filter.push(performance.now() - started);
    }
  } finally {
    box.remove();
  }
  return { render, filter, rows };
}

function close(): void {
  store?.close();
  store = null;
}

declare global {
  interface Window {
    parleyHistoryBench?: {
      fill: typeof fill;
      search: typeof search;
      openConversation: typeof openConversation;
      scrollToOldest: typeof scrollToOldest;
      renderOnlineList: typeof renderOnlineList;
      benchText: typeof benchText;
      close: typeof close;
    };
  }
}

window.parleyHistoryBench = {
  fill,
  search,
  openConversation,
  scrollToOldest,
  renderOnlineList,
  benchText,
  close,
};
