import { expect, waitUntil } from '@open-wc/testing';
import type { AppStore } from '../../../../client/app/session/app-store.js';
import {
  type AppCommandEvent,
  type Shell,
  listenForCommands,
} from '../../../../client/components/shell/app-commands.js';
import {
  AppReloadEvent,
  ConversationCloseEvent,
  GroupActionEvent,
  MessageSendEvent,
  ReactionEvent,
  SignInEvent,
} from '../../../../client/components/events.js';
import { AccountActionEvent } from '../../../../client/components/account/account-dialog.js';

/** A shell over a store that records what it is asked; `send` fails as `sendFails` says. */
function recordingShell(sendFails: boolean) {
  const calls: string[] = [];
  const messenger = {
    openConversation: { kind: 'group', conversation: 'group:g0123456789abcdef01234567' },
    send: (text: string) => {
      calls.push(`send ${text}`);
      return sendFails ? Promise.reject(new Error('disk full')) : Promise.resolve();
    },
    closeConversation: () => calls.push('close'),
    react: () => {
      throw new TypeError('no message m1 is shown');
    },
  };
  const store = {
    messenger,
    login: (name: string) => calls.push(`login ${name}`),
    groups: { leave: (group: string) => calls.push(`leave ${group}`) },
    account: {
      changePassword: (current: string, next: string, confirm: string) =>
        calls.push(`change-password ${current} ${next} ${confirm}`),
      signOutEverywhere: () => calls.push('sign-out-everywhere'),
      dismiss: () => calls.push('dismiss'),
    },
  } as unknown as AppStore;
  const shell: Shell = {
    store,
    showDialog: (dialog) => calls.push(`dialog ${dialog}`),
    awaitGroupAnswer: () => undefined,
    focusConversation: () => Promise.resolve(),
    reloadApp: () => calls.push('reload'),
  };
  return { calls, shell };
}

describe('app commands', () => {
  it('runs the command of each typed event that reaches the target', () => {
    const { calls, shell } = recordingShell(false);
    const target = document.createElement('div');
    const stop = listenForCommands(
      target,
      () => shell,
      () => undefined,
    );
    target.dispatchEvent(new SignInEvent('login', 'alice', 'secret'));
    target.dispatchEvent(new MessageSendEvent('hi'));
    target.dispatchEvent(new GroupActionEvent('add-members'));
    target.dispatchEvent(new GroupActionEvent('leave-group'));
    target.dispatchEvent(new ConversationCloseEvent());
    target.dispatchEvent(new AppReloadEvent());
    stop();
    target.dispatchEvent(new MessageSendEvent('after stop'));
    expect(calls).to.deep.equal([
      'login alice',
      'send hi',
      'dialog add',
      'leave g0123456789abcdef01234567',
      'close',
      'reload',
    ]);
  });

  it('reports a command that rejects or throws, by event type, in one place', async () => {
    const { shell } = recordingShell(true);
    const target = document.createElement('div');
    const failures: [AppCommandEvent, string][] = [];
    listenForCommands(
      target,
      () => shell,
      (command, error) => failures.push([command, (error as Error).message]),
    );
    target.dispatchEvent(new MessageSendEvent('hi'));
    target.dispatchEvent(new ReactionEvent('m1', '👍'));
    await waitUntil(() => failures.length === 2, 'the failures were not reported');
    expect(failures).to.deep.include.members([
      ['message-send', 'disk full'],
      ['reaction', 'no message m1 is shown'],
    ]);
  });

  it('runs the account commands', () => {
    const { calls, shell } = recordingShell(false);
    const target = document.createElement('div');
    listenForCommands(
      target,
      () => shell,
      () => undefined,
    );
    target.dispatchEvent(new AccountActionEvent('dismiss'));
    target.dispatchEvent(
      new AccountActionEvent('change-password', { current: 'a', next: 'b', confirm: 'c' }),
    );
    target.dispatchEvent(new AccountActionEvent('sign-out-everywhere'));
    expect(calls).to.deep.equal(['dismiss', 'change-password a b c', 'sign-out-everywhere']);
  });

  it('drops events while there is no shell (no store yet)', () => {
    const target = document.createElement('div');
    const failures: unknown[] = [];
    listenForCommands(
      target,
      () => null,
      (_command, error) => failures.push(error),
    );
    target.dispatchEvent(new MessageSendEvent('hi'));
    expect(failures).to.deep.equal([]);
  });
});
