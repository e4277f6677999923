/**
 * Every error code a person may meet, in words a person understands, in the app's language (the
 * words are looked up at each call, so a text made after a language change is in the new one). The
 * one place codes become text.
 */
import { msg, str } from '@lit/localize';
import { ErrorCode } from '../../../shared/errors.js';
import type { ErrorFrame } from '../../../shared/protocol.js';

export function errorText(code: ErrorCode, retryAfterMs?: number): string {
  switch (code) {
    case ErrorCode.BadCredentials:
      return msg('Wrong username or password.');
    case ErrorCode.UsernameTaken:
      return msg('That username is taken. Choose another one.');
    case ErrorCode.InvalidUsername:
      return msg('Usernames are 1–32 letters, digits, dots, dashes or underscores.');
    case ErrorCode.WeakPassword:
      return msg('Passwords need at least 8 characters.');
    case ErrorCode.TooManyAttempts: {
      const seconds = Math.max(1, Math.ceil((retryAfterMs ?? 60_000) / 1000));
      return msg(str`Too many failed attempts. Try again in ${seconds} seconds.`);
    }
    case ErrorCode.SessionExpired:
      // The server cannot tell these apart (an ended session leaves nothing behind), so all are named.
      return msg(
        'You are signed out: this account was signed out everywhere or its password changed, or the session expired. Please log in again.',
      );
    case ErrorCode.SessionReplaced:
      return msg('You signed in from another tab or browser, so this one has stopped.');
    case ErrorCode.ProtocolVersion:
      return msg('This page is out of date. Reload it to get the current version of Parley.');
    case ErrorCode.RateLimited:
      return msg('Slow down a little: too many requests.');
    case ErrorCode.TextTooLong:
      return msg('That message is too long (16 KB at most).');
    case ErrorCode.UnknownGroup:
      return msg('That group does not exist any more, or you are not in it.');
    case ErrorCode.InvalidGroupName:
      return msg('Group names are 1–64 characters.');
    case ErrorCode.UnknownUser:
      return msg('One of those people does not have an account.');
    case ErrorCode.GroupTooLarge:
      return msg('That is more people than a group can hold.');
    case ErrorCode.TooManyInvitations:
      return msg('Someone you named has too many invitations waiting. They need to answer some first.');
    case ErrorCode.TooManyGroups:
      return msg('You are in as many groups as one person can be. Leave one first.');
    case ErrorCode.NotAuthenticated:
    case ErrorCode.AlreadyAuthenticated:
    case ErrorCode.UnknownPeer:
    case ErrorCode.BadFrame:
    case ErrorCode.FrameTooLarge:
    case ErrorCode.ForbiddenConversation:
    case ErrorCode.BadRow:
    case ErrorCode.FileCorrupt:
    case ErrorCode.Unverified:
    case ErrorCode.GroupLogStale:
    case ErrorCode.GroupLogFull:
    case ErrorCode.Internal:
      return msg('Something went wrong. Please try again.');
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}

export function errorFrameText(frame: ErrorFrame): string {
  return errorText(frame.code, frame.retryAfterMs);
}

/**
 * An error about **Change password** or **Sign out everywhere**: the same words, except that a wrong
 * password there is the current one (no username was typed).
 */
export function accountErrorText(frame: ErrorFrame): string {
  if (frame.code === ErrorCode.BadCredentials) return msg('That is not your current password.');
  return errorFrameText(frame);
}

/** The server cannot be reached (no error code: the socket never opened). */
export function unreachableText(): string {
  return msg('Cannot reach the Parley server. Check your connection; Parley keeps trying.');
}
