/** Every error code a person may meet, in words a person understands. The one place codes become text. */
import { ErrorCode } from '../../../shared/errors.js';
import type { ErrorFrame } from '../../../shared/protocol.js';

export function errorText(code: ErrorCode, retryAfterMs?: number): string {
  switch (code) {
    case ErrorCode.BadCredentials:
      return 'Wrong username or password.';
    case ErrorCode.UsernameTaken:
      return 'That username is taken. Choose another one.';
    case ErrorCode.InvalidUsername:
      return 'Usernames are 1–32 letters, digits, dots, dashes or underscores.';
    case ErrorCode.WeakPassword:
      return 'Passwords need at least 8 characters.';
    case ErrorCode.TooManyAttempts: {
      const seconds = Math.max(1, Math.ceil((retryAfterMs ?? 60_000) / 1000));
      return `Too many failed attempts. Try again in ${seconds} seconds.`;
    }
    case ErrorCode.SessionExpired:
      // The server cannot tell these apart (an ended session leaves nothing behind), so all are named.
      return 'You are signed out: this account was signed out everywhere or its password changed, or the session expired. Please log in again.';
    case ErrorCode.SessionReplaced:
      return 'You signed in from another tab or browser, so this one has stopped.';
    case ErrorCode.ProtocolVersion:
      return 'This page is out of date. Reload it to get the current version of Parley.';
    case ErrorCode.RateLimited:
      return 'Slow down a little: too many requests.';
    case ErrorCode.TextTooLong:
      return 'That message is too long (16 KB at most).';
    case ErrorCode.UnknownGroup:
      return 'That group does not exist any more, or you are not in it.';
    case ErrorCode.InvalidGroupName:
      return 'Group names are 1–64 characters.';
    case ErrorCode.UnknownUser:
      return 'One of those people does not have an account.';
    case ErrorCode.GroupTooLarge:
      return 'That is more people than a group can hold.';
    case ErrorCode.TooManyInvitations:
      return 'Someone you named has too many invitations waiting. They need to answer some first.';
    case ErrorCode.TooManyGroups:
      return 'You are in as many groups as one person can be. Leave one first.';
    case ErrorCode.NotAuthenticated:
    case ErrorCode.AlreadyAuthenticated:
    case ErrorCode.UnknownPeer:
    case ErrorCode.BadFrame:
    case ErrorCode.FrameTooLarge:
    case ErrorCode.ForbiddenConversation:
    case ErrorCode.BadRow:
    case ErrorCode.FileCorrupt:
    case ErrorCode.Unverified:
    case ErrorCode.Internal:
      return 'Something went wrong. Please try again.';
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
  if (frame.code === ErrorCode.BadCredentials) return 'That is not your current password.';
  return errorFrameText(frame);
}

export const UNREACHABLE_TEXT = 'Cannot reach the Parley server. Check your connection; Parley keeps trying.';
