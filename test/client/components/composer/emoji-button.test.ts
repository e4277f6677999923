import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../../../client/components/composer/emoji-button.js';
import type { EmojiButton, EmojiChosenEvent } from '../../../../client/components/composer/emoji-button.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';
import { EMOJI_LOAD_TIMEOUT_MS, TEST_EMOJI_DATA_URL, searchPicker } from '../../helpers/emoji.js';

async function emojiButton() {
  const element = await fixture<EmojiButton>(
    html`<emoji-button data-source=${TEST_EMOJI_DATA_URL}></emoji-button>`,
  );
  const button = getByRole<HTMLButtonElement>(element, 'button', 'Emoji');
  return { element, button };
}

/** The picker's search field: the element with the keyboard focus, deep in the shadow roots. */
function focusedElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

describe('<emoji-button>', () => {
  it('opens a dialog named Emoji with its search field focused', async () => {
    const { element, button } = await emojiButton();
    expect(
      queryAllByRole(element, 'dialog', 'Emoji').filter((d) => (d as HTMLDialogElement).open),
    ).to.have.length(0);
    button.click();
    await element.updateComplete;
    const dialog = getByRole<HTMLDialogElement>(element, 'dialog', 'Emoji');
    expect(dialog.open).to.equal(true);
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    const search = getByRole(dialog, 'combobox');
    expect(focusedElement()).to.equal(search);
  });

  it('fires the emoji found by search and closes', async function () {
    this.timeout(EMOJI_LOAD_TIMEOUT_MS);
    const { element, button } = await emojiButton();
    button.click();
    await element.updateComplete;
    const rocket = await searchPicker(element, 'rocket', 'rocket');
    const chosen = oneEvent(element, 'emoji-chosen') as Promise<EmojiChosenEvent>;
    const closed = oneEvent(element, 'emoji-picker-close');
    rocket.click();
    expect((await chosen).emoji).to.equal('🚀');
    await closed;
    expect(getByRole<HTMLDialogElement>(element, 'dialog', 'Emoji').open).to.equal(false);
    expect(button.getAttribute('aria-expanded')).to.equal('false');
  });

  it('closes on Escape without choosing, and gives the focus back to the button', async () => {
    const { element, button } = await emojiButton();
    const fired: Event[] = [];
    element.addEventListener('emoji-chosen', (event) => fired.push(event));
    button.focus();
    await sendKeys({ press: 'Enter' });
    await element.updateComplete;
    const closed = oneEvent(element, 'emoji-picker-close');
    await sendKeys({ press: 'Escape' });
    await closed;
    expect(getByRole<HTMLDialogElement>(element, 'dialog', 'Emoji').open).to.equal(false);
    expect(fired).to.have.length(0);
    expect(focusedElement()).to.equal(button);
  });

  it('closes on a click outside it', async () => {
    const { element, button } = await emojiButton();
    button.click();
    await element.updateComplete;
    const dialog = getByRole<HTMLDialogElement>(element, 'dialog', 'Emoji');
    const box = dialog.getBoundingClientRect();
    const closed = oneEvent(element, 'emoji-picker-close');
    // Right of the picker, level with its middle: outside it, on the (transparent) backdrop.
    await sendMouse({
      type: 'click',
      position: [Math.round(box.right + 20), Math.round(box.top + box.height / 2)],
    });
    await closed;
    expect(dialog.open).to.equal(false);
  });

  it('stays open on a click inside it', async () => {
    const { element, button } = await emojiButton();
    button.click();
    await element.updateComplete;
    const dialog = getByRole<HTMLDialogElement>(element, 'dialog', 'Emoji');
    const search = getByRole(dialog, 'combobox').getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(search.left + 5), Math.round(search.top + 5)] });
    expect(dialog.open).to.equal(true);
  });
});
