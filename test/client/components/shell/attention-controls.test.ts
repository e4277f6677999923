import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../../client/components/conversation/conversation-view.js';
import '../../../../client/components/shell/notification-prompt.js';
import type { ConversationView } from '../../../../client/components/conversation/conversation-view.js';
import type { NotificationPrompt } from '../../../../client/components/shell/notification-prompt.js';
import type { OpenConversationView } from '../../../../client/app/messenger.js';
import type { ConversationMuteEvent, MessageTypingEvent } from '../../../../client/components/events.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

const conversation: OpenConversationView = {
  conversation: 'dm:alice:bob',
  kind: 'direct',
  title: 'bob',
  peer: 'bob',
  members: ['alice', 'bob'],
  peerOnline: true,
  link: 'open',
  messages: [],
  identity: null,
};

describe('Mute', () => {
  it('is a toggle in the conversation header, Mute, pressed while muted', async () => {
    const element = await fixture<ConversationView>(
      html`<conversation-view .conversation=${conversation}></conversation-view>`,
    );
    const mute = getByRole(element, 'button', 'Mute');
    expect(mute.getAttribute('aria-pressed')).to.equal('false');
    setTimeout(() => mute.click());
    const event = (await oneEvent(element, 'conversation-mute')) as ConversationMuteEvent;
    expect([event.conversation, event.muted]).to.deep.equal(['dm:alice:bob', true]);

    element.conversation = { ...conversation, muted: true };
    await element.updateComplete;
    const unmute = getByRole(element, 'button', 'Mute');
    expect(unmute.getAttribute('aria-pressed')).to.equal('true');
    setTimeout(() => unmute.click());
    const again = (await oneEvent(element, 'conversation-mute')) as ConversationMuteEvent;
    expect(again.muted).to.equal(false);
  });

  it('shows who is typing under the log and reports typing in the Message box', async () => {
    const element = await fixture<ConversationView>(
      html`<conversation-view .conversation=${{ ...conversation, typing: ['bob'] }}></conversation-view>`,
    );
    expect(element.shadowRoot?.querySelector('.typing')?.textContent).to.equal('bob is typing…');
    const box = getByRole(element, 'textbox', 'Message') as HTMLTextAreaElement;
    box.value = 'h';
    setTimeout(() => box.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true })));
    const typing = (await oneEvent(element, 'message-typing')) as MessageTypingEvent;
    expect(typing.conversation).to.equal('dm:alice:bob');
  });
});

describe('<notification-prompt>', () => {
  it('offers Enable notifications while the browser has not been asked', async () => {
    const element = await fixture<NotificationPrompt>(
      html`<notification-prompt permission="default"></notification-prompt>`,
    );
    const button = getByRole(element, 'button', 'Enable notifications');
    setTimeout(() => button.click());
    await oneEvent(element, 'notifications-enable');
  });

  it('says notifications are blocked once refused, and shows nothing once granted', async () => {
    const element = await fixture<NotificationPrompt>(
      html`<notification-prompt permission="denied"></notification-prompt>`,
    );
    expect(queryAllByRole(element, 'button', 'Enable notifications')).to.deep.equal([]);
    expect(getByRole(element, 'status').textContent).to.match(/blocked/);
    element.permission = 'granted';
    await element.updateComplete;
    expect(element.shadowRoot?.textContent?.trim()).to.equal('');
  });
});
