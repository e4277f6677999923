import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { MessageSearchResult } from '../../app/messenger.js';
import { ConversationSelectEvent } from '../events.js';
import { listButtonStyles } from './list-button.styles.js';
import { searchFieldStyles } from './search-field.styles.js';

/** How a search is run: the messenger's `history.search`, lent by the shell. */
export type MessageSearchFn = (query: string) => Promise<readonly MessageSearchResult[]>;

/**
 * **Search messages**: a searchbox over every stored conversation, answered as the person types,
 * and a list **Search results** with one button per message found (its conversation, author and a
 * snippet). Choosing one opens the conversation at that message. Only the newest query's answer is
 * shown: an older one that comes back later is dropped.
 *
 * @fires conversation-select - `ConversationSelectEvent` with `at`: a result was chosen.
 * @property search - Runs a query; null shows the box disabled.
 */
@localized()
@customElement('message-search')
export class MessageSearch extends LitElement {
  static override styles = [
    searchFieldStyles,
    listButtonStyles,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        margin: var(--parley-space-x-small) 0 0;
        padding: 0;
        max-height: 40vh;
        overflow-y: auto;
      }
      button {
        display: block;
      }
      .where {
        display: block;
        font-size: var(--parley-font-x-small);
        color: var(--parley-text-muted);
      }
      .snippet {
        display: block;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .note {
        margin: 0.3rem 0.6rem;
        color: var(--parley-text-faint);
        font-size: 0.9rem;
      }
    `,
  ];

  @property({ attribute: false }) search: MessageSearchFn | null = null;

  @state() private query = '';
  @state() private results: readonly MessageSearchResult[] | null = null;
  @state() private failed = false;
  /** Counts queries, so an answer that is no longer the newest is dropped. */
  #asked = 0;

  override render() {
    return html`
      <input
        type="search"
        aria-label=${msg('Search messages')}
        placeholder=${msg('Search messages')}
        .value=${this.query}
        ?disabled=${this.search === null}
        @input=${this.#onInput}
      />
      ${this.#renderResults()}
    `;
  }

  #renderResults() {
    if (this.failed) return html`<p class="note" role="alert">${msg('Search failed. Try again.')}</p>`;
    const results = this.results;
    if (results === null) return nothing;
    if (results.length === 0) return html`<p class="note">${msg('No messages found.')}</p>`;
    return html`<ul aria-label=${msg('Search results')}>
      ${results.map(
        (result) =>
          html`<li>
            <button @click=${() => this.#open(result)}>
              <span class="where">${result.title} · ${result.author}</span>
              <span class="snippet">${result.snippet}</span>
            </button>
          </li>`,
      )}
    </ul>`;
  }

  readonly #onInput = async (event: Event): Promise<void> => {
    this.query = (event.target as HTMLInputElement).value;
    const asked = ++this.#asked;
    const search = this.search;
    if (this.query.trim() === '' || !search) {
      this.results = null;
      this.failed = false;
      return;
    }
    try {
      const results = await search(this.query);
      if (asked !== this.#asked) return;
      this.results = results;
      this.failed = false;
    } catch (error) {
      if (asked !== this.#asked) return;
      this.failed = true;
      console.warn('[parley] search failed', error);
    }
  };

  #open(result: MessageSearchResult): void {
    this.dispatchEvent(new ConversationSelectEvent(result.conversation, result.id));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'message-search': MessageSearch;
  }
}
