import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { buttonStyles } from '../styles/buttons.js';
import Picker from 'emoji-picker-element/picker.js';
import englishPicker from 'emoji-picker-element/i18n/en.js';
import chinesePicker from 'emoji-picker-element/i18n/zh_CN.js';
import type { EmojiClickEvent, I18n } from 'emoji-picker-element/shared.js';
import { currentLanguage } from '../../i18n/locale.js';
import { EMOJI_DATA_URL, EMOJI_DATA_ZH_URL } from './emoji-data.js';
import { smileyIcon as smiley } from '../styles/icons.js';

/** An emoji was chosen in the picker: `emoji` is the character(s), in the chosen skin tone. */
export class EmojiChosenEvent extends Event {
  static readonly eventName = 'emoji-chosen';
  constructor(readonly emoji: string) {
    super(EmojiChosenEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * The picker closed, whether an emoji was chosen, Escape was pressed or the person clicked outside.
 * Focus is back on the button then; a host with a better place for it (the Message box) moves it.
 */
export class EmojiPickerCloseEvent extends Event {
  static readonly eventName = 'emoji-picker-close';
  constructor() {
    super(EmojiPickerCloseEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Room kept between the picker and the window's edges, in CSS pixels. */
const EDGE = 8;

/**
 * Button **Emoji** and its picker: a modal dialog named **Emoji** holding `emoji-picker-element`
 * (search, categories, skin tones, recently used), which reads its data from Parley's server.
 * Choosing an emoji closes the dialog and fires `EmojiChosenEvent`; Escape or a click outside closes
 * it without one. Every close fires `EmojiPickerCloseEvent`.
 *
 * The picker is created on first open, so the emoji data (~430 KB) is fetched only by people who
 * use it, and kept afterwards, so it reopens with its state (and IndexedDB connection) intact.
 *
 * @fires emoji-chosen - `EmojiChosenEvent`: an emoji was chosen in the picker.
 * @fires emoji-picker-close - `EmojiPickerCloseEvent`: the picker closed, however.
 * @property label - The button's and the dialog's accessible name.
 * @property dataSource - (`data-source`) Where the emoji data comes from.
 */
@localized()
@customElement('emoji-button')
export class EmojiButton extends LitElement {
  static override styles = [
    buttonStyles,
    css`
      :host {
        display: inline-block;
      }
      dialog {
        /* Placed beside the button by #place(), not centred like other dialogs. */
        position: fixed;
        margin: 0;
        padding: 0;
        border: 1px solid var(--parley-popup-border);
        border-radius: var(--parley-radius-large);
        box-shadow: var(--parley-shadow-dialog);
        overflow: hidden;
      }
      dialog::backdrop {
        background: transparent;
      }
      emoji-picker {
        --border-size: 0;
        height: min(24rem, calc(100vh - 2 * ${EDGE}px));
        max-width: calc(100vw - 2 * ${EDGE}px);
      }
    `,
  ];

  /** The button's and the dialog's accessible name; null for the default, **Emoji**. */
  @property() label: string | null = null;

  /** Where the emoji data comes from; Parley's server serves it at the default. */
  @property({ attribute: 'data-source' }) dataSource = EMOJI_DATA_URL;

  @state() private open = false;
  @query('button') private button!: HTMLButtonElement;
  @query('dialog') private dialog!: HTMLDialogElement;

  #picker: Picker | null = null;

  override render() {
    const label = this.label ?? msg('Emoji');
    return html`
      <button
        type="button"
        class="icon"
        aria-label=${label}
        title=${label}
        aria-haspopup="dialog"
        aria-expanded=${this.open}
        @click=${this.#toggle}
      >
        ${smiley}
      </button>
      <dialog aria-label=${label} @close=${this.#onClose} @click=${this.#onDialogClick}>
        ${this.#picker ?? nothing}
      </dialog>
    `;
  }

  override updated(): void {
    // Every update: the data source may have changed, or the language (`@localized()` updates).
    const picker = this.#picker;
    if (!picker) return;
    const settings = this.#pickerSettings();
    if (picker.locale !== settings.locale) picker.locale = settings.locale;
    if (picker.dataSource !== settings.dataSource) picker.dataSource = settings.dataSource;
    if (picker.i18n !== settings.i18n) picker.i18n = settings.i18n;
  }

  /**
   * The picker in the app's language: its own labels, and (with Parley's data) Chinese names and
   * keywords to search by. The picker keeps one database per `locale`, so switching does not mix
   * the two data sets.
   */
  #pickerSettings(): { locale: string; dataSource: string; i18n: I18n } {
    if (currentLanguage() !== 'zh-Hans')
      return { locale: 'en', dataSource: this.dataSource, i18n: englishPicker };
    if (this.dataSource !== EMOJI_DATA_URL)
      return { locale: 'en', dataSource: this.dataSource, i18n: chinesePicker };
    return { locale: 'zh', dataSource: EMOJI_DATA_ZH_URL, i18n: chinesePicker };
  }

  /** Opens the picker with the keyboard focus in its search field. */
  async show(): Promise<void> {
    if (this.open) return;
    if (!this.#picker) {
      this.#picker = new Picker(this.#pickerSettings());
      this.#picker.addEventListener('emoji-click', (event) => this.#onEmojiClick(event));
    }
    this.open = true;
    await this.updateComplete;
    this.#place();
    this.dialog.showModal();
    // The picker renders its search field when it is connected, which happened in the update above.
    // The dialog cannot focus it by itself: it sits in the picker's shadow root.
    this.#picker.shadowRoot?.querySelector<HTMLInputElement>('input')?.focus();
  }

  /** Closes the picker, if open. */
  hide(): void {
    if (this.dialog?.open) this.dialog.close();
  }

  #toggle(): void {
    if (this.open) this.hide();
    else void this.show();
  }

  /** Above the button (below it when there is more room there), inside the window. */
  #place(): void {
    const anchor = this.button.getBoundingClientRect();
    const style = this.dialog.style;
    const roomAbove = anchor.top;
    const roomBelow = window.innerHeight - anchor.bottom;
    if (roomAbove >= roomBelow) {
      style.top = 'auto';
      style.bottom = `${Math.max(EDGE, window.innerHeight - anchor.top + 4)}px`;
    } else {
      style.bottom = 'auto';
      style.top = `${Math.max(EDGE, anchor.bottom + 4)}px`;
    }
    // Aligned with the button's left edge, moved left as far as needed to fit.
    style.left = `${Math.max(EDGE, anchor.left)}px`;
    style.right = 'auto';
    style.maxWidth = `calc(100vw - ${2 * EDGE}px)`;
    requestAnimationFrame(() => {
      const width = this.dialog.getBoundingClientRect().width;
      const left = Math.min(anchor.left, window.innerWidth - width - EDGE);
      style.left = `${Math.max(EDGE, left)}px`;
    });
  }

  #onEmojiClick(event: EmojiClickEvent): void {
    const { unicode } = event.detail;
    // Custom emoji (images) have no unicode; Parley configures none.
    if (!unicode || !this.dialog.open) return;
    // Closed first: while the modal dialog is open the rest of the page is inert, so whoever takes
    // the emoji could not put the focus back where it goes.
    this.dialog.close();
    this.dispatchEvent(new EmojiChosenEvent(unicode));
  }

  #onDialogClick(event: MouseEvent): void {
    // A click on the backdrop targets the dialog itself; the picker fills the dialog, so any click
    // outside the picker's box is outside the dialog.
    if (event.target !== this.dialog) return;
    const box = this.dialog.getBoundingClientRect();
    const inside =
      event.clientX >= box.left &&
      event.clientX <= box.right &&
      event.clientY >= box.top &&
      event.clientY <= box.bottom;
    if (!inside) this.dialog.close();
  }

  #onClose(): void {
    this.open = false;
    this.dispatchEvent(new EmojiPickerCloseEvent());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emoji-button': EmojiButton;
  }
  interface HTMLElementEventMap {
    'emoji-chosen': EmojiChosenEvent;
    'emoji-picker-close': EmojiPickerCloseEvent;
  }
}
