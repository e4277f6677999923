import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { buttonStyles } from '../styles/buttons.js';
import { phoneWidth } from '../styles/tokens.js';
import { keyed } from 'lit/directives/keyed.js';
import {
  ConversationCloseEvent,
  ConversationMuteEvent,
  FilesChosenEvent,
  GroupActionEvent,
  MessageTypingEvent,
} from '../events.js';
import type { MessageActionEvent } from '../events.js';
import type { ComposerTarget } from '../composer/reply-bar.js';
import type { OpenConversationView } from '../../app/messenger.js';
import { typingText } from '../../app/attention/typing-indicator.js';
import '../composer/message-composer.js';
import type { MessageComposer } from '../composer/message-composer.js';
import './identity-notice.js';
import './safety-number-dialog.js';
import './message-list.js';

/**
 * The open conversation: its heading, the **Messages** log and the composer. Files dropped anywhere
 * on it are reported with a `FilesChosenEvent`; a hint shows while files are dragged over it.
 *
 * At phone width its header starts with **Back**, which closes it (the lists show instead); on a
 * desktop the lists stay beside it and there is no **Back**.
 *
 * @fires conversation-close - `ConversationCloseEvent`: **Back** was pressed (phone width).
 * @fires group-action - `GroupActionEvent`: **Add members** or **Leave group** (groups only).
 * @fires conversation-mute - `ConversationMuteEvent`: the **Mute** toggle was pressed.
 * @fires message-typing - `MessageTypingEvent`: the person typed in **Message**.
 * @fires files-chosen - `FilesChosenEvent`: files were dropped on it (and from its composer).
 * @property conversation - The open conversation, as the messenger shows it.
 */
@localized()
@customElement('conversation-view')
export class ConversationView extends LitElement {
  static override styles = [
    buttonStyles,
    css`
      :host {
        position: relative;
        display: flex;
        flex-direction: column;
        min-height: 0;
        height: 100%;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem 0.8rem;
        padding: 0.8rem 1rem;
        border-bottom: 1px solid var(--parley-divider);
        background: var(--parley-surface);
      }
      h2 {
        margin: 0;
        font-size: 1.2rem;
        overflow-wrap: anywhere;
      }
      button.back {
        display: none;
      }
      @media ${phoneWidth} {
        header {
          padding: 0.4rem 0.6rem;
        }
        button.back {
          display: inline-flex;
          align-items: center;
        }
        h2 {
          flex: 1;
        }
        /* The status gets a line of its own under Back, the name and the actions. */
        header .status {
          flex: 1 1 100%;
          order: 1;
          white-space: normal;
        }
      }
      .status {
        flex: 1;
        color: var(--parley-text-muted);
        font-size: var(--parley-font-small);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .membership {
        margin: 0 1rem;
        color: var(--parley-text-muted);
        font-size: var(--parley-font-small);
      }
      .verified {
        color: var(--parley-accent);
        font-size: var(--parley-font-small);
        font-weight: 600;
      }
      .actions {
        display: flex;
        gap: 0.4rem;
      }
      message-list {
        flex: 1;
        min-height: 0;
      }
      .actions button[aria-pressed='true'] {
        background: var(--parley-highlight);
      }
      .notice {
        margin: 0;
        padding: 0.5rem 1rem;
        border-bottom: 1px solid var(--parley-divider);
        background: var(--parley-highlight);
        font-size: var(--parley-font-small);
      }
      .typing {
        min-height: 1.2rem;
        padding: 0 1rem 0.2rem;
        color: var(--parley-text-muted);
        font-size: var(--parley-font-x-small);
        font-style: italic;
      }
      .drop-hint {
        position: absolute;
        inset: 0.5rem;
        display: grid;
        place-items: center;
        border: 3px dashed var(--parley-accent);
        border-radius: var(--parley-radius-large);
        background: var(--parley-veil);
        color: var(--parley-accent);
        font-size: 1.2rem;
        font-weight: 600;
        /* Never a drag target itself: the enter/leave pairs stay those of the elements beneath. */
        pointer-events: none;
      }
      .drop-hint[hidden] {
        display: none;
      }
    `,
  ];

  @property({ attribute: false }) conversation!: OpenConversationView;

  @query('message-composer') private composer!: MessageComposer;

  /** The **Safety number** dialog shows. */
  @state() private showSafety = false;

  /** Files are being dragged over the conversation. */
  @state() private dragging = false;
  /** The message the composer answers or edits, in the conversation it belongs to. */
  @state() private composerTarget: { conversation: string; target: ComposerTarget } | null = null;
  /**
   * dragenter/dragleave fire for every element crossed inside, in pairs: the drag has left the
   * conversation when they balance.
   */
  #dragDepth = 0;

  constructor() {
    super();
    this.addEventListener('dragenter', this.#onDragEnter);
    this.addEventListener('dragover', this.#onDragOver);
    this.addEventListener('dragleave', this.#onDragLeave);
    this.addEventListener('drop', this.#onDrop);
    this.addEventListener('message-action', this.#onMessageAction);
  }

  override render() {
    const c = this.conversation;
    return html`
      <header>
        <button class="back" @click=${() => this.dispatchEvent(new ConversationCloseEvent())}>
          <span aria-hidden="true">‹&nbsp;</span>${msg('Back')}
        </button>
        <h2>${c.title}</h2>
        ${c.identity?.verified ? html`<span class="verified">${msg('verified')}</span>` : nothing}
        <span class="status" role="status">${statusText(c)}</span>
        <span class="actions">
          ${
            c.kind === 'group'
              ? html`<button
                    class="small"
                    @click=${() => this.dispatchEvent(new GroupActionEvent('add-members'))}
                  >
                    ${msg('Add members')}
                  </button>
                  <button
                    class="small"
                    @click=${() => this.dispatchEvent(new GroupActionEvent('leave-group'))}
                  >
                    ${msg('Leave group')}
                  </button>`
              : nothing
          }
          ${
            c.kind === 'direct'
              ? html`<button class="small" @click=${() => (this.showSafety = true)}>
                  ${msg('Safety number')}
                </button>`
              : nothing
          }
          <button
            class="small"
            aria-pressed=${c.muted ? 'true' : 'false'}
            title=${
              c.muted
                ? msg('Muted: no notifications from this conversation')
                : msg('Turn off its notifications')
            }
            @click=${() => this.dispatchEvent(new ConversationMuteEvent(c.conversation, !c.muted))}
          >
            <!-- A toggle keeps its name; its pressed state says whether it is on. -->${msg('Mute')}
          </button>
        </span>
      </header>
      ${
        c.peer && c.identity
          ? html`<identity-notice .peer=${c.peer} .identity=${c.identity}></identity-notice>
              <safety-number-dialog
                .peer=${c.peer}
                .digits=${c.identity.safetyNumber}
                .verified=${c.identity.verified}
                .open=${this.showSafety}
                @close=${() => (this.showSafety = false)}
              ></safety-number-dialog>`
          : nothing
      }
      ${membershipNotes(c)}
      ${(c.notices ?? []).map((text) => html`<p class="notice" role="alert">${text}</p>`)}
      <message-list
        .messages=${c.messages}
        .highlight=${c.focus ?? null}
        ?older=${c.older ?? false}
        ?newer=${c.newer ?? false}
        ?showCounts=${c.kind !== 'direct'}
      ></message-list>
      <div class="typing" aria-live="polite">${typingText(c.typing ?? [])}</div>
      ${
        // One composer per conversation: a draft or a recording never carries over to another one.
        keyed(
          c.conversation,
          html`<message-composer
            placeholder=${msg(str`Message ${c.title}`)}
            .target=${this.composerTarget?.conversation === c.conversation ? this.composerTarget.target : null}
            @input=${this.#onInput}
            @message-send=${this.#endTarget}
            @message-edit=${this.#endTarget}
            @reply-cancel=${this.#endTarget}
          ></message-composer>`,
        )
      }
      <div class="drop-hint" ?hidden=${!this.dragging}>
        ${msg(str`Drop files to send them to ${c.title}`)}
      </div>
    `;
  }

  override focus(): void {
    this.composer?.focus();
  }

  /** **Reply** and **Edit** prepare the composer; **Delete for everyone** goes on to the app. */
  readonly #onMessageAction = (event: MessageActionEvent): void => {
    if (event.action === 'delete') return;
    event.stopPropagation();
    const c = this.conversation;
    const message = c.messages.find((m) => m.id === event.messageId);
    if (!message) return;
    const text = message.text || (message.file?.name ?? '');
    this.composerTarget = {
      conversation: c.conversation,
      target: { mode: event.action, id: message.id, author: message.author, text },
    };
  };

  /** Sent, or cancelled: the composer writes a new message again. */
  readonly #endTarget = (): void => {
    this.composerTarget = null;
  };

  /** Typing in the composer (its `input` events are composed): blanking the box is not typing. */
  readonly #onInput = (event: Event): void => {
    const box = event.composedPath()[0];
    if (box instanceof HTMLTextAreaElement && box.value.trim() === '') return;
    this.dispatchEvent(new MessageTypingEvent(this.conversation.conversation));
  };

  readonly #onDragEnter = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    this.#dragDepth += 1;
    this.dragging = true;
  };

  readonly #onDragOver = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    // Accepting dragover is what makes this a drop target (and keeps the browser from opening the file).
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  };

  readonly #onDragLeave = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    this.#dragDepth = Math.max(0, this.#dragDepth - 1);
    if (this.#dragDepth === 0) this.dragging = false;
  };

  readonly #onDrop = (event: DragEvent): void => {
    if (!carriesFiles(event) || !event.dataTransfer) return;
    event.preventDefault();
    this.#dragDepth = 0;
    this.dragging = false;
    const files = droppedFiles(event.dataTransfer);
    if (files.length > 0) this.dispatchEvent(new FilesChosenEvent(files));
  };
}

/** Only drags of files count: dragged text or links stay the business of what they are dropped on. */
function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/** The dropped files, without folders: a folder arrives as a File that cannot be read. */
function droppedFiles(data: DataTransfer): File[] {
  const files: File[] = [];
  for (const item of data.items) {
    if (item.kind !== 'file' || item.webkitGetAsEntry()?.isDirectory) continue;
    const file = item.getAsFile();
    if (file) files.push(file);
  }
  return files;
}

/**
 * What a group's signed log says of its members (client/app/roster/group-replay.ts): names the
 * server lists that the log does not admit (they get nothing), a group with no signed log, a fork.
 */
function membershipNotes(c: OpenConversationView) {
  const proof = c.membership;
  if (!proof) return nothing;
  return html`${
    proof.unverified.length > 0
      ? html`<p class="membership">
          ${proof.unverified.map(
            (user) => html`<span class="unverified-member">${user} (${msg('not verified')})</span> `,
          )}
        </p>`
      : nothing
  }
  ${proof.signed ? nothing : html`<p class="membership">${msg('membership not verified')}</p>`}
  ${
    proof.forked
      ? html`<p class="notice" role="alert">
          ${msg('This group’s membership history forked: members were shown different histories.')}
        </p>`
      : nothing
  }`;
}

function statusText(c: OpenConversationView): string {
  const count = c.members.length;
  if (c.kind === 'lobby') return msg(str`everyone online: ${count}`);
  if (c.kind === 'group') return msg(str`${count} members: ${c.members.join(', ')}`);
  if (!c.peerOnline) return msg('offline — messages wait and are delivered when they are back');
  if (c.link === 'open') return msg(str`online, ${routeText(c.route ?? null)}`);
  // Attempts go on after a failure: the words say why it may keep failing.
  if (c.connectProblem) {
    return msg(str`online, but no connection could be made: ${problemText(c.connectProblem)}`);
  }
  return c.link === 'connecting' ? msg('online, connecting…') : msg('online');
}

function routeText(route: OpenConversationView['route']): string {
  switch (route) {
    case 'direct':
      return msg('connected directly');
    case 'relayed':
      return msg('relayed through a TURN server');
    case null:
    case undefined:
      return msg('connected');
  }
}

function problemText(problem: NonNullable<OpenConversationView['connectProblem']>): string {
  switch (problem) {
    case 'no-relay':
      return msg('no relay server is configured, and the networks cannot reach each other directly');
    case 'blocked':
      return msg('the other network blocks the connection, even through the relay server');
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'conversation-view': ConversationView;
  }
}
