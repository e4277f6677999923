/**
 * The remembered login: the server's session token and the user it belongs to, kept in
 * localStorage so a reload resumes without asking for the password again.
 */
import * as z from 'zod';
import { ChatMessage } from '../../shared/peer-protocol.js';

/** The localStorage key. One remembered session per browser profile: the last account signed in. */
export const SESSION_STORAGE_KEY = 'parley:session';

/** What `saveSession` keeps and `loadSession` gives back. */
export interface RememberedSession {
  /** The account, spelled as the server spells it. */
  user: string;
  /** Sent back with `resume`; opaque to the client. */
  token: string;
  /** When the server stops accepting the token (ms since epoch). */
  expiresAt: number;
}

// Same bounds as the server's `welcome` frame (shared/protocol.ts).
const RememberedSession: z.ZodType<RememberedSession> = z.strictObject({
  user: ChatMessage.shape.author,
  token: z.string().min(1).max(256),
  expiresAt: z.number(),
});

/**
 * Remembers a session. Returns false when the browser refuses storage (disabled, full, or a
 * private mode): the user then signs in again after a reload, which is no reason to fail here.
 */
export function saveSession(session: RememberedSession): boolean {
  const { user, token, expiresAt } = session;
  try {
    localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify({ user, token, expiresAt }));
    return true;
  } catch {
    return false;
  }
}

/**
 * The remembered session, or null when there is none or what is stored is not one (damaged, or
 * written by something else): a bad value means "signed out", never a crash. Expiry is not checked
 * here; the caller decides what an expired session is still good for.
 */
export function loadSession(): RememberedSession | null {
  let raw: string | null;
  try {
    raw = localStorage.getItem(SESSION_STORAGE_KEY);
  } catch {
    return null;
  }
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const result = RememberedSession.safeParse(value);
  return result.success ? result.data : null;
}

/** Forgets the remembered session (sign-out, or the server said it expired). */
export function clearSession(): void {
  try {
    localStorage.removeItem(SESSION_STORAGE_KEY);
  } catch {
    // Storage is unavailable, so there is nothing remembered to forget.
  }
}

/** The localStorage key of a sign-out the server has not confirmed yet: the token to revoke. */
export const PENDING_LOGOUT_KEY = 'parley:pending-logout';

/**
 * Remembers that `token` must still be revoked: the person signed out, but the server has not said
 * `logged-out` (it was unreachable, or the answer was lost). Sent again on the next connection.
 */
export function savePendingLogout(token: string): void {
  try {
    localStorage.setItem(PENDING_LOGOUT_KEY, token);
  } catch {
    // Storage is unavailable: the token is forgotten with the page, and expires on the server.
  }
}

/** The token of a sign-out not yet confirmed, or null. */
export function loadPendingLogout(): string | null {
  try {
    const token = localStorage.getItem(PENDING_LOGOUT_KEY);
    return token !== null && token.length > 0 && token.length <= 256 ? token : null;
  } catch {
    return null;
  }
}

/** The server confirmed the sign-out (or the token was dead already): nothing is left to revoke. */
export function clearPendingLogout(): void {
  try {
    localStorage.removeItem(PENDING_LOGOUT_KEY);
  } catch {
    // Nothing stored, nothing to forget.
  }
}
