// The message actions as a person finds them (the UI contract): Reply, Edit and Delete for everyone
// on each article of the log, the composer's reply bar with Cancel reply, and a reply's quote that
// shows the message it answers.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../../client/components/conversation/message-list.js';
import '../../../../client/components/composer/message-composer.js';
import type { MessageList } from '../../../../client/components/conversation/message-list.js';
import type { MessageComposer } from '../../../../client/components/composer/message-composer.js';
import type {
  MessageActionEvent,
  MessageEditEvent,
  MessageSendEvent,
  MessageShowEvent,
} from '../../../../client/components/events.js';
import type { ReplyCancelEvent } from '../../../../client/components/composer/reply-bar.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';
import { messageView } from '../../helpers/message-views.js';

function articles(list: MessageList): Element[] {
  return queryAllByRole(list, 'article');
}

describe('message actions', () => {
  it('offers Reply on every message, Edit and Delete for everyone only on own ones, each reporting its message', async () => {
    const theirs = messageView('a', 'lunch?');
    const mine = messageView('b', 'yes', { author: 'me', own: true, state: 'delivered' });
    const list = await fixture<MessageList>(html`<message-list .messages=${[theirs, mine]}></message-list>`);
    const [first, second] = articles(list);
    expect(queryAllByRole(first!, 'button', 'Reply')).to.have.length(1);
    expect(queryAllByRole(first!, 'button', 'Edit')).to.have.length(0);
    expect(queryAllByRole(first!, 'button', 'Delete for everyone')).to.have.length(0);

    for (const [name, action] of [
      ['Reply', 'reply'],
      ['Edit', 'edit'],
      ['Delete for everyone', 'delete'],
    ] as const) {
      const fired = oneEvent(list, 'message-action') as Promise<MessageActionEvent>;
      getByRole(second!, 'button', name).click();
      const event = await fired;
      expect([event.action, event.messageId]).to.deep.equal([action, mine.id]);
    }
  });

  it('shows a deleted message as deleted, with no actions, and an edited one as edited', async () => {
    const deleted = messageView('a', '', { deleted: true, own: true, author: 'me' });
    const edited = messageView('b', 'lunch at one?', { edited: true });
    const list = await fixture<MessageList>(
      html`<message-list .messages=${[deleted, edited]}></message-list>`,
    );
    const [first, second] = articles(list);
    expect(first!.textContent).to.contain('message deleted');
    expect(queryAllByRole(first!, 'button', 'Reply')).to.have.length(0);
    expect(queryAllByRole(first!, 'button', 'Delete for everyone')).to.have.length(0);
    expect(second!.textContent).to.contain('edited');
  });

  it("activating a reply's quote asks to show the answered message, even one not held", async () => {
    const question = messageView('a', 'lunch?');
    const reply = messageView('b', 'yes', {
      replyTo: { id: question.id, author: 'alice', snippet: 'lunch?' },
    });
    const stray = messageView('c', 'and you?', { replyTo: { id: 'd'.repeat(32), author: '', snippet: '' } });
    const list = await fixture<MessageList>(
      html`<message-list .messages=${[question, reply, stray]}></message-list>`,
    );
    const held = oneEvent(list, 'message-show') as Promise<MessageShowEvent>;
    getByRole(articles(list)[1]!, 'button', 'alice lunch?').click();
    expect((await held).messageId).to.equal(question.id);
    await list.updateComplete;
    expect(articles(list)[0]!.getAttribute('aria-current')).to.equal('true');

    const notHeld = oneEvent(list, 'message-show') as Promise<MessageShowEvent>;
    getByRole(articles(list)[2]!, 'button', 'Show the message this answers').click();
    expect((await notHeld).messageId).to.equal('d'.repeat(32));
  });

  it('the composer replying shows what it answers and Cancel reply; Send carries the reply reference', async () => {
    const composer = await fixture<MessageComposer>(html`<message-composer></message-composer>`);
    composer.target = { mode: 'reply', id: 'a'.repeat(32), author: 'alice', text: 'lunch?' };
    await composer.updateComplete;
    expect(getByRole(composer, 'status').textContent).to.contain('Replying to alice').and.contain('lunch?');
    const box = getByRole<HTMLTextAreaElement>(composer, 'textbox', 'Message');
    box.value = 'yes';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    const sent = oneEvent(composer, 'message-send') as Promise<MessageSendEvent>;
    getByRole(composer, 'button', 'Send').click();
    const event = await sent;
    expect([event.text, event.replyTo]).to.deep.equal(['yes', 'a'.repeat(32)]);

    const cancelled = oneEvent(composer, 'reply-cancel') as Promise<ReplyCancelEvent>;
    getByRole(composer, 'button', 'Cancel reply').click();
    await cancelled;
  });

  it('the composer editing starts from the text and sends an edit of that message', async () => {
    const composer = await fixture<MessageComposer>(html`<message-composer></message-composer>`);
    composer.target = { mode: 'edit', id: 'b'.repeat(32), author: 'me', text: 'lunch at noon?' };
    await composer.updateComplete;
    const box = getByRole<HTMLTextAreaElement>(composer, 'textbox', 'Message');
    expect(box.value).to.equal('lunch at noon?');
    box.value = 'lunch at one?';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    const edited = oneEvent(composer, 'message-edit') as Promise<MessageEditEvent>;
    getByRole(composer, 'button', 'Send').click();
    const event = await edited;
    expect([event.messageId, event.text]).to.deep.equal(['b'.repeat(32), 'lunch at one?']);
  });
});
