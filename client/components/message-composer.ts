import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { MAX_TEXT_BYTES, utf8ByteLength } from '../../shared/peer-protocol.js';
import { FilesChosenEvent, MessageSendEvent } from './events.js';

// Outer <svg> elements belong in `html` templates; Lit's `svg` tag is for their contents.
const paperclip = html`<svg
  width="20"
  height="20"
  viewBox="0 0 24 24"
  aria-hidden="true"
  fill="none"
  stroke="currentColor"
  stroke-width="2"
  stroke-linecap="round"
  stroke-linejoin="round"
>
  <path
    d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5"
  />
</svg>`;

/**
 * The **Message** box and **Send**. Enter sends, Shift+Enter breaks the line; blank text is not sent.
 * **Attach file** and pasting files into the box report them with a `FilesChosenEvent`.
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
      display: flex;
      gap: 0.5rem;
      align-items: flex-end;
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

  @state() private tooLong = false;
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
        <textarea
          aria-label="Message"
          placeholder=${this.placeholder}
          rows="1"
          aria-invalid=${this.tooLong}
          aria-describedby="limit"
          @keydown=${this.#onKeyDown}
          @input=${this.#onInput}
          @paste=${this.#onPaste}
        ></textarea>
        <button type="submit">Send</button>
      </form>
      ${
        this.tooLong
          ? html`<p id="limit" class="limit" role="status">Too long: messages hold up to 16 KB of text.</p>`
          : ''
      }
    `;
  }

  /** Moves the keyboard focus to the message box. */
  override focus(): void {
    this.textarea?.focus();
  }

  #onKeyDown(event: KeyboardEvent): void {
    // Enter while an input method is composing confirms the composition; it must not send.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.#send();
  }

  #onInput(): void {
    this.tooLong = utf8ByteLength(this.textarea.value) > MAX_TEXT_BYTES;
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
    this.dispatchEvent(new MessageSendEvent(text));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'message-composer': MessageComposer;
  }
}
