import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../../client/components/composer/message-composer.js';
import type { MessageComposer } from '../../../../client/components/composer/message-composer.js';
import { EmojiChosenEvent } from '../../../../client/components/composer/emoji-button.js';
import type { FilesChosenEvent, MessageSendEvent } from '../../../../client/components/events.js';
import { accessibleName, getByRole, queryAllByRole } from '../../helpers/by-role.js';
import { EMOJI_LOAD_TIMEOUT_MS, TEST_EMOJI_DATA_URL, searchPicker } from '../../helpers/emoji.js';

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

describe('<message-composer> emoji', () => {
  async function emojiComposer(text = '') {
    const element = await fixture<MessageComposer>(
      html`<message-composer emoji-data-source=${TEST_EMOJI_DATA_URL}></message-composer>`,
    );
    const box = getByRole<HTMLTextAreaElement>(element, 'textbox', 'Message');
    box.focus();
    if (text) await sendKeys({ type: text });
    return { element, box };
  }

  function suggestions(element: MessageComposer): HTMLElement[] {
    const lists = queryAllByRole(element, 'listbox', 'Emoji suggestions');
    return lists.length === 0 ? [] : (queryAllByRole(lists[0] as Element, 'option') as HTMLElement[]);
  }

  /** Whether the suggestions answer what is typed now (not an earlier keystroke still being looked up). */
  function settled(element: MessageComposer): boolean {
    const list = queryAllByRole(element, 'listbox', 'Emoji suggestions')[0];
    return list !== undefined && list.getAttribute('aria-busy') !== 'true';
  }

  /** Waits for the suggestions of the text typed now, once they offer `name`. */
  async function waitForSuggestion(element: MessageComposer, name: string): Promise<void> {
    await waitUntil(
      () => settled(element) && suggestions(element).some((option) => accessibleName(option) === name),
      `no suggestion ${name}`,
      { timeout: EMOJI_LOAD_TIMEOUT_MS - 2000 },
    );
  }

  function selected(element: MessageComposer): string | undefined {
    const option = suggestions(element).find((o) => o.getAttribute('aria-selected') === 'true');
    return option && accessibleName(option);
  }

  it('inserts the emoji chosen in the picker at the caret and keeps the focus in the box', async function () {
    this.timeout(EMOJI_LOAD_TIMEOUT_MS);
    const { element, box } = await emojiComposer('Lift off now');
    box.setSelectionRange('Lift off '.length, 'Lift off '.length);
    getByRole(element, 'button', 'Emoji').click();
    await element.updateComplete;
    const rocket = await searchPicker(element, 'rocket', 'rocket');
    rocket.click();
    await oneEvent(element, 'emoji-picker-close');
    expect(box.value).to.equal('Lift off 🚀now');
    expect(element.shadowRoot?.activeElement).to.equal(box);
    expect(box.selectionStart).to.equal('Lift off 🚀'.length);
    // The box keeps working as before: what is typed next goes after the emoji.
    await sendKeys({ type: ' ' });
    expect(box.value).to.equal('Lift off 🚀 now');
  });

  it('replaces the selection with a chosen emoji', async () => {
    const { element, box } = await emojiComposer('I like cats');
    box.setSelectionRange('I '.length, 'I like'.length);
    const emojiButton = element.shadowRoot?.querySelector('emoji-button');
    if (!emojiButton) throw new Error('no emoji button');
    // What the picker fires on a choice (the test above drives the picker itself).
    emojiButton.dispatchEvent(new EmojiChosenEvent('❤️'));
    expect(box.value).to.equal('I ❤️ cats');
    expect(box.selectionStart).to.equal('I ❤️'.length);
    expect(box.selectionEnd).to.equal('I ❤️'.length);
    expect(element.shadowRoot?.activeElement).to.equal(box);
  });

  it('gives the focus back to the message box when the picker closes with Escape', async () => {
    const { element, box } = await emojiComposer('hi');
    getByRole(element, 'button', 'Emoji').click();
    await element.updateComplete;
    const closed = oneEvent(element, 'emoji-picker-close');
    await sendKeys({ press: 'Escape' });
    await closed;
    expect(element.shadowRoot?.activeElement).to.equal(box);
    expect(box.value).to.equal('hi');
  });

  it('offers shortcode completions and takes one with Enter, without sending', async function () {
    this.timeout(EMOJI_LOAD_TIMEOUT_MS);
    const { element, box } = await emojiComposer('go :rock');
    const sent: MessageSendEvent[] = [];
    element.addEventListener('message-send', (event) => sent.push(event));
    await waitForSuggestion(element, ':rocket:');
    expect(box.getAttribute('aria-controls')).to.equal('completions');
    expect(selected(element)).to.equal(':rock:');
    await sendKeys({ press: 'ArrowDown' });
    await element.updateComplete;
    expect(selected(element)).to.equal(':rocket:');
    await sendKeys({ press: 'Enter' });
    await element.updateComplete;
    expect(box.value).to.equal('go 🚀');
    expect(sent).to.have.length(0);
    expect(queryAllByRole(element, 'listbox')).to.have.length(0);
    // With the suggestions gone, Enter sends again.
    const sending = oneEvent(element, 'message-send') as Promise<MessageSendEvent>;
    await sendKeys({ press: 'Enter' });
    expect((await sending).text).to.equal('go 🚀');
  });

  it('offers only what fits the text typed now while a newer look-up is under way', async function () {
    this.timeout(EMOJI_LOAD_TIMEOUT_MS);
    const { element, box } = await emojiComposer('go :ro');
    await waitForSuggestion(element, ':rofl:');
    for (let i = 0; i < suggestions(element).length && selected(element) !== ':rocket:'; i += 1) {
      await sendKeys({ press: 'ArrowDown' });
      await element.updateComplete;
    }
    expect(selected(element)).to.equal(':rocket:');
    // Typed at once: the look-up of "rock" answers from IndexedDB, so not before the update below.
    box.value = 'go :rock';
    box.setSelectionRange(box.value.length, box.value.length);
    box.dispatchEvent(new InputEvent('input', { data: 'k' }));
    await element.updateComplete;
    const list = getByRole(element, 'listbox', 'Emoji suggestions');
    expect(list.getAttribute('aria-busy')).to.equal('true');
    const names = suggestions(element).map((option) => accessibleName(option));
    expect(names).not.to.include(':rofl:');
    for (const name of names) expect(name).to.match(/^:rock/);
    await waitUntil(() => settled(element), 'the look-up of rock did not answer', {
      timeout: EMOJI_LOAD_TIMEOUT_MS - 2000,
    });
    expect(suggestions(element).map((option) => accessibleName(option))).to.include(':rocket:');
    // The highlight stays where the person put it, when the fresh answer still offers it.
    expect(selected(element)).to.equal(':rocket:');
  });

  it('takes the highlighted completion with Tab, or a clicked one', async function () {
    this.timeout(EMOJI_LOAD_TIMEOUT_MS);
    const { element, box } = await emojiComposer(':tada');
    await waitForSuggestion(element, ':tada:');
    await sendKeys({ press: 'Tab' });
    await element.updateComplete;
    expect(box.value).to.equal('🎉');
    expect(element.shadowRoot?.activeElement).to.equal(box);

    await sendKeys({ type: ' and :rocke' });
    await waitForSuggestion(element, ':rocket:');
    const option = suggestions(element).find((o) => accessibleName(o) === ':rocket:');
    option?.click();
    await element.updateComplete;
    expect(box.value).to.equal('🎉 and 🚀');
    expect(element.shadowRoot?.activeElement).to.equal(box);
  });

  it('dismisses the completions with Escape, after which Enter sends the text as typed', async function () {
    this.timeout(EMOJI_LOAD_TIMEOUT_MS);
    const { element, box } = await emojiComposer('see :smi');
    await waitForSuggestion(element, ':smile:');
    await sendKeys({ press: 'ArrowUp' });
    await element.updateComplete;
    // Up from the first wraps round to the last.
    expect(selected(element)).to.equal(accessibleName(suggestions(element).at(-1) as Element));
    await sendKeys({ press: 'Escape' });
    await element.updateComplete;
    expect(queryAllByRole(element, 'listbox')).to.have.length(0);
    expect(box.value).to.equal('see :smi');
    const sending = oneEvent(element, 'message-send') as Promise<MessageSendEvent>;
    await sendKeys({ press: 'Enter' });
    expect((await sending).text).to.equal('see :smi');
  });

  it('turns a whole typed :shortcode: into its emoji', async function () {
    this.timeout(EMOJI_LOAD_TIMEOUT_MS);
    const { element, box } = await emojiComposer('ship it :rocket:');
    await waitUntil(() => box.value === 'ship it 🚀', `still ${box.value}`, {
      timeout: EMOJI_LOAD_TIMEOUT_MS - 2000,
    });
    expect(queryAllByRole(element, 'listbox')).to.have.length(0);
    // Undo takes the emoji out again (the insertion is on the box's undo stack).
    await sendKeys({ press: 'Control+z' });
    expect(box.value).to.equal('ship it :rocket:');
  });

  it('offers nothing for colons that do not start a shortcode', async function () {
    this.timeout(EMOJI_LOAD_TIMEOUT_MS);
    const { element, box } = await emojiComposer('at 10:30 see http://ex');
    // A real shortcode afterwards shows the look-ups have answered by then.
    await sendKeys({ type: ' :fire' });
    await waitForSuggestion(element, ':fire:');
    box.value = 'at 10:30 see http://ex';
    box.setSelectionRange(box.value.length, box.value.length);
    box.dispatchEvent(new InputEvent('input', { data: 'x' }));
    await element.updateComplete;
    expect(queryAllByRole(element, 'listbox')).to.have.length(0);
  });
});
