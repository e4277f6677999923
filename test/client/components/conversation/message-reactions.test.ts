import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../../client/components/conversation/message-list.js';
import type { MessageList } from '../../../../client/components/conversation/message-list.js';
import type { MessageView } from '../../../../client/app/conversations/message-view.js';
import type { ReactionSummary } from '../../../../client/app/conversations/reactions.js';
import type { ReactionEvent } from '../../../../client/components/events.js';
import { MAX_LARGE_EMOJI, isEmojiOnly } from '../../../../client/components/conversation/emoji-only.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';
import { messageView } from '../../helpers/message-views.js';

function message(id: string, text: string, reactions: readonly ReactionSummary[] = []): MessageView {
  return messageView(id, text, { reactions });
}

const thumbs: ReactionSummary = { emoji: '👍', count: 2, mine: true, authors: ['bob', 'carol'] };
const party: ReactionSummary = { emoji: '🎉', count: 1, mine: false, authors: ['carol'] };

/** The element holding focus, looking into shadow roots. */
function focused(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

describe('<message-list> reactions', () => {
  it('shows each reaction as a toggle button with its count, pressed when it is mine', async () => {
    const list = await fixture<MessageList>(
      html`<message-list
        .messages=${[message('a', 'lunch?', [thumbs, party]), message('b', 'hi')]}
      ></message-list>`,
    );
    const [first, second] = queryAllByRole(list, 'article') as [Element, Element];
    const mine = getByRole(first, 'button', '👍 2, react');
    expect(mine.getAttribute('aria-pressed')).to.equal('true');
    expect(mine.textContent).to.match(/👍\s*2/);
    expect(getByRole(first, 'button', '🎉 1, react').getAttribute('aria-pressed')).to.equal('false');
    expect(queryAllByRole(second, 'button', /react$/)).to.have.length(0);
    getByRole(second, 'button', 'Add reaction');

    const fired = oneEvent(list, 'reaction') as Promise<ReactionEvent>;
    mine.click();
    const event = await fired;
    expect([event.messageId, event.emoji]).to.deep.equal(['a'.repeat(32), '👍']);
  });

  it('offers common emoji in a menu from Add reaction and reports the one chosen', async () => {
    const list = await fixture<MessageList>(
      html`<message-list .messages=${[message('a', 'lunch?')]}></message-list>`,
    );
    const add = getByRole(list, 'button', 'Add reaction');
    expect(add.getAttribute('aria-expanded')).to.equal('false');
    expect(queryAllByRole(list, 'menu')).to.have.length(0);
    add.click();
    await list.updateComplete;
    const menu = await menuOf(list);
    expect(add.getAttribute('aria-expanded')).to.equal('true');
    const items = queryAllByRole(menu, 'menuitem');
    expect(items.length).to.be.greaterThan(4);
    const fired = oneEvent(list, 'reaction') as Promise<ReactionEvent>;
    getByRole(menu, 'menuitem', '🎉').click();
    const event = await fired;
    expect([event.messageId, event.emoji]).to.deep.equal(['a'.repeat(32), '🎉']);
    await settle(list);
    expect(queryAllByRole(list, 'menu')).to.have.length(0);
  });

  it('works from the keyboard: open, move with arrows, choose with Enter, Escape closes', async () => {
    const list = await fixture<MessageList>(
      html`<message-list .messages=${[message('a', 'lunch?')]}></message-list>`,
    );
    const add = getByRole(list, 'button', 'Add reaction');
    add.focus();
    await sendKeys({ press: 'Enter' });
    const menu = await menuOf(list);
    const items = queryAllByRole(menu, 'menuitem');
    expect(focused()).to.equal(items[0]);
    await sendKeys({ press: 'ArrowRight' });
    expect(focused()).to.equal(items[1]);
    await sendKeys({ press: 'ArrowLeft' });
    await sendKeys({ press: 'ArrowLeft' });
    expect(focused()).to.equal(items[items.length - 1]);
    await sendKeys({ press: 'Escape' });
    await settle(list);
    expect(queryAllByRole(list, 'menu')).to.have.length(0);
    expect(focused()).to.equal(add);

    await sendKeys({ press: 'ArrowDown' });
    await menuOf(list);
    await sendKeys({ press: 'ArrowRight' });
    const fired = oneEvent(list, 'reaction') as Promise<ReactionEvent>;
    await sendKeys({ press: 'Enter' });
    expect((await fired).emoji).to.equal(items[1]?.textContent?.trim());
    await settle(list);
    expect(focused()).to.equal(add);
  });

  it('re-renders only the message whose reactions changed', async () => {
    const first = message('a', 'one');
    const list = await fixture<MessageList>(
      html`<message-list .messages=${[first, message('b', 'two')]}></message-list>`,
    );
    const before = queryAllByRole(list, 'article')[0]?.querySelector('.text');
    list.messages = [first, message('b', 'two', [party])];
    await settle(list);
    const articles = queryAllByRole(list, 'article');
    expect(articles[0]?.querySelector('.text')).to.equal(before);
    getByRole(articles[1] as Element, 'button', '🎉 1, react');
  });

  it('shows a message of only emoji large, and other messages at text size', async () => {
    const list = await fixture<MessageList>(
      html`<message-list .messages=${[message('a', '🎉 👍🏽'), message('b', 'yay 🎉')]}></message-list>`,
    );
    const [large, normal] = queryAllByRole(list, 'article');
    const size = (article: Element | undefined) =>
      parseFloat(getComputedStyle(article?.querySelector('.text') as Element).fontSize);
    expect(size(large)).to.be.greaterThan(size(normal) * 1.5);
  });
});

describe('isEmojiOnly', () => {
  const cases: Array<[string, boolean]> = [
    ['👍', true],
    ['  🎉 🎉  ', true],
    ['👍🏽', true],
    ['👩‍👩‍👧‍👦', true],
    ['🏳️‍🌈', true],
    ['🇫🇷🇯🇵', true],
    ['❤️', true],
    ['1️⃣', true],
    ['🏴󠁧󠁢󠁳󠁣󠁴󠁿', true],
    ['😀'.repeat(MAX_LARGE_EMOJI), true],
    ['😀'.repeat(MAX_LARGE_EMOJI + 1), false],
    ['hi 👋', false],
    ['123', false],
    ['#', false],
    [':)', false],
    ['', false],
    ['   ', false],
  ];
  for (const [text, expected] of cases) {
    it(`${expected ? 'takes' : 'refuses'} ${JSON.stringify(text)}`, () => {
      expect(isEmojiOnly(text)).to.equal(expected);
    });
  }
});

/** Waits for the list and the reaction rows inside it to finish rendering. */
async function settle(list: MessageList): Promise<void> {
  await list.updateComplete;
  for (const row of list.shadowRoot?.querySelectorAll('message-reactions') ?? []) await row.updateComplete;
}

async function menuOf(list: MessageList): Promise<Element> {
  await settle(list);
  return getByRole(list, 'menu', 'Add reaction');
}
