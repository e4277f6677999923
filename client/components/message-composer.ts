import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { MAX_TEXT_BYTES, utf8ByteLength } from '../../shared/peer-protocol.js';
import { MessageSendEvent } from './events.js';

/** The **Message** box and **Send**. Enter sends, Shift+Enter breaks the line; blank text is not sent. */
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
      padding: 0.55rem 1.1rem;
      font: inherit;
      border: 0;
      border-radius: 6px;
      background: var(--accent, #3558d4);
      color: #fff;
      cursor: pointer;
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

  override render() {
    return html`
      <form @submit=${this.#onSubmit}>
        <textarea
          aria-label="Message"
          placeholder=${this.placeholder}
          rows="1"
          aria-invalid=${this.tooLong}
          aria-describedby="limit"
          @keydown=${this.#onKeyDown}
          @input=${this.#onInput}
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
