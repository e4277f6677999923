// A long history in <message-list>: virtualized, paged back as the person scrolls up.
import { expect, fixture, html } from '@open-wc/testing';
import '../../../../client/components/conversation/message-list.js';
import type { MessageList } from '../../../../client/components/conversation/message-list.js';
import type { MessageView } from '../../../../client/app/conversations/message-view.js';
import type { MessagesPageEvent } from '../../../../client/components/events.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

const TOTAL = 2000;
const PAGE = 100;

function message(n: number): MessageView {
  return {
    id: n.toString(16).padStart(32, '0'),
    author: 'alice',
    // Some long ones: rows of different heights.
    text: n % 7 === 0 ? `message ${n} ${'and more words '.repeat(12)}` : `message ${n}`,
    file: null,
    sentAt: 1_700_000_000_000 + n * 60_000,
    own: n % 3 === 0,
    state: n % 3 === 0 ? 'delivered' : 'received',
    deliveredCount: 1,
    recipientCount: 1,
    reactions: [],
  };
}

const history = Array.from({ length: TOTAL }, (_, i) => message(i + 1));

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** A conversation as the app holds it: the newest page first, the page before on each request. */
async function openHistory(): Promise<{ list: MessageList; pages: () => number }> {
  let from = TOTAL - PAGE;
  let pages = 0;
  const list = await fixture<MessageList>(
    html`<message-list style="height: 400px" .messages=${history.slice(from)} older></message-list>`,
  );
  list.addEventListener('messages-page', (event: MessagesPageEvent) => {
    if (event.direction !== 'older') return;
    pages += 1;
    from = Math.max(0, from - PAGE);
    list.messages = history.slice(from);
    list.older = from > 0;
  });
  await nextFrame();
  return { list, pages: () => pages };
}

function visibleTexts(list: MessageList): string[] {
  const box = list.getBoundingClientRect();
  return queryAllByRole(getByRole(list, 'log', 'Messages'), 'article')
    .filter((article) => {
      const rect = article.getBoundingClientRect();
      return rect.bottom > box.top && rect.top < box.bottom;
    })
    .map((article) => article.querySelector('.text')?.textContent?.trim() ?? '');
}

describe('<message-list> with a long history', () => {
  it('opens at the newest message with far fewer articles in the DOM than messages', async () => {
    const { list, pages } = await openHistory();
    expect(visibleTexts(list).at(-1)).to.equal(`message ${TOTAL}`);
    expect(queryAllByRole(list, 'article').length).to.be.below(60);
    expect(pages()).to.equal(0);
    // Not all of it is held: the size of the set is unknown.
    expect(queryAllByRole(list, 'article')[0]?.getAttribute('aria-setsize')).to.equal('-1');
  });

  it('loads older pages as it is scrolled up, keeps what is read in place, and reaches the first', async () => {
    const { list, pages } = await openHistory();
    list.scrollTop = 0;
    await nextFrame();
    await nextFrame();
    expect(pages()).to.equal(1);
    // The message that was at the top stays there: the page came in above it (the day's separator
    // above it gave way to the message before it, on the same day).
    expect(visibleTexts(list).slice(0, 2)).to.include(`message ${TOTAL - PAGE + 1}`);
    expect(visibleTexts(list)).not.to.include(`message ${TOTAL - PAGE - 10}`);
    for (let i = 0; i < 200 && !visibleTexts(list).includes('message 1'); i += 1) {
      list.scrollTop = 0;
      await nextFrame();
      await nextFrame();
    }
    expect(visibleTexts(list)[0]).to.equal('message 1');
    expect(pages()).to.equal(TOTAL / PAGE - 1);
    expect(queryAllByRole(list, 'article').length).to.be.below(60);
    const first = queryAllByRole(list, 'article')[0];
    expect(first?.getAttribute('aria-posinset')).to.equal('1');
    expect(first?.getAttribute('aria-setsize')).to.equal(String(TOTAL));
  });

  it('keeps following the newest while at the bottom', async () => {
    const { list } = await openHistory();
    list.messages = [...history.slice(TOTAL - PAGE), message(TOTAL + 1)];
    await list.updateComplete;
    await nextFrame();
    expect(visibleTexts(list).at(-1)).to.equal(`message ${TOTAL + 1}`);
  });

  it('reads no layout for a render that adds no row (an own message delivered to one more)', async () => {
    const { list } = await openHistory();
    const delivered = history.slice(TOTAL - PAGE);
    const last = delivered.length - 1;
    const measure = Element.prototype.getBoundingClientRect;
    const heights = { read: 0 };
    Element.prototype.getBoundingClientRect = function (this: Element) {
      heights.read += 1;
      return measure.call(this);
    };
    try {
      list.messages = delivered.map((m, i) => (i === last ? { ...m, own: true, state: 'delivered' } : m));
      await list.updateComplete;
    } finally {
      Element.prototype.getBoundingClientRect = measure;
    }
    expect(heights.read).to.equal(0);
  });

  it('shows a new message at the bottom after measuring it whole, rendering the log at most twice', async () => {
    const { list } = await openHistory();
    let renders = 0;
    // `update` is protected: the test counts the renders from outside, as the profiler did.
    const counted = list as unknown as { update(changed: unknown): void };
    const update = counted.update.bind(list);
    counted.update = (changed) => {
      renders += 1;
      update(changed);
    };
    list.messages = [...history.slice(TOTAL - PAGE), message(TOTAL + 7)];
    await list.updateComplete;
    await nextFrame();
    await nextFrame();
    expect(renders).to.be.within(1, 2);
    const log = getByRole(list, 'log', 'Messages');
    const newest = queryAllByRole(log, 'article').at(-1)!;
    expect(newest.getBoundingClientRect().bottom).to.be.at.most(list.getBoundingClientRect().bottom + 1);
    expect(visibleTexts(list).at(-1)).to.equal(`message ${TOTAL + 7}`);
  });

  it('does not follow the newest while the reader is further up', async () => {
    const { list } = await openHistory();
    list.scrollTop = 200;
    await nextFrame();
    const before = visibleTexts(list);
    list.messages = [...history.slice(TOTAL - PAGE), message(TOTAL + 1)];
    await list.updateComplete;
    await nextFrame();
    expect(visibleTexts(list)).to.deep.equal(before);
  });

  it('asks for newer messages when scrolled to the bottom of a window that is not the newest', async () => {
    const list = await fixture<MessageList>(
      html`<message-list style="height: 400px" .messages=${history.slice(0, PAGE)} newer></message-list>`,
    );
    list.highlight = history[10]!.id;
    await nextFrame();
    let asked = 0;
    list.addEventListener('messages-page', (event: MessagesPageEvent) => {
      if (event.direction === 'newer') asked += 1;
    });
    list.scrollTop = list.scrollHeight;
    await nextFrame();
    await nextFrame();
    expect(asked).to.equal(1);
  });
});
