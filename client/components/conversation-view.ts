import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { GroupActionEvent } from './events.js';
import type { OpenConversationView } from '../app/messenger.js';
import './message-composer.js';
import type { MessageComposer } from './message-composer.js';
import './message-list.js';

/** The open conversation: its heading, the **Messages** log and the composer. */
@customElement('conversation-view')
export class ConversationView extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 0;
      height: 100%;
    }
    header {
      display: flex;
      align-items: baseline;
      gap: 0.8rem;
      padding: 0.8rem 1rem;
      border-bottom: 1px solid #ddd;
      background: var(--panel, #fff);
    }
    h2 {
      margin: 0;
      font-size: 1.2rem;
    }
    .status {
      flex: 1;
      color: #666;
      font-size: 0.85rem;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .actions {
      display: flex;
      gap: 0.4rem;
    }
    .actions button {
      font: inherit;
      font-size: 0.85rem;
      padding: 0.25rem 0.6rem;
      border-radius: 6px;
      border: 1px solid #bbb;
      background: #fff;
      cursor: pointer;
    }
    message-list {
      flex: 1;
      min-height: 0;
    }
  `;

  @property({ attribute: false }) conversation!: OpenConversationView;

  @query('message-composer') private composer!: MessageComposer;

  override render() {
    const c = this.conversation;
    return html`
      <header>
        <h2>${c.title}</h2>
        <span class="status" role="status">${statusText(c)}</span>
        ${
          c.kind === 'group'
            ? html`<span class="actions">
                <button @click=${() => this.dispatchEvent(new GroupActionEvent('add-members'))}>
                  Add members
                </button>
                <button @click=${() => this.dispatchEvent(new GroupActionEvent('leave-group'))}>
                  Leave group
                </button>
              </span>`
            : nothing
        }
      </header>
      <message-list .messages=${c.messages} ?showCounts=${c.kind !== 'direct'}></message-list>
      <message-composer placeholder=${`Message ${c.title}`}></message-composer>
    `;
  }

  override focus(): void {
    this.composer?.focus();
  }
}

function statusText(c: OpenConversationView): string {
  if (c.kind === 'lobby') return `everyone online: ${c.members.length}`;
  if (c.kind === 'group') return `${c.members.length} members: ${c.members.join(', ')}`;
  if (!c.peerOnline) return 'offline — messages wait and are delivered when they are back';
  switch (c.link) {
    case 'open':
      return 'online, connected directly';
    case 'connecting':
      return 'online, connecting…';
    case 'none':
      return 'online';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'conversation-view': ConversationView;
  }
}
