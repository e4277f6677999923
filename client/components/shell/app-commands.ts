/**
 * What each typed event from the components asks of the app: one command per event type, run by
 * `listenForCommands` with one error path. <parley-app> routes nothing itself; it lends the commands
 * a `Shell` (the store, and the few things that are its own UI state: which dialog is open, where the
 * focus goes).
 */
import { groupIdOf } from '../../../shared/peer-protocol.js';
import { riskyFileReason } from '../../app/files/risky-files.js';
import type { AppStore } from '../../app/session/app-store.js';
import { msg } from '@lit/localize';
import '../conversation/confirm-dialog.js';
import type { Question } from '../conversation/confirm-dialog.js';

/** What the commands may use of the shell. */
export interface Shell {
  readonly store: AppStore;
  /** Opens the New group (`create`) or Add members (`add`) dialog; null closes it. */
  showDialog(dialog: 'create' | 'add' | null): void;
  /** A group command went to the server (or could not): the dialog waits for its answer. */
  awaitGroupAnswer(sent: boolean): void;
  /** Moves the focus into the open conversation, once it has rendered. */
  focusConversation(): Promise<void>;
  /** Lets the waiting new build take over and reloads the page with it. */
  reloadApp(): void;
}

type Command<K extends keyof HTMLElementEventMap> = (
  event: HTMLElementEventMap[K],
  shell: Shell,
) => Promise<unknown> | void;

/** The events the shell answers, each with its command. A command's rejection is its failure. */
export const APP_COMMANDS = {
  'sign-in': (event, { store }) => {
    if (event.mode === 'login') store.login(event.username, event.password);
    else store.register(event.username, event.password);
  },
  'session-action': (event, { store }) => {
    if (event.action === 'reconnect') store.reconnect();
    else store.logout();
  },
  'conversation-select': async (event, shell) => {
    const at = event.at === undefined ? {} : { at: event.at };
    await shell.store.messenger?.selectConversation(event.conversation, at);
    await shell.focusConversation();
  },
  'app-reload': (_event, shell) => shell.reloadApp(),
  'conversation-close': (_event, { store }) => store.messenger?.closeConversation(),
  'message-send': (event, { store }) =>
    store.messenger?.send(event.text, event.replyTo === undefined ? {} : { replyTo: event.replyTo }),
  'message-edit': (event, { store }) => store.messenger?.edit(event.messageId, event.text),
  // Reply and Edit only prepare the composer (conversation-view.ts); Delete asks first: it cannot be
  // taken back, and it reaches everyone.
  'message-action': async (event, { store }) => {
    if (event.action !== 'delete') return;
    const question = {
      heading: msg('Delete for everyone?'),
      text: msg('The message is removed for everyone in this conversation. This cannot be undone.'),
      confirm: msg('Delete for everyone'),
    };
    if (await askFirst(question)) await store.messenger?.deleteForEveryone(event.messageId);
  },
  'message-typing': (event, { store }) => {
    const messenger = store.messenger;
    if (messenger?.openConversation?.conversation === event.conversation) messenger.typed();
  },
  'conversation-mute': (event, { store }) =>
    store.messenger?.notifications.setMuted(event.conversation, event.muted),
  'notifications-enable': (_event, { store }) => store.messenger?.notifications.enable(),
  'files-chosen': (event, { store }) => store.messenger?.sendFiles(event.files),
  'identity-action': (event, { store }) =>
    event.action === 'accept-new-key'
      ? store.messenger?.identity.acceptNewKey(event.peer)
      : store.messenger?.identity.markVerified(event.peer),
  'voice-recorded': (event, { store }) =>
    store.messenger?.sendVoice(event.blob, event.durationMs, event.peaks),
  reaction: (event, { store }) => store.messenger?.react(event.messageId, event.emoji),
  'messages-page': (event, { store }) => store.messenger?.loadPage(event.direction),
  'message-show': (event, { store }) => store.messenger?.showMessage(event.messageId),
  'file-action': async (event, { store }) => {
    const messenger = store.messenger;
    if (!messenger) return;
    switch (event.action) {
      case 'download':
        return messenger.files.download(event.id);
      case 'cancel':
        return messenger.files.cancel(event.id);
      case 'retry':
        return messenger.files.retry(event.id);
      case 'choose-again':
        return event.file ? messenger.files.chooseAgain(event.id, event.file) : undefined;
      case 'save': {
        const file = await messenger.files.toSave(event.id);
        if (file && (await confirmRiskySave(file.name))) download(file.blob, file.name);
        return;
      }
    }
  },
  'account-action': (event, { store }) => {
    const { passwords } = event;
    if (event.action === 'dismiss') store.account.dismiss();
    else if (event.action === 'sign-out-everywhere') store.account.signOutEverywhere();
    else if (passwords) store.account.changePassword(passwords.current, passwords.next, passwords.confirm);
  },
  'invitation-answer': (event, { store }) => {
    store.groups.answerInvitation(event.groupId, event.accept);
  },
  'group-action': (event, shell) => {
    switch (event.action) {
      case 'new-group':
        return shell.showDialog('create');
      case 'add-members':
        return shell.showDialog('add');
      case 'leave-group': {
        const open = shell.store.messenger?.openConversation;
        const group = open?.kind === 'group' ? groupIdOf(open.conversation) : null;
        if (group) shell.store.groups.leave(group);
        return;
      }
    }
  },
  'group-members': (event, shell) => {
    const sent = event.group
      ? shell.store.groups.addMembers(event.group, event.members)
      : shell.store.groups.create(event.name, event.members);
    shell.awaitGroupAnswer(sent);
  },
  'dialog-close': (_event, shell) => shell.showDialog(null),
} satisfies { [K in keyof HTMLElementEventMap]?: Command<K> };

export type AppCommandEvent = keyof typeof APP_COMMANDS;

/**
 * Runs the command of each event in `APP_COMMANDS` that reaches `target`, with the shell `shell()`
 * gives at that moment (none: the event is dropped), until the returned function is called. The one
 * error path: a command that throws or rejects is reported to `failed` with the event's type, and
 * the app goes on.
 */
export function listenForCommands(
  target: EventTarget,
  shell: () => Shell | null,
  failed: (command: AppCommandEvent, error: unknown) => void,
): () => void {
  const listeners = (Object.keys(APP_COMMANDS) as AppCommandEvent[]).map((type) => {
    const command = APP_COMMANDS[type] as Command<AppCommandEvent>;
    // Async, so that a command that throws fails the same way as one that rejects; it still
    // starts at once, while the event is being dispatched.
    const run = async (event: Event, to: Shell): Promise<unknown> =>
      command(event as HTMLElementEventMap[AppCommandEvent], to);
    const listener = (event: Event): void => {
      const to = shell();
      if (to) run(event, to).catch((error: unknown) => failed(type, error));
    };
    target.addEventListener(type, listener);
    return [type, listener] as const;
  });
  return () => {
    for (const [type, listener] of listeners) target.removeEventListener(type, listener);
  };
}

/**
 * Saves a Blob under `name` through a download link. The bytes stay where they are (IndexedDB or the
 * chosen file): the object URL only points at them. As `application/octet-stream`, so whatever type a
 * peer claimed, the browser saves the file rather than opening it.
 */
/** Whether to save `name`: at once for an ordinary file, after **Save anyway** for a dangerous one. */
async function confirmRiskySave(name: string): Promise<boolean> {
  const reason = riskyFileReason(name);
  if (reason === null) return true;
  return askFirst({ heading: msg('Save this file?'), text: reason, confirm: msg('Save anyway') });
}

/** Asks `question` in a modal dialog; true when the person went ahead. */
async function askFirst(question: Question): Promise<boolean> {
  // Its own element, in the document for as long as it asks: the shell keeps no state for it.
  const dialog = document.createElement('confirm-dialog');
  document.body.append(dialog);
  try {
    return await dialog.ask(question);
  } finally {
    dialog.remove();
  }
}

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
