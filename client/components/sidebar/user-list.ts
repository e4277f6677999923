import { localized, msg, str } from '@lit/localize';
import { LitElement, type PropertyValues, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import { groupIdOf } from '../../../shared/peer-protocol.js';
import { ConversationSelectEvent, InvitationAnswerEvent } from '../events.js';
import { FixedRowWindow } from './fixed-row-window.js';
import { listButtonStyles } from './list-button.styles.js';
import { NameFilter } from './name-filter.js';
import { userListStyles } from './user-list.styles.js';

export interface UserListEntry {
  readonly conversation: string;
  readonly name: string;
  readonly unread: number;
  readonly online: boolean;
  /** A group this user is invited to: who invited. Shown marked `invited`, with Accept and Decline. */
  readonly invitedBy?: string;
}

/** Rows rendered beyond each edge of the view: a wheel notch or a page key lands on rows already there. */
const OVERSCAN_ROWS = 8;
/** A row's height until one is measured (a line of text and the button's padding). */
const ESTIMATED_ROW_PX = 34;

/** Whether an entry is an invitation (taller: its name, Accept and Decline) rather than a row. */
function isInvitation(entry: UserListEntry): boolean {
  return entry.invitedBy !== undefined && groupIdOf(entry.conversation) !== null;
}

/** Whether two lists of entries differ in anything shown (each entry compared field by field). */
function entriesChanged(
  next: readonly UserListEntry[],
  previous: readonly UserListEntry[] | undefined,
): boolean {
  if (next === previous) return false;
  if (!previous || next.length !== previous.length) return true;
  return next.some((entry, i) => {
    const other = previous[i]!;
    return (
      entry.conversation !== other.conversation ||
      entry.name !== other.name ||
      entry.unread !== other.unread ||
      entry.online !== other.online ||
      entry.invitedBy !== other.invitedBy
    );
  });
}

/**
 * A named list of people, one button each; activating one opens the conversation. The button's
 * accessible name starts with the person's name and says what the badges show (`alice, 2 unread`).
 *
 * Thousands of people are online at once: the list scrolls within itself (at most half the
 * window) and renders only the rows in view and a few either side (`fixed-row-window.ts`), each
 * with `aria-posinset`/`aria-setsize` so a screen reader still counts all of them. Tab and
 * Shift+Tab move between rows as if all were there; ArrowUp/ArrowDown, Home and End do too. A row
 * that has focus stays rendered wherever the list is scrolled. Invitations (few, and taller) come
 * after the rows and are always rendered.
 *
 * @fires conversation-select - `ConversationSelectEvent`: an entry was activated.
 * @fires invitation-answer - `InvitationAnswerEvent`: **Accept** or **Decline** of an invitation.
 * @property label - The list's accessible name and heading.
 * @property emptyText - What shows when there are no entries.
 * @property entries - One per person or group, in the order shown.
 * @property markOffline - Whether entries are people, named `offline` when they are.
 * @property selected - The open conversation's id (its entry is `aria-current`).
 * @property filter - Shows only the entries whose name contains it (see `nameMatches`).
 */
@localized()
@customElement('user-list')
export class UserList extends LitElement {
  static override styles = [listButtonStyles, userListStyles];

  /** The list's accessible name and heading, e.g. "Online users". */
  @property() label = '';
  @property() emptyText = '';
  /** The app makes new entries at every change of anything: only different ones render again. */
  @property({ attribute: false, hasChanged: entriesChanged }) entries: readonly UserListEntry[] = [];
  /** Whether entries stand for people, who are online or not (groups are neither). */
  @property({ type: Boolean }) markOffline = true;
  /** The conversation that is open. */
  @property({ attribute: false }) selected: string | null = null;
  /** **Find people**: what the shown names must contain; empty shows everyone. */
  @property() filter = '';

  readonly #names = new NameFilter();
  readonly #window = new FixedRowWindow(this, {
    scroller: () => this.renderRoot.querySelector<HTMLElement>('.scroller'),
    sampleRow: () => this.renderRoot.querySelector<HTMLElement>('li.row'),
    estimate: ESTIMATED_ROW_PX,
    overscan: OVERSCAN_ROWS,
  });
  /** The shown entries that are rows (not invitations), in order. */
  #rows: readonly UserListEntry[] = [];
  #invitations: readonly UserListEntry[] = [];
  /** Row index by conversation, built when first needed after a change of rows. */
  #rowIndex: Map<string, number> | null = null;
  /** The conversation of the row that has focus: it stays rendered while scrolled out of view. */
  #focused: string | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('entries') && !changed.has('filter')) return;
    const shown = this.#names.filter(this.entries, this.filter);
    this.#rows = shown.filter((entry) => !isInvitation(entry));
    this.#invitations = shown.filter(isInvitation);
    this.#rowIndex = null;
  }

  override render() {
    const rows = this.#rows;
    const total = rows.length + this.#invitations.length;
    const rowHeight = this.#window.rowHeight;
    // Filtered to nothing is not the same as empty: say which, so nobody thinks they are alone.
    const empty = this.entries.length > 0 ? msg('No one matches.') : this.emptyText;
    return html`
      <h2 id="heading">${this.label}</h2>
      <div class="scroller">
        <ul
          aria-labelledby="heading"
          style=${styleMap({ paddingTop: `${rows.length * rowHeight}px` })}
          @keydown=${this.#onKeydown}
          @focusin=${this.#onFocusIn}
          @focusout=${this.#onFocusOut}
        >
          ${repeat(
            this.#renderedRows(),
            (index) => rows[index]!.conversation,
            (index) => this.#renderEntry(rows[index]!, index, total, index * rowHeight),
          )}
          ${this.#invitations.map((entry, i) => this.#renderInvitation(entry, rows.length + i, total))}
        </ul>
      </div>
      ${total === 0 && empty ? html`<p class="empty">${empty}</p>` : ''}
    `;
  }

  /** The indexes of the rows in view, and of the focused row wherever it is, in order. */
  #renderedRows(): number[] {
    const { start, end } = this.#window.range(this.#rows.length);
    const indexes = Array.from({ length: end - start }, (_, i) => start + i);
    const focused = this.#focused === null ? undefined : this.#indexOf(this.#focused);
    if (focused === undefined || (focused >= start && focused < end)) return indexes;
    return focused < start ? [focused, ...indexes] : [...indexes, focused];
  }

  #indexOf(conversation: string): number | undefined {
    this.#rowIndex ??= new Map(this.#rows.map((entry, i) => [entry.conversation, i]));
    return this.#rowIndex.get(conversation);
  }

  /** An invitation: its name marked `invited` (by whom), and the two answers, described by the name. */
  #renderInvitation(entry: UserListEntry, index: number, total: number) {
    const id = groupIdOf(entry.conversation) ?? '';
    const nameId = `invite-${id}`;
    const answer = (accept: boolean) => () => this.dispatchEvent(new InvitationAnswerEvent(id, accept));
    return html`<li class="invitation" aria-posinset=${index + 1} aria-setsize=${total}>
      <span id=${nameId} class="name">${msg(str`${entry.name}, invited by ${entry.invitedBy}`)}</span>
      <span class="answers">
        <button class="small" aria-describedby=${nameId} @click=${answer(true)}>${msg('Accept')}</button>
        <button class="small" aria-describedby=${nameId} @click=${answer(false)}>${msg('Decline')}</button>
      </span>
    </li>`;
  }

  #renderEntry(entry: UserListEntry, index: number, total: number, top: number) {
    const parts = [entry.name];
    if (!entry.online && this.markOffline) parts.push(msg('offline'));
    if (entry.unread > 0) parts.push(msg(str`${entry.unread} unread`));
    return html`<li
      class=${entry.online ? 'row online' : 'row offline'}
      data-index=${index}
      aria-posinset=${index + 1}
      aria-setsize=${total}
      style=${styleMap({ top: `${top}px` })}
    >
      <button
        aria-label=${parts.join(', ')}
        aria-current=${entry.conversation === this.selected ? 'true' : 'false'}
        @click=${() => this.dispatchEvent(new ConversationSelectEvent(entry.conversation))}
      >
        <span class="dot" aria-hidden="true"></span>
        <span class="name">${entry.name}</span>
        ${entry.unread > 0 ? html`<span class="badge" aria-hidden="true">${entry.unread}</span>` : ''}
      </button>
    </li>`;
  }

  /** Which row a key moves focus to from row `from` (-1: from the first invitation), if any. */
  #target(event: KeyboardEvent, from: number): number | null {
    const last = this.#rows.length - 1;
    if (event.altKey || event.ctrlKey || event.metaKey) return null;
    // Back from the invitations into the rows: the last row, rendered or not.
    if (from === -1) return event.key === 'Tab' && event.shiftKey && last >= 0 ? last : null;
    switch (event.key) {
      case 'Tab':
        return event.shiftKey ? (from > 0 ? from - 1 : null) : from < last ? from + 1 : null;
      case 'ArrowDown':
        return Math.min(from + 1, last);
      case 'ArrowUp':
        return Math.max(from - 1, 0);
      case 'Home':
        return 0;
      case 'End':
        return last;
      default:
        return null;
    }
  }

  readonly #onKeydown = (event: KeyboardEvent): void => {
    const item = (event.target as Element).closest('li');
    if (!item) return;
    const from = item.classList.contains('row') ? Number(item.dataset['index']) : this.#fromAnswer(event);
    const target = from === null ? null : this.#target(event, from);
    if (target === null) return;
    event.preventDefault();
    void this.#focusRow(target);
  };

  /** -1 on the first invitation's first answer (the rows are before it), else null. */
  #fromAnswer(event: KeyboardEvent): number | null {
    const first = this.renderRoot.querySelector('li.invitation button');
    return event.target === first ? -1 : null;
  }

  /** Renders row `index`, scrolls it into view and focuses its button. */
  async #focusRow(index: number): Promise<void> {
    const entry = this.#rows[index];
    if (!entry) return;
    this.#focused = entry.conversation;
    this.#window.scrollToRow(index);
    this.requestUpdate();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`li.row[data-index="${index}"] button`)?.focus();
  }

  readonly #onFocusIn = (event: FocusEvent): void => {
    const row = (event.target as Element).closest<HTMLElement>('li.row');
    this.#focused = row ? (this.#rows[Number(row.dataset['index'])]?.conversation ?? null) : null;
  };

  readonly #onFocusOut = (event: FocusEvent): void => {
    const next = event.relatedTarget;
    if (next instanceof Node && this.renderRoot.contains(next)) return;
    this.#focused = null;
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'user-list': UserList;
  }
}
