/**
 * A long history: one conversation of 100,000 stored messages in a real Chromium (profile on disk,
 * so IndexedDB really writes), filled through the app's own storage code — each batch stored as an
 * arriving catch-up batch is, its search tokens written just after it (search-backlog.ts; the
 * backlog is drained within the fill, so searches are timed on the index).
 *
 * - `search_ms`: the median time of `SearchIndex.search` in the page, over several queries run a
 *   few times each: Latin (a rare word, a common one, two words) and CJK (a rare word, a bigram,
 *   a phrase). Each must find something.
 * - `open_ms`: from the click on the person in **Contacts** (after a reload, so nothing is warm in
 *   the app) to the newest message being on screen; the median of a few reloads.
 * - `scroll_heap_mb`: the page's JS heap (after a garbage collection, through CDP) once the log has
 *   been scrolled from the newest message up to the first: what stays held of a whole history read.
 * - `online_list_render_ms`: the median time for **Online users** to render and lay out 10,000
 *   people in a sidebar-sized box; `online_filter_ms`: the same after a **Find people** keystroke.
 *
 * Prints a table, then as the last stdout line one JSON object:
 * {"messages","fill_s","search_ms","search_p90_ms","open_ms","scroll_heap_mb","open_heap_mb",
 *  "online_list_render_ms","online_filter_ms"}.
 * Flags: `--quick` fills 5,000 messages instead of 100,000 (a smoke run).
 */
import { directConversationId } from '../shared/peer-protocol.js';
import type { Person } from '../test/e2e/harness/person.js';
import { roundMs, summarize } from './lib/latency-stats.js';
import { bundlePageSide, loadPageSide } from './lib/page-side.js';
import { signUpIn } from './lib/people.js';
import { formatTable } from './lib/print-table.js';
import { progress, runBench } from './lib/run-bench.js';

const QUICK = process.argv.includes('--quick');
const MESSAGES = QUICK ? 5_000 : 100_000;
const FILL_STEP = 10_000;
const SEARCH_ROUNDS = 5;
const OPEN_ROUNDS = QUICK ? 2 : 5;
const DEADLINE_MS = 20 * 60_000;
const TARGETS = { search: 200, open: 100, scrollHeap: 100 };
const SCROLL_DEADLINE_MS = 10 * 60_000;
const ONLINE_PEOPLE = 10_000;
const ONLINE_ROUNDS = 5;

const READER = 'reader';
const WRITER = 'writer';
const QUERIES = ['zephyr', 'harbour', 'coffee train', '鑰匙', '会议', '明天下午'] as const;
const PAGE_SIDE = { entry: new URL('./lib/history-page.ts', import.meta.url), ready: 'parleyHistoryBench' };

interface HistoryResult {
  fillSeconds: number;
  search: { query: string; found: number; times: number[] }[];
  open: number[];
  /** MB of JS heap in use after a GC: with the conversation just opened, and after scrolling it all. */
  openHeapMb: number;
  scrollHeapMb: number;
  scrolls: number;
  online: { render: number[]; filter: number[]; rows: number };
}

/** The page's JS heap in use after a full garbage collection, in MB (Chromium, through CDP). */
async function heapAfterGc(person: Person): Promise<number> {
  const cdp = await person.page.context().newCDPSession(person.page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize / 2 ** 20;
  } finally {
    await cdp.detach();
  }
}

runBench<HistoryResult>(
  { deadlineMs: DEADLINE_MS },
  async (bench) => {
    const bundle = await bundlePageSide(PAGE_SIDE);
    const context = await bench.profileOnDisk('reader', [new URL(bench.server.url).origin]);
    const reader = await signUpIn(bench, { context, url: bench.server.url }, READER);
    const conversation = directConversationId(READER, WRITER);
    await loadPageSide(reader.page, PAGE_SIDE, bundle);

    progress(`filling ${MESSAGES} messages`);
    const fillStarted = performance.now();
    for (let from = 1; from <= MESSAGES; from += FILL_STEP) {
      const to = Math.min(from + FILL_STEP - 1, MESSAGES);
      await reader.page.evaluate(
        ([user, id, author, first, last]) => window.parleyHistoryBench!.fill(user, id, author, first, last),
        [READER, conversation, WRITER, from, to] as const,
      );
      progress(`  ${to} stored`);
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;

    progress('searching');
    const search: HistoryResult['search'] = [];
    for (const query of QUERIES) {
      const { times, found } = await reader.page.evaluate(
        ([user, q, rounds]) => window.parleyHistoryBench!.search(user, q, rounds),
        [READER, query, SEARCH_ROUNDS] as const,
      );
      if (found === 0) throw new Error(`search for ${query} found nothing`);
      search.push({ query, found, times });
    }
    await reader.page.evaluate(() => window.parleyHistoryBench!.close());

    progress(`rendering ${ONLINE_PEOPLE} people online`);
    const online = await reader.page.evaluate(
      ([count, rounds]) => window.parleyHistoryBench!.renderOnlineList(count, rounds),
      [ONLINE_PEOPLE, ONLINE_ROUNDS] as const,
    );

    progress('opening the conversation');
    const newest = `#${MESSAGES}`;
    const open: number[] = [];
    for (let round = 0; round < OPEN_ROUNDS; round += 1) {
      await reader.reload();
      const contact = reader.page.getByRole('button', { name: `${WRITER}, offline`, exact: true });
      await contact.waitFor({ timeout: 30_000 });
      await loadPageSide(reader.page, PAGE_SIDE, bundle);
      open.push(
        await reader.page.evaluate(
          ([label, text]) => window.parleyHistoryBench!.openConversation(label, text),
          [`${WRITER}, offline`, newest] as const,
        ),
      );
    }
    const openHeapMb = await heapAfterGc(reader);
    progress('scrolling up to the first message');
    const scrolls = await reader.page.evaluate(
      ([first, deadline]) => window.parleyHistoryBench!.scrollToOldest(first, deadline),
      [1, SCROLL_DEADLINE_MS] as const,
    );
    const scrollHeapMb = await heapAfterGc(reader);
    await reader.closePage();
    return { fillSeconds, search, open, openHeapMb, scrollHeapMb, scrolls, online };
  },
  (result) => {
    const rows = result.search.map(({ query, found, times }) => ({
      label: `search "${query}" (${found} found)`,
      summary: summarize(times),
    }));
    const allSearches = result.search.flatMap((entry) => entry.times);
    const searchSummary = summarize(allSearches);
    const openSummary = summarize(result.open);
    const onlineSummary = summarize(result.online.render);
    const filterSummary = summarize(result.online.filter);
    console.log(
      formatTable(
        `History: ${MESSAGES} messages in one conversation (filled in ${result.fillSeconds.toFixed(1)} s)`,
        [
          ...rows,
          { label: 'all searches', summary: searchSummary },
          { label: 'open conversation, newest shown', summary: openSummary },
          { label: `Online users: ${ONLINE_PEOPLE} people rendered`, summary: onlineSummary },
          { label: 'Online users: Find people keystroke', summary: filterSummary },
        ],
      ),
    );
    const met = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    console.log(`target: search p50 < ${TARGETS.search} ms: ${met(searchSummary.p50 < TARGETS.search)}`);
    console.log(`target: open p50 < ${TARGETS.open} ms: ${met(openSummary.p50 < TARGETS.open)}`);
    console.log(
      `heap after a GC: ${result.openHeapMb.toFixed(1)} MB opened, ${result.scrollHeapMb.toFixed(1)} MB ` +
        `after scrolling to the first message (${result.scrolls} scrolls); target < ${TARGETS.scrollHeap} MB: ` +
        met(result.scrollHeapMb < TARGETS.scrollHeap),
    );
    console.log(`Online users: ${result.online.rows} of ${ONLINE_PEOPLE} rows in the DOM`);
    console.log(
      JSON.stringify({
        messages: MESSAGES,
        fill_s: Math.round(result.fillSeconds * 10) / 10,
        search_ms: roundMs(searchSummary.p50),
        search_p90_ms: roundMs(searchSummary.p90),
        open_ms: roundMs(openSummary.p50),
        scroll_heap_mb: Math.round(result.scrollHeapMb * 10) / 10,
        open_heap_mb: Math.round(result.openHeapMb * 10) / 10,
        online_list_render_ms: roundMs(onlineSummary.p50),
        online_filter_ms: roundMs(filterSummary.p50),
      }),
    );
  },
);
