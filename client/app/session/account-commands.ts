/**
 * The person's commands on their account: **Change password** and **Sign out everywhere**, each
 * checked here first (so a typo is explained without a round trip), then sent to the server and
 * matched to its answer. The session (`app-store.ts`) hands each answer in: a `welcome` on the same
 * connection answers `change-password`, `logged-out` answers `logout-everywhere`, and an `error`
 * names the command in `ref`. One request is shown at a time.
 */
import { msg, str } from '@lit/localize';
import { ErrorCode } from '../../../shared/errors.js';
import type { ClientFrame, ErrorFrame } from '../../../shared/protocol.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from '../../../shared/names.js';
import { accountErrorText } from './error-text.js';

export type AccountCommand = 'change-password' | 'logout-everywhere';

/** Which field of **Change password** an error is about, so it can be marked and focused. */
export type PasswordField = 'current' | 'new' | 'confirm';

export type AccountRequest =
  | { kind: 'idle' }
  | { kind: 'pending'; command: AccountCommand }
  | { kind: 'error'; command: AccountCommand; text: string; field: PasswordField | null }
  | { kind: 'done'; command: 'change-password'; text: string };

/** What the commands need of the session. */
export interface AccountPort {
  /** Sends on the signaling socket; false when it is not open. */
  send(frame: ClientFrame): boolean;
  /** Something the person sees changed. */
  changed(): void;
}

// Functions, not constants: each text is looked up in the language of the moment it is shown.
export const passwordChangedText = (): string =>
  msg('Your password has changed. Every other session of your account has ended; this one stays signed in.');
export const signedOutEverywhereText = (): string =>
  msg(
    'You signed out everywhere: every session of your account has ended, on every device. Log in again to continue.',
  );
const offlineText = (): string =>
  msg('Cannot reach the Parley server, so nothing was changed. Try again once Parley is connected.');
const droppedText = (): string =>
  msg(
    'The connection to the server dropped before it answered. Check whether it took effect, or try again once Parley is connected.',
  );

const IDLE: AccountRequest = { kind: 'idle' };

export class AccountCommands {
  readonly #port: AccountPort;
  #state: AccountRequest = IDLE;

  constructor(port: AccountPort) {
    this.#port = port;
  }

  /** The last command: waiting for the server, failed (with words why), or done (with words). */
  get state(): AccountRequest {
    return this.#state;
  }

  /**
   * Sets a new password. `confirm` must repeat `next`; `next` follows the same length rules as a
   * new account's password. Returns whether the request went to the server.
   */
  changePassword(current: string, next: string, confirm: string): boolean {
    if (this.#state.kind === 'pending') return false;
    const problem = checkNewPassword(current, next, confirm);
    if (problem) return this.#fail('change-password', problem.text, problem.field);
    return this.#send({ type: 'change-password', oldPassword: current, newPassword: next });
  }

  /** Ends every session of the account, this one included (after the person confirmed it). */
  signOutEverywhere(): boolean {
    if (this.#state.kind === 'pending') return false;
    return this.#send({ type: 'logout-everywhere' });
  }

  /** Forgets the last result (the Account dialog opened afresh); a pending request stays. */
  dismiss(): void {
    if (this.#state.kind === 'pending' || this.#state.kind === 'idle') return;
    this.#set(IDLE);
  }

  // ── answers, from the session ──────────────────────────────────────────────────────────────────

  /** A `welcome` arrived on the connection: true when it answers the pending password change. */
  welcomed(): boolean {
    if (!this.#pending('change-password')) return false;
    this.#set({ kind: 'done', command: 'change-password', text: passwordChangedText() });
    return true;
  }

  /** `logged-out` arrived: true when it answers the pending sign-out everywhere. */
  loggedOut(): boolean {
    if (!this.#pending('logout-everywhere')) return false;
    this.#set(IDLE);
    return true;
  }

  /** An error frame: true when it answers the pending command (its `ref`). */
  failed(frame: ErrorFrame): boolean {
    if (this.#state.kind !== 'pending' || frame.ref !== this.#state.command) return false;
    const field = frame.ref === 'change-password' ? fieldOf(frame) : null;
    this.#fail(this.#state.command, accountErrorText(frame), field);
    return true;
  }

  /** The socket closed: an answer that has not come never will. */
  connectionLost(): void {
    if (this.#state.kind !== 'pending') return;
    this.#fail(this.#state.command, droppedText(), null);
  }

  /** The session ended: nothing of it is shown to whoever signs in next. */
  reset(): void {
    this.#state = IDLE;
  }

  #pending(command: AccountCommand): boolean {
    return this.#state.kind === 'pending' && this.#state.command === command;
  }

  #send(frame: Extract<ClientFrame, { type: AccountCommand }>): boolean {
    if (!this.#port.send(frame)) return this.#fail(frame.type, offlineText(), null);
    this.#set({ kind: 'pending', command: frame.type });
    return true;
  }

  #fail(command: AccountCommand, text: string, field: PasswordField | null): false {
    this.#set({ kind: 'error', command, text, field });
    return false;
  }

  #set(state: AccountRequest): void {
    this.#state = state;
    this.#port.changed();
  }
}

/** What is wrong with a password change before it is sent, or null. */
function checkNewPassword(
  current: string,
  next: string,
  confirm: string,
): { text: string; field: PasswordField } | null {
  if (current === '') return { text: msg('Enter your current password.'), field: 'current' };
  // The rule is the server's (shared/names.ts); the words name the field they are about.
  if (passwordProblem(next) !== null) {
    return {
      text: msg(str`The new password needs ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`),
      field: 'new',
    };
  }
  if (next === current)
    return { text: msg('The new password is the same as the current one.'), field: 'new' };
  if (confirm !== next) {
    return { text: msg('The two new passwords are not the same. Type the new one again.'), field: 'confirm' };
  }
  return null;
}

/** The field a server's refusal is about: a wrong current password, or a new one it will not take. */
function fieldOf(frame: ErrorFrame): PasswordField | null {
  if (frame.code === ErrorCode.BadCredentials) return 'current';
  if (frame.code === ErrorCode.WeakPassword) return 'new';
  return null;
}
