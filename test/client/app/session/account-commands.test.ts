import { expect } from '@open-wc/testing';
import {
  AccountCommands,
  passwordChangedText,
  signedOutEverywhereText,
} from '../../../../client/app/session/account-commands.js';
import type { AppStore } from '../../../../client/app/session/app-store.js';
import { deleteAccountStore } from '../../../../client/storage/account-store.js';
import { clearPendingLogout, clearSession, loadSession } from '../../../../client/storage/session-token.js';
import { ErrorCode } from '../../../../shared/errors.js';
import type { ClientFrame, ErrorFrame } from '../../../../shared/protocol.js';
import { ServerSide, startStore, until, welcome } from './server-side.js';

const OLD = 'correct horse battery staple';
const NEW = 'tr0ub4dor & 3 more words';

/** Commands over a port that records what is sent; `online` decides whether sending works. */
function commands(online = true) {
  const sent: ClientFrame[] = [];
  let changes = 0;
  const account = new AccountCommands({
    send: (frame) => {
      if (online) sent.push(frame);
      return online;
    },
    changed: () => changes++,
  });
  return { account, sent, changes: () => changes };
}

/** The server's refusal of `ref`. */
function refusal(code: ErrorCode, ref: string, retryAfterMs?: number): ErrorFrame {
  return { type: 'error', code, message: 'refused', ref, ...(retryAfterMs ? { retryAfterMs } : {}) };
}

describe('AccountCommands', () => {
  it('sends a password change that passes the checks, and a welcome settles it', () => {
    const { account, sent, changes } = commands();
    expect(account.changePassword(OLD, NEW, NEW)).to.equal(true);
    expect(sent).to.deep.equal([{ type: 'change-password', oldPassword: OLD, newPassword: NEW }]);
    expect(account.state).to.deep.equal({ kind: 'pending', command: 'change-password' });
    expect(account.welcomed()).to.equal(true);
    expect(account.state).to.deep.equal({
      kind: 'done',
      command: 'change-password',
      text: passwordChangedText(),
    });
    expect(changes()).to.equal(2);
    // A later welcome (a reconnect) answers nothing.
    expect(account.welcomed()).to.equal(false);
  });

  const refused: Array<[string, [string, string, string], string, RegExp]> = [
    ['an empty current password', ['', NEW, NEW], 'current', /current password/i],
    ['a new password shorter than the server allows', [OLD, 'short', 'short'], 'new', /8 to 256 characters/],
    [
      'a new password longer than the server allows',
      [OLD, 'x'.repeat(257), 'x'.repeat(257)],
      'new',
      /8 to 256/,
    ],
    ['a new password equal to the current one', [OLD, OLD, OLD], 'new', /same as the current/],
    ['a confirmation that differs', [OLD, NEW, `${NEW}!`], 'confirm', /not the same/],
  ];
  for (const [what, [current, next, confirm], field, words] of refused) {
    it(`refuses ${what} without asking the server`, () => {
      const { account, sent } = commands();
      expect(account.changePassword(current, next, confirm)).to.equal(false);
      expect(sent).to.deep.equal([]);
      const state = account.state;
      expect(state.kind === 'error' && state.field).to.equal(field);
      expect(state.kind === 'error' && state.text).to.match(words);
    });
  }

  it('counts characters as the server does: eight emoji are a long enough password', () => {
    const { account, sent } = commands();
    const emoji = '🔑'.repeat(8);
    expect(account.changePassword(OLD, emoji, emoji)).to.equal(true);
    expect(sent).to.have.length(1);
  });

  it('says in words when the server refuses the current password, and which field it is', () => {
    const { account } = commands();
    account.changePassword(OLD, NEW, NEW);
    expect(account.failed(refusal(ErrorCode.BadCredentials, 'change-password'))).to.equal(true);
    expect(account.state).to.deep.equal({
      kind: 'error',
      command: 'change-password',
      text: 'That is not your current password.',
      field: 'current',
    });
  });

  it('says when to try again after too many wrong passwords', () => {
    const { account } = commands();
    account.changePassword(OLD, NEW, NEW);
    account.failed(refusal(ErrorCode.TooManyAttempts, 'change-password', 30_000));
    const state = account.state;
    expect(state.kind === 'error' && state.text).to.equal(
      'Too many failed attempts. Try again in 30 seconds.',
    );
  });

  it('takes only errors about the pending command', () => {
    const { account } = commands();
    account.signOutEverywhere();
    expect(account.failed(refusal(ErrorCode.UnknownGroup, 'group-add'))).to.equal(false);
    expect(account.state).to.deep.equal({ kind: 'pending', command: 'logout-everywhere' });
    expect(account.welcomed()).to.equal(false);
    expect(account.loggedOut()).to.equal(true);
    expect(account.state).to.deep.equal({ kind: 'idle' });
  });

  it('says nothing was changed when the server cannot be reached', () => {
    const { account, sent } = commands(false);
    expect(account.signOutEverywhere()).to.equal(false);
    expect(sent).to.deep.equal([]);
    const state = account.state;
    expect(state.kind === 'error' && state.text).to.match(
      /Cannot reach the Parley server, so nothing was changed/,
    );
  });

  it('fails a pending command when the connection drops, and sends no second one meanwhile', () => {
    const { account, sent } = commands();
    account.changePassword(OLD, NEW, NEW);
    expect(account.changePassword(OLD, NEW, NEW)).to.equal(false);
    expect(account.signOutEverywhere()).to.equal(false);
    expect(sent).to.have.length(1);
    account.connectionLost();
    const state = account.state;
    expect(state.kind === 'error' && state.text).to.match(/dropped before it answered/);
    expect(account.welcomed()).to.equal(false);
  });

  it('forgets a result when dismissed, but not a pending request', () => {
    const { account } = commands();
    account.changePassword('', NEW, NEW);
    account.dismiss();
    expect(account.state).to.deep.equal({ kind: 'idle' });
    account.signOutEverywhere();
    account.dismiss();
    expect(account.state.kind).to.equal('pending');
  });
});

describe('AppStore: the account commands', () => {
  let store: AppStore | null = null;
  let server: ServerSide;

  beforeEach(async () => {
    server = new ServerSide();
    store = await startStore(server);
    store.login('aurelia', OLD);
    server.say(welcome({ token: 'a'.repeat(32), online: ['bruno'] }));
    await until(store, () => store?.messenger !== null);
    server.sent.length = 0;
  });

  afterEach(async () => {
    store?.logout();
    store = null;
    clearSession();
    // The logout above is remembered until a server confirms it; none will.
    clearPendingLogout();
    await deleteAccountStore('aurelia');
  });

  it('keeps the session, under the new token, when the password changed', async () => {
    const messenger = store!.messenger;
    expect(store!.account.changePassword(OLD, NEW, NEW)).to.equal(true);
    expect(server.sent).to.deep.equal([{ type: 'change-password', oldPassword: OLD, newPassword: NEW }]);
    server.say(welcome({ token: 'b'.repeat(32) }));
    await until(store!, () => store!.account.state.kind === 'done');
    expect(store!.auth).to.deep.equal({ kind: 'signed-in', user: 'aurelia' });
    expect(store!.messenger, 'the same messenger goes on').to.equal(messenger);
    // Online throughout: who is online comes from the deltas, the welcome is not applied again.
    expect(messenger?.lists.online).to.deep.equal(['bruno']);
    expect(loadSession()?.token).to.equal('b'.repeat(32));
    // A reconnect resumes with the new token: the old one was revoked.
    server.drop();
    store!.reconnect();
    server.open();
    await server.sentCount(2);
    expect(server.sent.at(-1)).to.include({ type: 'resume', token: 'b'.repeat(32) });
  });

  it('stays signed in and explains a wrong current password', async () => {
    store!.account.changePassword('wrong password', NEW, NEW);
    server.say(refusal(ErrorCode.BadCredentials, 'change-password'));
    await until(store!, () => store!.account.state.kind === 'error');
    const state = store!.account.state;
    expect(state.kind === 'error' && state.text).to.equal('That is not your current password.');
    expect(store!.auth.kind).to.equal('signed-in');
    expect(loadSession()?.token).to.equal('a'.repeat(32));
  });

  it('signs out here, saying why, once the server ended every session', async () => {
    expect(store!.account.signOutEverywhere()).to.equal(true);
    expect(server.sent).to.deep.equal([{ type: 'logout-everywhere' }]);
    expect(store!.auth.kind, 'signed in until the server confirms').to.equal('signed-in');
    server.say({ type: 'logged-out' });
    await until(store!, () => store!.auth.kind === 'signed-out');
    expect(store!.auth).to.deep.equal({
      kind: 'signed-out',
      pending: null,
      error: null,
      notice: signedOutEverywhereText(),
    });
    expect(store!.messenger).to.equal(null);
    expect(loadSession()).to.equal(null);
    expect(store!.account.state).to.deep.equal({ kind: 'idle' });
  });

  it('stays signed in when the connection drops before the server confirmed', async () => {
    store!.account.signOutEverywhere();
    server.drop();
    await until(store!, () => store!.account.state.kind === 'error');
    expect(store!.auth.kind).to.equal('signed-in');
    expect(loadSession()?.token).to.equal('a'.repeat(32));
  });

  it('shows nothing of a command still pending when the session ends', () => {
    store!.account.changePassword(OLD, NEW, NEW);
    store!.logout();
    expect(store!.account.state).to.deep.equal({ kind: 'idle' });
  });

  it('sends nothing when the server is away', async () => {
    server.drop();
    expect(store!.account.signOutEverywhere()).to.equal(false);
    expect(server.sent).to.deep.equal([]);
    expect(store!.auth.kind).to.equal('signed-in');
  });
});
