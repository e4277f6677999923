import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { MAX_TEXT_BYTES, utf8ByteLength } from '../../../shared/peer-protocol.js';
import './emoji-button.js';
import type { EmojiChosenEvent } from './emoji-button.js';
import { EMOJI_DATA_URL, type ShortcodeMatch, findShortcodes, shortcodeBeforeCaret } from './emoji-data.js';
import { FilesChosenEvent, MessageSendEvent } from '../events.js';
import './voice-recorder.js';
import { paperclipIcon as paperclip } from '../styles/icons.js';

/** A shortcode completion on offer: the `:prefix` it replaces and what it offers. */
interface Completion {
  /** Where the `:` is in the text. */
  readonly start: number;
  /** The text after the colon that the matches complete. */
  readonly prefix: string;
  readonly matches: readonly ShortcodeMatch[];
  readonly active: number;
}

/**
 * The **Message** box and **Send**. Enter sends, Shift+Enter breaks the line; blank text is not sent.
 * **Attach file** and pasting files into the box report them with a `FilesChosenEvent`.
 *
 * Emoji: **Emoji** opens the picker and the chosen emoji goes in at the caret (replacing a
 * selection). Typing `:ro` offers the emoji whose shortcodes start so in a listbox **Emoji
 * suggestions**: arrows move, Enter or Tab takes one, Escape dismisses; while it is open Enter does
 * not send. Typing a whole `:rocket:` turns it into the emoji.
 */
@customElement('message-composer')
export class MessageComposer extends LitElement {
  static override styles = css`
    :host {
      display: block;
      padding: 0.6rem 1rem;
      border-top: 1px solid #ddd;
      background: var(--panel, #fff);
    }
    form {
      position: relative;
      display: flex;
      gap: 0.5rem;
      align-items: flex-end;
    }
    [role='listbox'] {
      position: absolute;
      bottom: calc(100% + 0.3rem);
      left: 0;
      z-index: 1;
      min-width: 14rem;
      max-width: 100%;
      margin: 0;
      padding: 0.25rem;
      list-style: none;
      background: #fff;
      border: 1px solid #ccc;
      border-radius: 6px;
      box-shadow: 0 4px 16px rgb(0 0 0 / 0.15);
    }
    [role='option'] {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      padding: 0.25rem 0.5rem;
      border-radius: 4px;
      cursor: pointer;
    }
    [role='option'][aria-selected='true'] {
      background: #e3e9fb;
    }
    [role='option'] .glyph {
      font-size: 1.25rem;
      line-height: 1;
    }
    textarea {
      flex: 1;
      min-height: 2.4rem;
      max-height: 10rem;
      padding: 0.5rem;
      font: inherit;
      border: 1px solid #bbb;
      border-radius: 6px;
      resize: vertical;
    }
    button {
      flex: none;
      padding: 0.55rem 1.1rem;
      font: inherit;
      border: 0;
      border-radius: 6px;
      background: var(--accent, #3558d4);
      color: #fff;
      cursor: pointer;
    }
    button.attach {
      padding: 0.45rem 0.6rem;
      border: 1px solid #bbb;
      background: #fff;
      color: #444;
      line-height: 0;
    }
    .limit {
      margin: 0.3rem 0 0;
      color: #8a1c1c;
      font-size: 0.85rem;
    }
  `;

  /** Placeholder text, e.g. who the message goes to. */
  @property() placeholder = '';

  /** Where the emoji data comes from (the picker's and the shortcodes'); Parley's server serves it. */
  @property({ attribute: 'emoji-data-source' }) emojiDataSource = EMOJI_DATA_URL;

  @state() private tooLong = false;
  @state() private completion: Completion | null = null;
  /** Counts shortcode look-ups, so that an answer to an older keystroke is dropped. */
  #lookup = 0;
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
      <form @submit=${this.#onSubmit}>
        <button
          type="button"
          class="attach"
          aria-label="Attach file"
          title="Attach file"
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
          aria-label="Message"
          placeholder=${this.placeholder}
          rows="1"
          aria-invalid=${this.tooLong}
          aria-describedby="limit"
          aria-autocomplete="list"
          aria-controls=${this.completion ? 'completions' : nothing}
          aria-activedescendant=${this.completion ? `completion-${this.completion.active}` : nothing}
          @keydown=${this.#onKeyDown}
          @input=${this.#onInput}
          @paste=${this.#onPaste}
          @blur=${this.#onBlur}
          @click=${this.#closeCompletion}
        ></textarea>
        ${this.#renderCompletion()}
        <button type="submit">Send</button>
      </form>
      ${
        this.tooLong
          ? html`<p id="limit" class="limit" role="status">Too long: messages hold up to 16 KB of text.</p>`
          : ''
      }
    `;
  }

  #renderCompletion() {
    const completion = this.completion;
    if (!completion) return nothing;
    return html`<ul id="completions" role="listbox" aria-label="Emoji suggestions">
      ${completion.matches.map(
        (match, index) =>
          html`<li
            id=${`completion-${index}`}
            role="option"
            aria-selected=${index === completion.active}
            aria-label=${`:${match.shortcode}:`}
            title=${match.name}
            @mousedown=${(event: MouseEvent) => event.preventDefault()}
            @click=${() => this.#complete(match)}
          >
            <span class="glyph" aria-hidden="true">${match.emoji}</span><span>:${match.shortcode}:</span>
          </li>`,
      )}
    </ul>`;
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
    if (this.completion && this.#onCompletionKey(event)) return;
    if (event.key !== 'Enter' || event.shiftKey) return;
    event.preventDefault();
    this.#send();
  }

  /** Arrows, Enter, Tab and Escape while completions are offered; true when the key was used. */
  #onCompletionKey(event: KeyboardEvent): boolean {
    const completion = this.completion;
    if (!completion || event.altKey || event.ctrlKey || event.metaKey) return false;
    const count = completion.matches.length;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.completion = { ...completion, active: (completion.active + step + count) % count };
        break;
      }
      case 'Enter':
      case 'Tab': {
        if (event.shiftKey) return false;
        const match = completion.matches[completion.active];
        if (match) this.#complete(match);
        break;
      }
      case 'Escape':
        this.#closeCompletion();
        break;
      default:
        return false;
    }
    event.preventDefault();
    // Escape here closes the suggestions, not whatever dialog or view holds the composer.
    event.stopPropagation();
    return true;
  }

  #complete(match: ShortcodeMatch): void {
    const completion = this.completion;
    this.#closeCompletion();
    if (!completion) return;
    this.insertText(match.emoji, { start: completion.start, end: this.textarea.selectionEnd });
  }

  #closeCompletion(): void {
    this.#lookup += 1;
    this.completion = null;
  }

  #onBlur(event: FocusEvent): void {
    this.#leftAt = { start: this.textarea.selectionStart, end: this.textarea.selectionEnd };
    // A click on a suggestion keeps the focus (its mousedown is cancelled); any other way out closes.
    if (event.relatedTarget === null || !this.shadowRoot?.contains(event.relatedTarget as Node)) {
      this.#closeCompletion();
    }
  }

  #onInput(event: Event): void {
    this.tooLong = utf8ByteLength(this.textarea.value) > MAX_TEXT_BYTES;
    const typed = event instanceof InputEvent ? event.data : null;
    void this.#lookUpShortcode(typed === ':');
  }

  /**
   * Offers completions for the `:prefix` before the caret; when the person just typed the closing
   * colon of a whole shortcode (`:rocket:`), replaces it with the emoji.
   */
  async #lookUpShortcode(closingColon: boolean): Promise<void> {
    const lookup = ++this.#lookup;
    const box = this.textarea;
    const caret = box.selectionEnd;
    if (box.selectionStart !== caret) return this.#closeCompletion();
    const closed = closingColon ? shortcodeBeforeCaret(box.value, caret - 1) : null;
    const typing = closed ? null : shortcodeBeforeCaret(box.value, caret);
    const target = closed ?? typing;
    if (!target) {
      this.completion = null;
      return;
    }
    let matches: ShortcodeMatch[];
    try {
      matches = await findShortcodes(target.prefix, { dataSource: this.emojiDataSource });
    } catch (error) {
      // No data (say, the server is away): no suggestions, and typing goes on as before.
      console.warn('emoji shortcodes unavailable', error);
      matches = [];
    }
    // Anything typed, sent or dismissed meanwhile made this answer stale.
    if (lookup !== this.#lookup || box.selectionEnd !== caret) return;
    if (closed) {
      const exact = matches[0];
      if (exact && exact.shortcode.toLowerCase() === closed.prefix.toLowerCase()) {
        this.completion = null;
        this.insertText(exact.emoji, { start: closed.start, end: caret });
      } else {
        this.completion = null;
      }
      return;
    }
    this.completion =
      matches.length > 0 ? { start: target.start, prefix: target.prefix, matches, active: 0 } : null;
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
    this.#closeCompletion();
    this.dispatchEvent(new MessageSendEvent(text));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'message-composer': MessageComposer;
  }
}
