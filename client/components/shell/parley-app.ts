import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { AppStore } from '../../app/session/app-store.js';
import type { Messenger, OpenConversationView } from '../../app/messenger.js';
import './connection-notice.js';
import '../conversation/conversation-view.js';
import type { ConversationView } from '../conversation/conversation-view.js';
import type {
  ConversationMuteEvent,
  ConversationSelectEvent,
  GroupActionEvent,
  GroupMembersEvent,
  MessageSendEvent,
  MessageTypingEvent,
  FileActionEvent,
  FilesChosenEvent,
  ReactionEvent,
  SessionActionEvent,
  SignInEvent,
  VoiceRecordedEvent,
} from '../events.js';
import '../sidebar/group-dialog.js';
import './notification-prompt.js';
import './sign-in-form.js';
import { StoreController } from './store-controller.js';
import '../sidebar/user-list.js';

/** The whole app: the sign-in screen, or the people and group lists beside the open conversation. */
@customElement('parley-app')
export class ParleyApp extends LitElement {
  static override styles = css`
    :host {
      display: block;
      height: 100%;
      font-family: system-ui, sans-serif;
      color: #1d1d1f;
      background: #f2f3f7;
    }
    .main {
      display: grid;
      grid-template-columns: minmax(14rem, 18rem) 1fr;
      height: 100%;
    }
    aside {
      padding: 1rem;
      overflow-y: auto;
      border-right: 1px solid #ddd;
      background: #fafbfd;
    }
    .me {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem;
    }
    .me strong {
      font-size: 1.1rem;
      overflow-wrap: anywhere;
    }
    group-dialog {
      /* Its dialog lives in the top layer; the element itself must not take a grid cell. */
      position: absolute;
    }
    .new-group {
      margin-top: 0.6rem;
      width: 100%;
      font: inherit;
      padding: 0.4rem;
      border-radius: 6px;
      border: 1px dashed #999;
      background: transparent;
      cursor: pointer;
    }
    .me button {
      font: inherit;
      padding: 0.3rem 0.7rem;
      border-radius: 6px;
      border: 1px solid #bbb;
      background: #fff;
      cursor: pointer;
    }
    main {
      min-width: 0;
      min-height: 0;
      height: 100%;
    }
    .placeholder {
      display: grid;
      place-items: center;
      height: 100%;
      color: #777;
    }
    connection-notice.signed-out {
      max-width: 26rem;
      margin: 0 auto;
    }
    [role='alert'] {
      max-width: 30rem;
      margin: 4rem auto;
      padding: 1.5rem;
      border-radius: 10px;
      background: #fff;
      box-shadow: 0 2px 12px rgb(0 0 0 / 0.12);
    }
    @media (max-width: 40rem) {
      .main {
        grid-template-columns: 1fr;
        grid-template-rows: auto 1fr;
      }
    }
  `;

  @property({ attribute: false }) store: AppStore | null = null;

  /** Which group dialog is open. */
  @state() private dialog: 'create' | 'add' | null = null;
  /** Why the dialog's last command failed. */
  @state() private dialogError: string | null = null;
  #awaitingGroup = false;
  #visibilityToldTo: Messenger | null = null;

  readonly #controller = new StoreController(this);
  @query('conversation-view') private conversationView?: ConversationView;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#onVisibility);
    // A file dropped beside the conversation (on the lists, say) must not make the browser open it
    // and leave the app; the conversation view takes drops on itself before this sees them.
    window.addEventListener('dragover', this.#refuseFileDrop);
    window.addEventListener('drop', this.#refuseFileDrop);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#onVisibility);
    window.removeEventListener('dragover', this.#refuseFileDrop);
    window.removeEventListener('drop', this.#refuseFileDrop);
  }

  readonly #refuseFileDrop = (event: DragEvent): void => {
    if (event.defaultPrevented || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'none';
  };

  protected override willUpdate(): void {
    this.#controller.observe(this.store);
    // The dialog closes once the server has answered the command without an error.
    const request = this.store?.groupRequest;
    if (this.#awaitingGroup && request && request.kind !== 'pending') {
      this.#awaitingGroup = false;
      if (request.kind === 'idle') this.dialog = null;
      else this.dialogError = request.text;
    }
    const messenger = this.store?.messenger ?? null;
    if (messenger && messenger !== this.#visibilityToldTo) {
      // A page that loads in a background tab is not looking at anything yet.
      this.#visibilityToldTo = messenger;
      void messenger.setVisible(document.visibilityState === 'visible');
    }
    const unread = this.store?.messenger?.totalUnread ?? 0;
    const title = unread > 0 ? `(${unread}) Parley` : 'Parley';
    // Set only on a change: every write is a title change the browser (and screen readers) act on.
    if (document.title !== title) document.title = title;
  }

  override render() {
    const store = this.store;
    if (!store) return nothing;
    const auth = store.auth;
    switch (auth.kind) {
      case 'signed-out':
        return html`<sign-in-form
            .error=${auth.error}
            .pending=${auth.pending}
            @sign-in=${this.#onSignIn}
          ></sign-in-form>
          <connection-notice
            class="signed-out"
            .status=${store.connection}
            @session-action=${this.#onSessionAction}
          ></connection-notice>`;
      case 'ended':
        return html`<div role="alert">
          <p>${auth.message}</p>
          <button @click=${() => store.reconnect()}>Use Parley in this tab</button>
        </div>`;
      case 'signed-in':
        return this.#renderMain(store, auth.user);
    }
  }

  #renderMain(store: AppStore, user: string) {
    const messenger = store.messenger;
    const open = messenger?.openConversation ?? null;
    return html`<div
      class="main"
      @conversation-select=${this.#onSelect}
      @message-send=${this.#onSend}
      @message-typing=${this.#onTyping}
      @conversation-mute=${this.#onMute}
      @notifications-enable=${this.#onEnableNotifications}
      @files-chosen=${this.#onFilesChosen}
      @file-action=${this.#onFileAction}
      @reaction=${this.#onReaction}
      @voice-recorded=${this.#onVoiceRecorded}
      @session-action=${this.#onSessionAction}
      @group-action=${this.#onGroupAction}
      @group-members=${this.#onGroupMembers}
      @dialog-close=${() => (this.dialog = null)}
    >
      <aside>
        <div class="me">
          <strong>${user}</strong>
          <button @click=${() => store.logout()}>Log out</button>
        </div>
        <connection-notice .status=${store.connection} ?quietWhileConnecting=${false}></connection-notice>
        ${
          messenger
            ? html`<notification-prompt permission=${messenger.notificationPermission}></notification-prompt>`
            : nothing
        }
        ${messenger ? this.#renderLists(messenger, open?.conversation ?? null) : nothing}
      </aside>
      <main>
        ${
          open
            ? html`<conversation-view .conversation=${open}></conversation-view>`
            : html`<p class="placeholder">Choose someone to talk to.</p>`
        }
      </main>
      ${messenger ? this.#renderDialog(messenger, open) : nothing}
    </div>`;
  }

  #renderLists(messenger: Messenger, selected: string | null) {
    const contacts = messenger.offlineContacts;
    return html`
      <user-list
        label="Online users"
        emptyText="No one else is online right now."
        .entries=${messenger.people}
        .selected=${selected}
      ></user-list>
      ${
        contacts.length > 0
          ? html`<user-list label="Contacts" .entries=${contacts} .selected=${selected}></user-list>`
          : nothing
      }
      <user-list
        label="Groups"
        .entries=${messenger.groups}
        .selected=${selected}
        .markOffline=${false}
      ></user-list>
      <button class="new-group" @click=${() => this.#openDialog('create')}>New group</button>
    `;
  }

  #renderDialog(messenger: Messenger, open: OpenConversationView | null) {
    const adding = this.dialog === 'add' && open?.kind === 'group';
    // Anyone this user knows of: online now, or talked to before.
    const known = [...new Set([...messenger.online, ...messenger.offlineContacts.map((c) => c.name)])].sort();
    const people = adding ? known.filter((name) => !open.members.includes(name)) : known;
    return html`<group-dialog
      mode=${adding ? 'add' : 'create'}
      .group=${adding ? open.conversation.slice('group:'.length) : null}
      .people=${people}
      .error=${this.dialogError}
      ?open=${this.dialog !== null}
    ></group-dialog>`;
  }

  #onSignIn(event: SignInEvent): void {
    if (event.mode === 'login') this.store?.login(event.username, event.password);
    else this.store?.register(event.username, event.password);
  }

  async #onSelect(event: ConversationSelectEvent): Promise<void> {
    await this.store?.messenger?.selectConversation(event.conversation);
    await this.updateComplete;
    this.conversationView?.focus();
  }

  #onSend(event: MessageSendEvent): void {
    this.store?.messenger
      ?.send(event.text)
      .catch((error: unknown) => console.warn('[parley] send failed', error));
  }

  #onTyping(event: MessageTypingEvent): void {
    const messenger = this.store?.messenger;
    if (messenger?.openConversation?.conversation === event.conversation) messenger.typed();
  }

  #onMute(event: ConversationMuteEvent): void {
    this.store?.messenger
      ?.setMuted(event.conversation, event.muted)
      .catch((error: unknown) => console.warn('[parley] muting failed', error));
  }

  #onEnableNotifications(): void {
    this.store?.messenger
      ?.enableNotifications()
      .catch((error: unknown) => console.warn('[parley] asking for notifications failed', error));
  }

  #onFilesChosen(event: FilesChosenEvent): void {
    this.store?.messenger
      ?.sendFiles(event.files)
      .catch((error: unknown) => console.warn('[parley] sending files failed', error));
  }

  #onVoiceRecorded(event: VoiceRecordedEvent): void {
    this.store?.messenger
      ?.sendVoice(event.blob, event.durationMs, event.peaks)
      .catch((error: unknown) => console.warn('[parley] sending a voice message failed', error));
  }

  #onReaction(event: ReactionEvent): void {
    this.store?.messenger
      ?.react(event.messageId, event.emoji)
      .catch((error: unknown) => console.warn('[parley] reacting failed', error));
  }

  #onFileAction(event: FileActionEvent): void {
    const messenger = this.store?.messenger;
    if (!messenger) return;
    const done = (() => {
      switch (event.action) {
        case 'cancel':
          return messenger.cancelFile(event.id);
        case 'retry':
          return messenger.retryFile(event.id);
        case 'choose-again':
          return event.file ? messenger.chooseFileAgain(event.id, event.file) : Promise.resolve();
        case 'save':
          return messenger.fileToSave(event.id).then((file) => file && download(file.blob, file.name));
      }
    })();
    done.catch((error: unknown) => console.warn(`[parley] ${event.action} failed`, error));
  }

  #onGroupAction(event: GroupActionEvent): void {
    const open = this.store?.messenger?.openConversation;
    switch (event.action) {
      case 'new-group':
        this.#openDialog('create');
        return;
      case 'add-members':
        this.#openDialog('add');
        return;
      case 'leave-group':
        if (open?.kind === 'group') this.store?.leaveGroup(open.conversation.slice('group:'.length));
        return;
    }
  }

  #openDialog(dialog: 'create' | 'add'): void {
    this.dialogError = null;
    this.dialog = dialog;
  }

  #onGroupMembers(event: GroupMembersEvent): void {
    const store = this.store;
    if (!store) return;
    const sent = event.group
      ? store.addMembers(event.group, event.members)
      : store.createGroup(event.name, event.members);
    this.#awaitingGroup = true;
    if (!sent) this.requestUpdate();
  }

  #onSessionAction(event: SessionActionEvent): void {
    if (event.action === 'reconnect') this.store?.reconnect();
    else this.store?.logout();
  }

  readonly #onVisibility = (): void => {
    void this.store?.messenger?.setVisible(document.visibilityState === 'visible');
  };
}

/**
 * Saves a Blob under `name` through a download link. The bytes stay where they are (IndexedDB or the
 * chosen file): the object URL only points at them. As `application/octet-stream`, so whatever type a
 * peer claimed, the browser saves the file rather than opening it.
 */
function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(
    blob.type === 'application/octet-stream' ? blob : blob.slice(0, blob.size, 'application/octet-stream'),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started reading by the next task; revoking later frees the URL.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-app': ParleyApp;
  }
}
