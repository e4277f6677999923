import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../../client/components/conversation/message-list.js';
import type { MessageList } from '../../../../client/components/conversation/message-list.js';
import type { FileView, MessageView } from '../../../../client/app/conversations/message-view.js';
import type { FileActionEvent } from '../../../../client/components/events.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';
import { messageView } from '../../helpers/message-views.js';

const messages: MessageView[] = [
  messageView('a', 'hi bob'),
  messageView('b', 'hi alice', {
    author: 'bob',
    sentAt: 1_700_000_001_000,
    own: true,
    state: 'delivered',
    deliveredCount: 1,
    recipientCount: 1,
  }),
  messageView('c', '<img src=x onerror=alert(1)>', {
    author: 'bob',
    sentAt: 1_700_000_002_000,
    own: true,
    state: 'sending',
    recipientCount: 1,
  }),
];

describe('<message-list>', () => {
  it('is a log named Messages with one article per message, author and text in each', async () => {
    const list = await fixture<MessageList>(html`<message-list .messages=${messages}></message-list>`);
    const log = getByRole(list, 'log', 'Messages');
    const articles = queryAllByRole(log, 'article');
    expect(articles).to.have.length(3);
    expect(articles[0]?.textContent).to.contain('alice').and.to.contain('hi bob');
  });

  it('marks a message whose signature is not checked yet, or that predates signing', async () => {
    const marked: MessageView[] = [
      { ...messages[0]!, authorship: 'unverified' },
      { ...messages[1]!, authorship: 'unsigned' },
      { ...messages[2]!, authorship: 'signed' },
    ];
    const list = await fixture<MessageList>(html`<message-list .messages=${marked}></message-list>`);
    const [unverified, unsigned, signed] = queryAllByRole(list, 'article');
    expect(unverified?.textContent).to.contain('unverified');
    expect(unsigned?.textContent).to.contain('unsigned');
    expect(signed?.textContent).not.to.match(/unverified|unsigned/);
  });

  it('shows the delivery state of own messages in words', async () => {
    const list = await fixture<MessageList>(html`<message-list .messages=${messages}></message-list>`);
    const [theirs, delivered, sending] = queryAllByRole(list, 'article');
    expect(theirs?.textContent).not.to.match(/sending|sent|delivered/);
    expect(delivered?.textContent).to.contain('delivered');
    expect(sending?.textContent).to.contain('sending');
  });

  it('renders text as text, never as HTML', async () => {
    const list = await fixture<MessageList>(html`<message-list .messages=${messages}></message-list>`);
    expect(list.shadowRoot?.querySelector('img')).to.equal(null);
    expect(queryAllByRole(list, 'article')[2]?.textContent).to.contain('<img src=x onerror=alert(1)>');
  });

  it('shows a file message as a file, with its progress and actions', async () => {
    const list = await fixture<MessageList>(
      html`<message-list .messages=${[...messages, fileMessage(movingFile)]}></message-list>`,
    );
    const article = queryAllByRole(list, 'article')[3];
    if (!article) throw new Error('no file article');
    expect(article.querySelector('.text')).to.equal(null);
    expect(getByRole(article, 'progressbar', 'holiday.jpg').getAttribute('aria-valuenow')).to.equal('500');
    const fired = oneEvent(list, 'file-action') as Promise<FileActionEvent>;
    getByRole(article, 'button', 'Cancel').click();
    const event = await fired;
    expect([event.id, event.action]).to.deep.equal(['d'.repeat(32), 'cancel']);
  });

  it('updates a file message in place when its view changes', async () => {
    const list = await fixture<MessageList>(
      html`<message-list .messages=${[...messages, fileMessage(movingFile)]}></message-list>`,
    );
    const before = queryAllByRole(list, 'article');
    const firstText = before[0]?.querySelector('.text');
    list.messages = [
      ...messages,
      fileMessage({ ...movingFile, state: 'complete', done: 1000, canCancel: false, canSave: true }),
    ];
    await list.updateComplete;
    const after = queryAllByRole(list, 'article');
    expect(after[0]?.querySelector('.text')).to.equal(firstText);
    expect(queryAllByRole(after[3] as Element, 'progressbar')).to.have.length(0);
    getByRole(after[3] as Element, 'button', 'Save');
  });

  it("reads no layout when a moving file's progress renders (its row keeps its height)", async () => {
    const list = await fixture<MessageList>(
      html`<message-list
        style="height: 300px"
        .messages=${[...messages, fileMessage(movingFile)]}
      ></message-list>`,
    );
    // Settled: the log's own first size report (a frame later) places the view once more.
    for (let frame = 0; frame < 3; frame++) await new Promise((resolve) => requestAnimationFrame(resolve));
    await list.updateComplete;
    // Counted on every element: measuring rows after each render forced a layout of the page on
    // every progress tick during a transfer (both pages spent ~170 ms of a 9 s chat run in it),
    // where the row's height cannot have changed; a row that does change reports it (ResizeObserver).
    const measure = Element.prototype.getBoundingClientRect;
    let reads = 0;
    Element.prototype.getBoundingClientRect = function (this: Element) {
      reads += 1;
      return measure.call(this);
    };
    try {
      for (const done of [600, 700, 800]) {
        list.messages = [...messages, fileMessage({ ...movingFile, done, secondsLeft: (1000 - done) / 250 })];
        await list.updateComplete;
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
    } finally {
      Element.prototype.getBoundingClientRect = measure;
    }
    expect(getByRole(list, 'progressbar', 'holiday.jpg').getAttribute('aria-valuenow')).to.equal('800');
    expect(reads).to.equal(0);
  });

  it('renders any sentAt a peer may send, even ones no Date can hold', async () => {
    const hostile = [9e15, -9e15, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_VALUE].map(
      (sentAt, i) => ({
        ...textMessage(String(i), `hostile ${i}`),
        sentAt,
      }),
    );
    const list = await fixture<MessageList>(
      html`<message-list .messages=${[textMessage('a', 'fine'), ...hostile]}></message-list>`,
    );
    const articles = queryAllByRole(list, 'article');
    expect(articles).to.have.length(6);
    expect(articles[1]?.textContent).to.contain('hostile 0');
    list.messages = [...hostile, textMessage('b', 'still rendering')];
    await list.updateComplete;
    expect(queryAllByRole(list, 'article')[5]?.textContent).to.contain('still rendering');
  });

  it('separates days: Today, Yesterday, then dates', async () => {
    const now = new Date();
    const today = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 9, 30).getTime();
    const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1, 23, 59).getTime();
    const longAgo = new Date(2021, 2, 14, 12, 0).getTime();
    const list = await fixture<MessageList>(
      html`<message-list
        .messages=${[
          { ...textMessage('1', 'long ago'), sentAt: longAgo },
          { ...textMessage('2', 'also long ago'), sentAt: longAgo + 60_000 },
          { ...textMessage('3', 'last night'), sentAt: yesterday },
          { ...textMessage('4', 'this morning'), sentAt: today },
        ]}
      ></message-list>`,
    );
    const days = [...(list.shadowRoot?.querySelectorAll('.day') ?? [])].map((day) => day.textContent?.trim());
    const expected = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      dateStyle: 'long',
    }).format(longAgo);
    expect(days).to.deep.equal([expected, 'Yesterday', 'Today']);
    // Separators sit between messages, never inside one.
    expect(queryAllByRole(list, 'article')[1]?.textContent).not.to.contain(expected);
  });

  it('scrolls to the highlighted message and marks it current, and keeps it there', async () => {
    const many: MessageView[] = Array.from({ length: 120 }, (_, i) => ({
      ...messages[0]!,
      id: i.toString(16).padStart(32, '0'),
      text: `message ${i}`,
      sentAt: 1_700_000_000_000 + i * 1000,
    }));
    const target = many[10]!.id;
    const list = await fixture<MessageList>(
      html`<message-list style="height: 300px" .messages=${many} .highlight=${target}></message-list>`,
    );
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const current = queryAllByRole(list, 'article').filter((a) => a.getAttribute('aria-current') === 'true');
    expect(current).to.have.length(1);
    expect(current[0]?.textContent).to.contain('message 10');
    const box = list.getBoundingClientRect();
    const article = current[0]!.getBoundingClientRect();
    expect(article.top).to.be.at.least(box.top);
    expect(article.bottom).to.be.at.most(box.bottom);
  });
});

function textMessage(id: string, text: string): MessageView {
  return {
    id: id.repeat(32).slice(0, 32),
    author: 'alice',
    text,
    file: null,
    sentAt: Date.now(),
    own: false,
    state: 'received',
    deliveredCount: 0,
    recipientCount: 0,
    reactions: [],
  };
}

const movingFile: FileView = {
  name: 'holiday.jpg',
  size: 1000,
  type: 'image/jpeg',
  state: 'moving',
  done: 500,
  total: 1000,
  bytesPerSecond: 250,
  secondsLeft: 2,
  detail: null,
  canCancel: true,
  canSave: false,
  canRetry: false,
  previewUrl: null,
  voice: null,
};

function fileMessage(file: FileView): MessageView {
  return {
    id: 'd'.repeat(32),
    author: 'alice',
    text: '',
    file,
    sentAt: 1_700_000_003_000,
    own: false,
    state: 'received',
    deliveredCount: 0,
    recipientCount: 0,
    reactions: [],
  };
}
