import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { HistoryError, HistoryErrorCode } from '../../app/history/history-format.js';
import type { ImportSummary } from '../../app/history/history-import.js';
import { buttonStyles } from '../styles/buttons.js';
import { searchFieldStyles } from './search-field.styles.js';

/** What the panel asks of the app: the messenger's `history.export` and `history.import`. */
export interface HistoryPort {
  export(passphrase: string): Promise<Blob>;
  import(file: File, passphrase: string): Promise<ImportSummary>;
}

type Status =
  | { kind: 'idle' }
  | { kind: 'pending'; text: string }
  | { kind: 'done'; text: string }
  | { kind: 'error'; text: string };

/** The words for each way an import or export can fail: one switch. */
export function historyErrorText(error: unknown): string {
  if (!(error instanceof HistoryError)) return msg('Something went wrong. Nothing was changed.');
  switch (error.code) {
    case HistoryErrorCode.NotHistory:
      return msg('This is not a Parley history file. Nothing was changed.');
    case HistoryErrorCode.Passphrase:
      return msg('Wrong passphrase (or the file is damaged). Nothing was changed.');
    case HistoryErrorCode.Damaged:
      return msg('The file is damaged. Nothing was changed.');
    case HistoryErrorCode.Truncated:
      return msg('The file is incomplete or damaged. Nothing was changed.');
    case HistoryErrorCode.Insecure:
      return msg(
        'Export and import need a secure connection: open Parley at its HTTPS address. Nothing was changed.',
      );
  }
}

/**
 * **History**: a password field **Passphrase**, **Export history** (downloads one encrypted file
 * of every conversation, message, reaction and stored file) and **Import history** (opens a file
 * chooser, then merges the chosen export in). Progress shows as a status, failures as an alert.
 *
 * @property port - What runs the export and import; null disables the buttons.
 */
@localized()
@customElement('history-panel')
export class HistoryPanel extends LitElement {
  static override styles = [
    buttonStyles,
    searchFieldStyles,
    css`
      :host {
        display: block;
        margin-top: var(--parley-space-medium);
      }
      h2 {
        margin: 0 0 0.3rem;
        font-size: var(--parley-font-x-small);
        text-transform: uppercase;
        letter-spacing: 0.05em;
        color: var(--parley-text-muted);
      }
      .actions {
        display: flex;
        gap: var(--parley-space-small);
        margin-top: var(--parley-space-small);
      }
      .actions button {
        flex: 1;
      }
      p {
        margin: 0.4rem 0 0;
        font-size: 0.9rem;
      }
      [role='alert'] {
        color: var(--parley-danger);
      }
      input[type='file'] {
        display: none;
      }
    `,
  ];

  @property({ attribute: false }) port: HistoryPort | null = null;

  @state() private passphrase = '';
  @state() private status: Status = { kind: 'idle' };
  @query('input[type=file]') private fileInput!: HTMLInputElement;

  override render() {
    const busy = this.status.kind === 'pending' || this.port === null;
    const blocked = busy || this.passphrase.length === 0;
    return html`
      <h2>${msg('History')}</h2>
      <input
        type="password"
        aria-label=${msg('Passphrase')}
        placeholder=${msg('Passphrase')}
        autocomplete="new-password"
        .value=${this.passphrase}
        @input=${(event: Event) => (this.passphrase = (event.target as HTMLInputElement).value)}
      />
      <div class="actions">
        <button ?disabled=${blocked} @click=${this.#export}>${msg('Export history')}</button>
        <button ?disabled=${blocked} @click=${() => this.fileInput.click()}>${msg('Import history')}</button>
      </div>
      <input type="file" accept=".parley,application/octet-stream" @change=${this.#import} />
      ${this.#renderStatus()}
    `;
  }

  #renderStatus() {
    switch (this.status.kind) {
      case 'idle':
        return nothing;
      case 'pending':
      case 'done':
        return html`<p role="status">${this.status.text}</p>`;
      case 'error':
        return html`<p role="alert">${this.status.text}</p>`;
    }
  }

  readonly #export = async (): Promise<void> => {
    const port = this.port;
    if (!port) return;
    this.status = { kind: 'pending', text: msg('Exporting…') };
    try {
      const blob = await port.export(this.passphrase);
      save(blob, `parley-history-${new Date().toISOString().slice(0, 10)}.parley`);
      this.status = { kind: 'done', text: msg('History exported.') };
    } catch (error) {
      this.status = { kind: 'error', text: historyErrorText(error) };
    }
  };

  readonly #import = async (): Promise<void> => {
    const port = this.port;
    const file = this.fileInput.files?.[0];
    // The same file may be chosen again (after a wrong passphrase, say).
    this.fileInput.value = '';
    if (!port || !file) return;
    this.status = { kind: 'pending', text: msg('Importing…') };
    try {
      const { messages, files } = await port.import(file, this.passphrase);
      this.status = { kind: 'done', text: msg(str`Imported ${messages} messages and ${files} files.`) };
    } catch (error) {
      this.status = { kind: 'error', text: historyErrorText(error) };
    }
  };
}

/** Downloads `blob` as `name`. */
function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // Revoked after the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

declare global {
  interface HTMLElementTagNameMap {
    'history-panel': HistoryPanel;
  }
}
