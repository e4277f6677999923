import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
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
      color: #666;
      font-size: 0.85rem;
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
        <h2>${c.peer}</h2>
        <span class="status" role="status">${statusText(c)}</span>
      </header>
      <message-list .messages=${c.messages}></message-list>
      <message-composer placeholder=${`Message ${c.peer}`}></message-composer>
    `;
  }

  override focus(): void {
    this.composer?.focus();
  }
}

function statusText(c: OpenConversationView): string {
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
