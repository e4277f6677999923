import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../client/components/message-composer.js';
import type { MessageComposer } from '../../../client/components/message-composer.js';
import type { FilesChosenEvent, MessageSendEvent } from '../../../client/components/events.js';
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

/** A DataTransfer holding `files`, as a chooser, the clipboard or a drop would give them. */
function transferOf(...files: File[]): DataTransfer {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  return transfer;
}

describe('<message-composer> files', () => {
  const photo = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'photo.png', { type: 'image/png' });
  const notes = new File(['some notes'], 'notes.txt', { type: 'text/plain' });

  it('opens the file chooser from Attach file and fires the chosen files', async () => {
    const { element } = await composer();
    const input = element.shadowRoot?.querySelector<HTMLInputElement>('input[type=file]');
    if (!input) throw new Error('no file input');
    expect(input.multiple).to.equal(true);
    let opened = false;
    input.addEventListener('click', (event) => {
      // A test cannot answer the browser's file chooser: note the click instead of opening it.
      event.preventDefault();
      opened = true;
    });
    getByRole(element, 'button', 'Attach file').click();
    expect(opened).to.equal(true);

    input.files = transferOf(photo, notes).files;
    const chosen = oneEvent(element, 'files-chosen') as Promise<FilesChosenEvent>;
    input.dispatchEvent(new Event('change'));
    expect((await chosen).files.map((file) => file.name)).to.deep.equal(['photo.png', 'notes.txt']);
    // Reset, so choosing the same file again fires again.
    expect(input.value).to.equal('');
  });

  it('fires pasted files instead of pasting them', async () => {
    const { element, box } = await composer();
    const paste = new ClipboardEvent('paste', {
      clipboardData: transferOf(photo),
      bubbles: true,
      cancelable: true,
    });
    const chosen = oneEvent(element, 'files-chosen') as Promise<FilesChosenEvent>;
    box.dispatchEvent(paste);
    const files = (await chosen).files;
    expect(files.map((file) => [file.name, file.size])).to.deep.equal([['photo.png', 4]]);
    expect(paste.defaultPrevented).to.equal(true);
  });

  it('leaves a text paste, and a rich copy with a picture of its text, to the text box', async () => {
    const { element, box } = await composer();
    const fired: FilesChosenEvent[] = [];
    element.addEventListener('files-chosen', (event) => fired.push(event));
    const plain = new DataTransfer();
    plain.setData('text/plain', 'just text');
    const rich = transferOf(photo);
    rich.setData('text/plain', 'A1 B1');
    rich.setData('text/html', '<table><tr><td>A1</td><td>B1</td></tr></table>');
    for (const clipboardData of [plain, rich]) {
      const paste = new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true });
      box.dispatchEvent(paste);
      expect(paste.defaultPrevented).to.equal(false);
    }
    expect(fired).to.have.length(0);
  });
});
