import { localized, msg } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { MAX_TEXT_BYTES, utf8ByteLength } from '../../../shared/peer-protocol.js';
import './emoji-button.js';
import type { EmojiChosenEvent } from './emoji-button.js';
import { EMOJI_DATA_URL } from './emoji-data.js';
import { ShortcodeCompletion, shortcodeCompletionStyles } from './shortcode-completion.js';
import { FilesChosenEvent, MessageEditEvent, MessageSendEvent } from '../events.js';
import './reply-bar.js';
import type { ComposerTarget } from './reply-bar.js';
import './voice-recorder.js';
import { buttonStyles } from '../styles/buttons.js';
import { paperclipIcon as paperclip } from '../styles/icons.js';

/**
 * The **Message** box and **Send**. Enter sends, Shift+Enter breaks the line; blank text is not sent.
 * **Attach file** and pasting files into the box report them with a `FilesChosenEvent`.
 *
 * Emoji: **Emoji** opens the picker and the chosen emoji goes in at the caret (replacing a
 * selection). Typing `:ro` offers completions (`ShortcodeCompletion`); while they are offered Enter
 * does not send.
 *
 * @fires message-send - `MessageSendEvent`: Send or Enter with text that may be sent (a reply
 *   carries what it answers).
 * @fires message-edit - `MessageEditEvent`: the same while editing (`target` in mode `edit`).
 * @fires reply-cancel - `ReplyCancelEvent`, from its `<reply-bar>` (**Cancel reply**).
 * @fires files-chosen - `FilesChosenEvent`: files chosen with **Attach file** or pasted.
 * @fires voice-recorded - `VoiceRecordedEvent`, from its `<voice-recorder>`.
 * @property placeholder - Placeholder text, e.g. who the message goes to.
 * @property emojiDataSource - (`emoji-data-source`) Where the emoji data comes from.
 */
@localized()
@customElement('message-composer')
export class MessageComposer extends LitElement {
  static override styles = [
    buttonStyles,
    shortcodeCompletionStyles,
    css`
      :host {
        display: block;
        padding: 0.6rem var(--parley-space-medium);
        border-top: 1px solid var(--parley-divider);
        background: var(--parley-surface);
      }
      form {
        position: relative;
        display: flex;
        gap: var(--parley-space-small);
        align-items: flex-end;
      }
      textarea {
        flex: 1;
        min-height: 2.4rem;
        max-height: 10rem;
        padding: var(--parley-space-small);
        font: inherit;
        color: inherit;
        background: var(--parley-surface);
        border: 1px solid var(--parley-control-border);
        border-radius: var(--parley-radius);
        resize: vertical;
      }
      button {
        flex: none;
      }
      button.send {
        padding: 0.55rem 1.1rem;
        border: 0;
      }
      .limit {
        margin: 0.3rem 0 0;
        color: var(--parley-danger);
        font-size: var(--parley-font-small);
      }
    `,
  ];

  /** Placeholder text, e.g. who the message goes to. */
  @property() placeholder = '';

  /** Where the emoji data comes from (the picker's and the shortcodes'); Parley's server serves it. */
  @property({ attribute: 'emoji-data-source' }) emojiDataSource = EMOJI_DATA_URL;

  /** The message being answered (**Reply**) or edited (**Edit**); null: a new message. */
  @property({ attribute: false }) target: ComposerTarget | null = null;

  @state() private tooLong = false;
  readonly #completion = new ShortcodeCompletion(this, {
    box: () => this.textarea,
    dataSource: () => this.emojiDataSource,
    insert: (text, range) => this.insertText(text, range),
  });
  /**
   * The box's selection when it last lost the focus: where an emoji chosen in the picker goes. Kept
   * because closing the picker's modal dialog can reset the box's own selection (Chromium does when
   * it gives the focus back to the box).
   */
  #leftAt: { start: number; end: number } | null = null;
  @query('textarea') private textarea!: HTMLTextAreaElement;
  @query('input[type=file]') private fileInput!: HTMLInputElement;

  override render() {
    return html`
      ${this.target ? html`<reply-bar .target=${this.target}></reply-bar>` : ''}
      <form @submit=${this.#onSubmit}>
        <button
          type="button"
          class="icon"
          aria-label=${msg('Attach file')}
          title=${msg('Attach file')}
          @click=${() => this.fileInput.click()}
        >
          ${paperclip}
        </button>
        <input type="file" multiple hidden @change=${this.#onFilesChosen} />
        <voice-recorder></voice-recorder>
        <emoji-button
          data-source=${this.emojiDataSource}
          @emoji-chosen=${this.#onEmojiChosen}
          @emoji-picker-close=${this.#onPickerClose}
        ></emoji-button>
        <textarea
          aria-label=${msg('Message')}
          placeholder=${this.placeholder}
          rows="1"
          aria-invalid=${this.tooLong}
          aria-describedby="limit"
          aria-autocomplete="list"
          aria-controls=${this.#completion.controls}
          aria-activedescendant=${this.#completion.activeDescendant}
          @keydown=${this.#onKeyDown}
          @input=${this.#onInput}
          @paste=${this.#onPaste}
          @blur=${this.#onBlur}
          @click=${() => this.#completion.close()}
        ></textarea>
        ${this.#completion.render()}
        <button type="submit" class="primary send">${msg('Send')}</button>
      </form>
      ${
        this.tooLong
          ? html`<p id="limit" class="limit" role="status">
              ${msg('Too long: messages hold up to 16 KB of text.')}
            </p>`
          : ''
      }
    `;
  }

  /** Moves the keyboard focus to the message box. */
  override focus(): void {
    this.textarea?.focus();
  }

  /**
   * Puts `text` in the message box in place of `range` (default: the selection, or at the caret),
   * leaves the caret after it and the focus in the box.
   */
  insertText(text: string, range?: { start: number; end: number }): void {
    const box = this.textarea;
    const end = Math.min(range?.end ?? box.selectionEnd, box.value.length);
    const start = Math.min(range?.start ?? box.selectionStart, end);
    box.focus();
    box.setSelectionRange(start, end);
    // execCommand keeps the insertion on the box's undo stack (Ctrl+Z takes the emoji out again) and
    // fires `input`; it is deprecated but has no replacement for this. Without it, setRangeText.
    const inserted =
      this.shadowRoot?.activeElement === box && document.execCommand('insertText', false, text);
    if (!inserted) {
      box.setRangeText(text, box.selectionStart, box.selectionEnd, 'end');
      box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    }
  }

  #onEmojiChosen(event: EmojiChosenEvent): void {
    // The picker had the focus, so where the box was left is where the emoji goes.
    const range = this.#leftAt ?? undefined;
    this.#leftAt = null;
    this.insertText(event.emoji, range);
  }

  #onPickerClose(): void {
    this.textarea.focus();
    // Closed without a choice: the caret goes back where it was.
    if (this.#leftAt) this.textarea.setSelectionRange(this.#leftAt.start, this.#leftAt.end);
    this.#leftAt = null;
  }

  #onKeyDown(event: KeyboardEvent): void {
    // Keys an input method is composing with (Enter confirms a composition) are its own.
    if (event.isComposing) return;
    if (this.#completion.onKeyDown(event)) return;
    if (event.key !== 'Enter' || event.shiftKey) return;
    event.preventDefault();
    this.#send();
  }

  #onBlur(event: FocusEvent): void {
    this.#leftAt = { start: this.textarea.selectionStart, end: this.textarea.selectionEnd };
    this.#completion.onBlur(event, this.shadowRoot);
  }

  #onInput(event: Event): void {
    this.tooLong = utf8ByteLength(this.textarea.value) > MAX_TEXT_BYTES;
    this.#completion.onInput(event instanceof InputEvent ? event.data : null);
  }

  #onFilesChosen(): void {
    const files = [...(this.fileInput.files ?? [])];
    // Cleared so that choosing the same file again (say, to send it twice) fires `change` again.
    this.fileInput.value = '';
    if (files.length > 0) this.dispatchEvent(new FilesChosenEvent(files));
  }

  #onPaste(event: ClipboardEvent): void {
    const data = event.clipboardData;
    if (!data || data.files.length === 0) return;
    // Copying from an office app or a web page puts the text, its HTML and often a picture of it on
    // the clipboard: the person meant the text. A screenshot, "Copy image" (no plain text) or a file
    // copied in a file manager (plain text is its name, no HTML) is meant as a file.
    if (data.types.includes('text/html') && data.getData('text/plain').trim() !== '') return;
    event.preventDefault();
    this.dispatchEvent(new FilesChosenEvent([...data.files]));
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.#send();
  }

  #send(): void {
    const text = this.textarea.value;
    if (text.trim() === '' || utf8ByteLength(text) > MAX_TEXT_BYTES) return;
    this.textarea.value = '';
    this.tooLong = false;
    this.#completion.close();
    const target = this.target;
    if (target?.mode === 'edit') this.dispatchEvent(new MessageEditEvent(target.id, text));
    else this.dispatchEvent(new MessageSendEvent(text, target?.id));
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Editing starts from the message's text, in the box, with the focus there.
    if (!changed.has('target')) return;
    if (this.target?.mode === 'edit') this.textarea.value = this.target.text;
    if (this.target) this.textarea.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'message-composer': MessageComposer;
  }
}
