import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { groupIdOf } from '../../../shared/peer-protocol.js';
import { ConversationSelectEvent, InvitationAnswerEvent } from '../events.js';
import { listButtonStyles } from './list-button.styles.js';

/** How names and queries are compared: width- and case-folded (`ＡＬＩＣＥ` finds `alice`). */
function foldForMatch(text: string): string {
  return text.normalize('NFKC').toLocaleLowerCase();
}

/**
 * Whether `name` contains `query`, ignoring case and width (NFKC folds full-width Latin and
 * half-width Kana), so a CJK name is found by any part of it. An empty query matches everyone.
 */
export function nameMatches(name: string, query: string): boolean {
  const wanted = foldForMatch(query.trim());
  return wanted === '' || foldForMatch(name).includes(wanted);
}

export interface UserListEntry {
  readonly conversation: string;
  readonly name: string;
  readonly unread: number;
  readonly online: boolean;
  /** A group this user is invited to: who invited. Shown marked `invited`, with Accept and Decline. */
  readonly invitedBy?: string;
}

/**
 * A named list of people, one button each; activating one opens the conversation. The button's
 * accessible name starts with the person's name and says what the badges show (`alice, 2 unread`).
 *
 * @fires conversation-select - `ConversationSelectEvent`: an entry was activated.
 * @fires invitation-answer - `InvitationAnswerEvent`: **Accept** or **Decline** of an invitation.
 * @property label - The list's accessible name and heading.
 * @property emptyText - What shows when there are no entries.
 * @property entries - One per person or group.
 * @property markOffline - Whether entries are people, named `offline` when they are.
 * @property selected - The open conversation's id (its entry is `aria-current`).
 * @property filter - Shows only the entries whose name contains it (see `nameMatches`).
 */
@localized()
@customElement('user-list')
export class UserList extends LitElement {
  static override styles = [
    listButtonStyles,
    css`
      :host {
        display: block;
      }
      h2 {
        margin: 1rem 0 0.4rem;
        font-size: var(--parley-font-x-small);
        text-transform: uppercase;
        letter-spacing: 0.05em;
        color: var(--parley-text-muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      button {
        display: flex;
        align-items: center;
        gap: 0.5rem;
      }
      .dot {
        width: 0.55rem;
        height: 0.55rem;
        border-radius: 50%;
        background: var(--parley-offline);
        flex: none;
      }
      .online .dot {
        background: var(--parley-online);
      }
      .name {
        flex: 1;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .badge {
        min-width: 1.3rem;
        padding: 0 0.35rem;
        border-radius: 1rem;
        background: var(--parley-accent);
        color: var(--parley-on-accent);
        font-size: var(--parley-font-x-small);
        text-align: center;
      }
      .invitation {
        padding: 0.45rem 0.6rem;
      }
      .invitation .name {
        display: block;
        white-space: normal;
      }
      .answers {
        display: flex;
        gap: 0.4rem;
        margin-top: 0.3rem;
      }
      .answers button {
        width: auto;
        border: 1px solid var(--parley-border, currentColor);
      }
      .empty {
        margin: 0.3rem 0.6rem;
        color: var(--parley-text-faint);
        font-size: 0.9rem;
      }
    `,
  ];

  /** The list's accessible name and heading, e.g. "Online users". */
  @property() label = '';
  @property() emptyText = '';
  @property({ attribute: false }) entries: readonly UserListEntry[] = [];
  /** Whether entries stand for people, who are online or not (groups are neither). */
  @property({ type: Boolean }) markOffline = true;
  /** The conversation that is open. */
  @property({ attribute: false }) selected: string | null = null;
  /** **Find people**: what the shown names must contain; empty shows everyone. */
  @property() filter = '';

  override render() {
    const shown = this.entries.filter((entry) => nameMatches(entry.name, this.filter));
    // Filtered to nothing is not the same as empty: say which, so nobody thinks they are alone.
    const empty = this.entries.length > 0 ? msg('No one matches.') : this.emptyText;
    return html`
      <h2 id="heading">${this.label}</h2>
      <ul aria-labelledby="heading">
        ${shown.map((entry) => this.#renderEntry(entry))}
      </ul>
      ${shown.length === 0 && empty ? html`<p class="empty">${empty}</p>` : ''}
    `;
  }

  /** An invitation: its name marked `invited` (by whom), and the two answers, described by the name. */
  #renderInvitation(entry: UserListEntry, id: string) {
    const nameId = `invite-${id}`;
    const answer = (accept: boolean) => () => this.dispatchEvent(new InvitationAnswerEvent(id, accept));
    return html`<li class="invitation">
      <span id=${nameId} class="name">${msg(str`${entry.name}, invited by ${entry.invitedBy}`)}</span>
      <span class="answers">
        <button class="small" aria-describedby=${nameId} @click=${answer(true)}>${msg('Accept')}</button>
        <button class="small" aria-describedby=${nameId} @click=${answer(false)}>${msg('Decline')}</button>
      </span>
    </li>`;
  }

  #renderEntry(entry: UserListEntry) {
    const invited = groupIdOf(entry.conversation);
    if (entry.invitedBy !== undefined && invited !== null) return this.#renderInvitation(entry, invited);
    const parts = [entry.name];
    if (!entry.online && this.markOffline) parts.push(msg('offline'));
    if (entry.unread > 0) parts.push(msg(str`${entry.unread} unread`));
    return html`<li class=${entry.online ? 'online' : 'offline'}>
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
}

declare global {
  interface HTMLElementTagNameMap {
    'user-list': UserList;
  }
}
