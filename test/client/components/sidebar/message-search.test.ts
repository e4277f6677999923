import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../../client/components/sidebar/message-search.js';
import type { MessageSearch, MessageSearchFn } from '../../../../client/components/sidebar/message-search.js';
import type { MessageSearchResult } from '../../../../client/app/messenger.js';
import type { ConversationSelectEvent } from '../../../../client/components/events.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

const hit: MessageSearchResult = {
  id: 'a'.repeat(32),
  conversation: 'dm:alice:bob',
  author: 'bob',
  sentAt: 1000,
  snippet: '明天的会议室改到三楼',
  title: 'bob',
};

async function type(search: MessageSearch, text: string): Promise<void> {
  const box = getByRole<HTMLInputElement>(search, 'searchbox', 'Search messages');
  box.value = text;
  box.dispatchEvent(new Event('input'));
  await search.updateComplete;
}

describe('<message-search>', () => {
  it('lists what the search finds as buttons, and a choice opens the conversation at that message', async () => {
    const asked: string[] = [];
    const run: MessageSearchFn = async (query) => {
      asked.push(query);
      return [hit];
    };
    const search = await fixture<MessageSearch>(html`<message-search .search=${run}></message-search>`);
    await type(search, '会议');
    await search.updateComplete;
    expect(asked).to.deep.equal(['会议']);
    const list = getByRole(search, 'list', 'Search results');
    const button = getByRole(list, 'button', /会议室/);
    expect(button.textContent).to.contain('bob');

    setTimeout(() => button.click());
    const event = await (oneEvent(search, 'conversation-select') as Promise<ConversationSelectEvent>);
    expect([event.conversation, event.at]).to.deep.equal([hit.conversation, hit.id]);
  });

  it('shows only the newest query’s answer, and clears with the box', async () => {
    const answers = new Map<string, (results: MessageSearchResult[]) => void>();
    const run: MessageSearchFn = (query) => new Promise((resolve) => answers.set(query, resolve));
    const search = await fixture<MessageSearch>(html`<message-search .search=${run}></message-search>`);
    await type(search, 'a');
    await type(search, 'ab');
    answers.get('ab')!([]);
    await new Promise((resolve) => setTimeout(resolve));
    answers.get('a')!([hit]);
    await new Promise((resolve) => setTimeout(resolve));
    await search.updateComplete;
    expect(queryAllByRole(search, 'list', 'Search results')).to.have.length(0);
    expect(search.shadowRoot?.textContent).to.contain('No messages found.');

    await type(search, '');
    expect(search.shadowRoot?.textContent).not.to.contain('No messages found.');
  });

  it('says so when a search fails', async () => {
    const run: MessageSearchFn = () => Promise.reject(new Error('storage closed'));
    const search = await fixture<MessageSearch>(html`<message-search .search=${run}></message-search>`);
    await type(search, 'x');
    await new Promise((resolve) => setTimeout(resolve));
    await search.updateComplete;
    expect(getByRole(search, 'alert').textContent).to.contain('Search failed');
  });
});
