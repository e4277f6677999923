import { expect, fixture, html } from '@open-wc/testing';
import '../../../client/components/message-list.js';
import type { MessageList } from '../../../client/components/message-list.js';
import type { MessageView } from '../../../client/app/message-view.js';
import { getByRole, queryAllByRole } from '../helpers/by-role.js';

const messages: MessageView[] = [
  {
    id: 'a'.repeat(32),
    author: 'alice',
    text: 'hi bob',
    sentAt: 1_700_000_000_000,
    own: false,
    state: 'received',
    deliveredCount: 0,
    recipientCount: 0,
  },
  {
    id: 'b'.repeat(32),
    author: 'bob',
    text: 'hi alice',
    sentAt: 1_700_000_001_000,
    own: true,
    state: 'delivered',
    deliveredCount: 1,
    recipientCount: 1,
  },
  {
    id: 'c'.repeat(32),
    author: 'bob',
    text: '<img src=x onerror=alert(1)>',
    sentAt: 1_700_000_002_000,
    own: true,
    state: 'sending',
    deliveredCount: 0,
    recipientCount: 1,
  },
];

describe('<message-list>', () => {
  it('is a log named Messages with one article per message, author and text in each', async () => {
    const list = await fixture<MessageList>(html`<message-list .messages=${messages}></message-list>`);
    const log = getByRole(list, 'log', 'Messages');
    const articles = queryAllByRole(log, 'article');
    expect(articles).to.have.length(3);
    expect(articles[0]?.textContent).to.contain('alice').and.to.contain('hi bob');
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
});
