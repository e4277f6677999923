import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { buttonStyles } from '../styles/buttons.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { FileView } from '../../app/conversations/message-view.js';
import { FileActionEvent } from '../events.js';
import { formatBytes, formatDuration, formatSpeed } from '../../app/files/format-bytes.js';
import './voice-player.js';

/**
 * One file message: name and size, a **progressbar** named after the file while it moves, and the
 * actions the view allows (**Download** for a file only offered, **Cancel**, **Save**, **Try again**,
 * **Choose file again**). Each button's
 * description is the file's name, so a screen reader tells several Cancel buttons apart while their
 * names stay exact. Everything shown comes from a peer: it is bound as text, never as HTML.
 * A voice message shows a `<voice-player>` in place of the name and preview.
 *
 * @fires file-action - `FileActionEvent`: Download, Cancel, Save, Try again, or a file chosen again.
 * @property file - The file's view: name, size, progress, what may be done.
 * @property messageId - The file message's id, which its events name.
 */
@localized()
@customElement('file-card')
export class FileCard extends LitElement {
  static override styles = [
    buttonStyles,
    css`
      :host {
        display: block;
        margin-top: 0.25rem;
      }
      .preview {
        display: block;
        max-width: 100%;
        max-height: 16rem;
        margin-bottom: 0.3rem;
        border-radius: var(--parley-radius);
      }
      .head {
        display: flex;
        align-items: baseline;
        gap: 0.5rem;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .size {
        flex: none;
        color: var(--parley-text-muted);
        font-size: var(--parley-font-small);
      }
      [role='progressbar'] {
        height: 0.4rem;
        margin: 0.35rem 0 0.2rem;
        border-radius: 0.2rem;
        background: var(--parley-track);
        overflow: hidden;
      }
      /* No transition: the bar moves a few times a second, and easing each step kept both pages
         laying out and painting at 60 fps for a whole transfer (bench:files, CPU per MB). */
      .bar {
        height: 100%;
        background: var(--parley-accent);
      }
      .rate,
      .detail {
        margin: 0.15rem 0 0;
        color: var(--parley-text-muted);
        font-size: var(--parley-font-small);
      }
      .failed {
        color: var(--parley-danger);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        margin-top: 0.35rem;
      }
      button {
        padding: 0.25rem 0.7rem;
      }
    `,
  ];

  @property({ attribute: false }) file!: FileView;
  /** The file message's id: what the card's events name. */
  @property({ attribute: false }) messageId = '';

  @query('input[type=file]') private input?: HTMLInputElement;

  override render() {
    const file = this.file;
    if (file.voice) {
      // A voice message is its player; the file's name only describes its buttons (and is what Save saves).
      return html`
        <voice-player
          .src=${file.previewUrl}
          .durationMs=${file.voice.durationMs}
          .peaks=${file.voice.peaks}
        ></voice-player>
        <span id="name" hidden>${file.name}</span>
        ${this.#renderProgress(file)} ${this.#renderDetail(file)} ${this.#renderActions(file)}
      `;
    }
    return html`
      ${file.previewUrl ? html`<img class="preview" alt=${file.name} src=${file.previewUrl} />` : nothing}
      <div class="head">
        <span id="name" class="name">${file.name}</span>
        <span class="size">${formatBytes(file.size)}</span>
      </div>
      ${this.#renderProgress(file)} ${this.#renderDetail(file)} ${this.#renderActions(file)}
    `;
  }

  #renderProgress(file: FileView) {
    if (file.state !== 'moving' && !(file.state === 'waiting' && file.done > 0)) return nothing;
    // Below 100 % until the file is complete: a finished-looking bar that still waits would mislead.
    const percent = file.total > 0 ? Math.min(99, Math.floor((file.done / file.total) * 100)) : 0;
    // aria-live off: the log around the card is polite-live, and a speed that changes every second
    // would otherwise be read out over and over.
    return html`<div aria-live="off">
      <div
        role="progressbar"
        aria-label=${file.name}
        aria-valuemin="0"
        aria-valuemax=${file.total}
        aria-valuenow=${Math.min(file.done, file.total)}
        aria-valuetext=${`${percent}%`}
      >
        <div class="bar" style=${styleMap({ width: `${percent}%` })}></div>
      </div>
      ${file.state === 'moving' ? html`<p class="rate">${rateText(percent, file)}</p>` : nothing}
    </div>`;
  }

  #renderDetail(file: FileView) {
    if (file.state === 'failed') {
      return html`<p class="detail failed" role="status">${file.detail ?? msg('The transfer failed.')}</p>`;
    }
    if (file.detail) return html`<p class="detail">${file.detail}</p>`;
    if (file.state === 'waiting') return html`<p class="detail">${msg('Waiting…')}</p>`;
    return nothing;
  }

  #renderActions(file: FileView) {
    const needsFile = file.state === 'needs-file';
    if (!file.canCancel && !file.canSave && !file.canRetry && !file.canDownload && !needsFile) return nothing;
    // One binding per button, never a list: a button that goes away is removed, not reused under
    // another label where a second click of a double click would land.
    return html`<div class="actions">
      ${file.canDownload ? this.#button(msg('Download'), this.#download) : nothing}
      ${file.canCancel ? this.#button(msg('Cancel'), this.#cancel) : nothing}
      ${file.canSave ? this.#button(msg('Save'), this.#save) : nothing}
      ${file.canRetry ? this.#button(msg('Try again'), this.#retry) : nothing}
      ${
        needsFile
          ? html`${this.#button(msg('Choose file again'), this.#chooseAgain)}
              <input type="file" hidden @change=${this.#onChosen} />`
          : nothing
      }
    </div>`;
  }

  #button(label: string, onClick: () => void) {
    return html`<button type="button" class="small" aria-describedby="name" @click=${onClick}>
      ${label}
    </button>`;
  }

  readonly #cancel = (): void => {
    this.dispatchEvent(new FileActionEvent(this.messageId, 'cancel'));
  };

  readonly #save = (): void => {
    this.dispatchEvent(new FileActionEvent(this.messageId, 'save'));
  };

  readonly #download = (): void => {
    this.dispatchEvent(new FileActionEvent(this.messageId, 'download'));
  };

  readonly #retry = (): void => {
    this.dispatchEvent(new FileActionEvent(this.messageId, 'retry'));
  };

  readonly #chooseAgain = (): void => {
    this.input?.click();
  };

  readonly #onChosen = (): void => {
    const input = this.input;
    const file = input?.files?.[0];
    if (!input || !file) return;
    // Cleared so that choosing the same file again (say, after a wrong one was refused) fires again.
    input.value = '';
    this.dispatchEvent(new FileActionEvent(this.messageId, 'choose-again', file));
  };
}

function rateText(percent: number, file: FileView): string {
  if (file.bytesPerSecond === null) return msg(str`${percent}% · starting…`);
  const parts = [`${percent}%`, formatSpeed(file.bytesPerSecond)];
  if (file.secondsLeft !== null) parts.push(msg(str`${formatDuration(file.secondsLeft)} left`));
  return parts.join(' · ');
}

declare global {
  interface HTMLElementTagNameMap {
    'file-card': FileCard;
  }
}
