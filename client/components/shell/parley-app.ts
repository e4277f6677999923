import { localized, msg } from '@lit/localize';
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { groupIdOf } from '../../../shared/peer-protocol.js';
import type { AppStore } from '../../app/session/app-store.js';
import type { Messenger, OpenConversationView } from '../../app/messenger.js';
import type { AppUpdates } from '../../pwa/app-updates.js';
import '../account/account-dialog.js';
import '../conversation/conversation-view.js';
import type { ConversationView } from '../conversation/conversation-view.js';
import '../sidebar/group-dialog.js';
import '../sidebar/history-panel.js';
import type { HistoryPort } from '../sidebar/history-panel.js';
import '../sidebar/message-search.js';
import '../sidebar/user-list.js';
import { searchFieldStyles } from '../sidebar/search-field.styles.js';
import { buttonStyles } from '../styles/buttons.js';
import { tokens } from '../styles/tokens.js';
import { type AppCommandEvent, type Shell, listenForCommands } from './app-commands.js';
import './connection-notice.js';
import './insecure-notice.js';
import './language-select.js';
import './notification-prompt.js';
import { parleyAppStyles } from './parley-app.styles.js';
import './sign-in-form.js';
import { StoreController } from './store-controller.js';
import { TabTitle } from './tab-title.js';
import { ThemeController } from './theme-controller.js';
import { ViewportHeightController } from './viewport-height.js';
import './update-notice.js';

/** How often the tab title may change at most. */
const TITLE_INTERVAL_MS = 1000;

/**
 * The whole app: the sign-in screen, or the people and group lists beside the open conversation
 * (at phone width one of the two: the lists, or the open conversation with **Back**). It sets the
 * design tokens (`styles/tokens.ts`) and the theme (**Dark theme**, `theme-controller.ts`) for
 * everything inside it, and answers the typed events of the elements inside with the commands of
 * `app-commands.ts`. Its footer says which build runs; a newer one waiting shows `<update-notice>`.
 *
 * @property store - The tab's `AppStore`; nothing renders without one.
 * @property updates - The service worker's builds (`client/pwa/app-updates.ts`); null for none.
 */
@localized()
@customElement('parley-app')
export class ParleyApp extends LitElement {
  static override styles = [tokens, buttonStyles, searchFieldStyles, parleyAppStyles];

  @property({ attribute: false }) store: AppStore | null = null;
  @property({ attribute: false }) updates: AppUpdates | null = null;

  /** Which group dialog is open. */
  @state() private dialog: 'create' | 'add' | null = null;
  /** Why the dialog's last command failed. */
  @state() private dialogError: string | null = null;
  /** What **Find people** holds: filters **Online users** and **Contacts**. */
  @state() private peopleFilter = '';
  #awaitingGroup = false;
  #visibilityToldTo: Messenger | null = null;
  #stopCommands: (() => void) | null = null;

  /** The unread total in the tab title, written at most once a second (tab-title.ts). */
  readonly #title = new TabTitle(document, TITLE_INTERVAL_MS);
  readonly #controller = new StoreController(this);
  readonly #updatesController = new StoreController(this);
  readonly #theme = new ThemeController(this);
  @query('conversation-view') private conversationView?: ConversationView;

  /** What the commands may use of this element (see `Shell`); none before there is a store. */
  readonly #shell = (): Shell | null => {
    const store = this.store;
    if (!store) return null;
    return {
      store,
      showDialog: (dialog) => this.#showDialog(dialog),
      awaitGroupAnswer: (sent) => {
        this.#awaitingGroup = true;
        if (!sent) this.requestUpdate();
      },
      focusConversation: async () => {
        await this.updateComplete;
        this.conversationView?.focus();
      },
      reloadApp: () => (this.updates ? this.updates.reload() : location.reload()),
    };
  };

  /** **Search messages** asks the messenger of the moment (a new sign-in brings a new one). */
  readonly #search = (query: string) => this.store?.messenger?.history.search(query) ?? Promise.resolve([]);

  /** **Export history** / **Import history**, through the messenger of the moment. */
  readonly #history: HistoryPort = {
    export: (passphrase) => this.#requireMessenger().history.export(passphrase),
    import: (file, passphrase) => this.#requireMessenger().history.import(file, passphrase),
  };

  #requireMessenger(): Messenger {
    const messenger = this.store?.messenger;
    if (!messenger) throw new TypeError('not signed in');
    return messenger;
  }

  constructor() {
    super();
    // Registers itself with this element: it follows the visual viewport while connected.
    new ViewportHeightController(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#stopCommands = listenForCommands(this, this.#shell, commandFailed);
    document.addEventListener('visibilitychange', this.#onVisibility);
    // A file dropped beside the conversation (on the lists, say) must not make the browser open it
    // and leave the app; the conversation view takes drops on itself before this sees them.
    window.addEventListener('dragover', this.#refuseFileDrop);
    window.addEventListener('drop', this.#refuseFileDrop);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopCommands?.();
    this.#stopCommands = null;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#title.stop();
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
    this.#updatesController.observe(this.updates);
    // The dialog closes once the server has answered the command without an error.
    const request = this.store?.groups.request;
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
    const unread = this.store?.messenger?.lists.totalUnread ?? 0;
    this.#title.set(unread > 0 ? `(${unread}) Parley` : 'Parley');
  }

  override render() {
    const store = this.store;
    if (!store) return nothing;
    const auth = store.auth;
    switch (auth.kind) {
      case 'signed-out':
        return html`<div class="signed-out">
          <sign-in-form
            .error=${auth.error}
            .pending=${auth.pending}
            .notice=${auth.notice ?? null}
          ></sign-in-form>
          <connection-notice .status=${store.connection}></connection-notice>
          <insecure-notice></insecure-notice>
          ${this.#renderFooter()}
        </div>`;
      case 'ended':
        return html`<div class="signed-out">
          <div role="alert">
            <p>${auth.message}</p>
            <button @click=${() => store.reconnect()}>${msg('Use Parley in this tab')}</button>
          </div>
          ${this.#renderFooter()}
        </div>`;
      case 'signed-in':
        return this.#renderMain(store, auth.user);
    }
  }

  #renderMain(store: AppStore, user: string) {
    const messenger = store.messenger;
    const open = messenger?.openConversation ?? null;
    // At phone width the open conversation takes the whole screen (styles: `.conversation-open`).
    return html`<div class=${open ? 'main conversation-open' : 'main'}>
      <aside>
        <div class="me">
          <strong>${user}</strong>
          <account-dialog .user=${user} .request=${store.account.state}></account-dialog>
          <button @click=${() => store.logout()}>${msg('Log out')}</button>
        </div>
        <connection-notice .status=${store.connection} ?quietWhileConnecting=${false}></connection-notice>
        <insecure-notice></insecure-notice>
        ${
          messenger
            ? html`<notification-prompt
                permission=${messenger.notifications.permission}
              ></notification-prompt>`
            : nothing
        }
        ${messenger ? this.#renderLists(messenger, open?.conversation ?? null) : nothing}
        ${this.#renderFooter()}
      </aside>
      <main>
        ${
          open
            ? html`<conversation-view .conversation=${open}></conversation-view>`
            : html`<p class="placeholder">${msg('Choose someone to talk to.')}</p>`
        }
      </main>
      ${messenger ? this.#renderDialog(messenger, open) : nothing}
    </div>`;
  }

  /** The update notice, **Dark theme** and which build runs: on every screen. */
  #renderFooter() {
    const build = this.updates?.installedBuild;
    return html`<footer>
      <update-notice .build=${this.updates?.waitingBuild ?? null}></update-notice>
      <div class="about">
        <button
          class="small"
          aria-pressed=${this.#theme.dark ? 'true' : 'false'}
          @click=${() => this.#theme.toggle()}
        >
          ${msg('Dark theme')}
        </button>
        <language-select></language-select>
        <span>Parley${build ? html` · ${msg('build')} <code>${build}</code>` : nothing}</span>
      </div>
    </footer>`;
  }

  #renderLists(messenger: Messenger, selected: string | null) {
    const contacts = messenger.lists.offlineContacts;
    return html`
      <message-search .search=${this.#search}></message-search>
      <input
        type="search"
        class="find-people"
        aria-label=${msg('Find people')}
        placeholder=${msg('Find people')}
        .value=${this.peopleFilter}
        @input=${(event: Event) => (this.peopleFilter = (event.target as HTMLInputElement).value)}
      />
      <user-list
        label=${msg('Online users')}
        emptyText=${msg('No one else is online right now.')}
        .entries=${messenger.lists.people}
        .selected=${selected}
        .filter=${this.peopleFilter}
      ></user-list>
      ${
        contacts.length > 0
          ? html`<user-list
              label=${msg('Contacts')}
              .entries=${contacts}
              .selected=${selected}
              .filter=${this.peopleFilter}
            ></user-list>`
          : nothing
      }
      <user-list
        label=${msg('Groups')}
        .entries=${messenger.lists.groups}
        .selected=${selected}
        .markOffline=${false}
      ></user-list>
      <button class="new-group" @click=${() => this.#showDialog('create')}>${msg('New group')}</button>
      <history-panel .port=${this.#history}></history-panel>
    `;
  }

  #renderDialog(messenger: Messenger, open: OpenConversationView | null) {
    const group = this.dialog === 'add' && open?.kind === 'group' ? groupIdOf(open.conversation) : null;
    // Anyone this user knows of: online now, or talked to before.
    const known = [
      ...new Set([...messenger.lists.online, ...messenger.lists.offlineContacts.map((c) => c.name)]),
    ].sort();
    const people = group && open ? known.filter((name) => !open.members.includes(name)) : known;
    return html`<group-dialog
      mode=${group ? 'add' : 'create'}
      .group=${group}
      .people=${people}
      .error=${this.dialogError}
      ?open=${this.dialog !== null}
    ></group-dialog>`;
  }

  #showDialog(dialog: 'create' | 'add' | null): void {
    if (dialog) this.dialogError = null;
    this.dialog = dialog;
  }

  readonly #onVisibility = (): void => {
    void this.store?.messenger?.setVisible(document.visibilityState === 'visible');
  };
}

/** The one place a failed command ends up: the app goes on, the console says what failed. */
function commandFailed(command: AppCommandEvent, error: unknown): void {
  console.warn(`[parley] ${command} failed`, error);
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-app': ParleyApp;
  }
}
