import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../client/components/message-composer.js';
import type { MessageComposer } from '../../../client/components/message-composer.js';
import type { MessageSendEvent } from '../../../client/components/events.js';
import { getByRole } from '../helpers/by-role.js';

async function composer() {
  const element = await fixture<MessageComposer>(html`<message-composer></message-composer>`);
  const box = getByRole<HTMLTextAreaElement>(element, 'textbox', 'Message');
  box.focus();
  return { element, box };
}

describe('<message-composer>', () => {
  it('sends on Enter and clears the box', async () => {
    const { element, box } = await composer();
    await sendKeys({ type: 'hello there' });
    const sent = oneEvent(element, 'message-send') as Promise<MessageSendEvent>;
    await sendKeys({ press: 'Enter' });
    expect((await sent).text).to.equal('hello there');
    expect(box.value).to.equal('');
  });

  it('inserts a newline on Shift+Enter instead of sending', async () => {
    const { element, box } = await composer();
    const events: MessageSendEvent[] = [];
    element.addEventListener('message-send', (event) => events.push(event));
    await sendKeys({ type: 'line one' });
    await sendKeys({ press: 'Shift+Enter' });
    await sendKeys({ type: 'line two' });
    expect(box.value).to.equal('line one\nline two');
    expect(events).to.have.length(0);
    const sent = oneEvent(element, 'message-send') as Promise<MessageSendEvent>;
    getByRole(element, 'button', 'Send').click();
    expect((await sent).text).to.equal('line one\nline two');
  });

  it('does not send an empty or blank message', async () => {
    const { element, box } = await composer();
    const events: MessageSendEvent[] = [];
    element.addEventListener('message-send', (event) => events.push(event));
    await sendKeys({ press: 'Enter' });
    await sendKeys({ type: '   ' });
    await sendKeys({ press: 'Enter' });
    getByRole(element, 'button', 'Send').click();
    expect(events).to.have.length(0);
    expect(box.value).to.equal('   ');
  });

  it('refuses text over the 16 KiB limit and says why', async () => {
    const { element, box } = await composer();
    const events: MessageSendEvent[] = [];
    element.addEventListener('message-send', (event) => events.push(event));
    box.value = 'é'.repeat(8 * 1024 + 1);
    box.dispatchEvent(new Event('input'));
    await element.updateComplete;
    getByRole(element, 'button', 'Send').click();
    expect(events).to.have.length(0);
    expect(getByRole(element, 'status').textContent).to.contain('Too long');
  });
});
