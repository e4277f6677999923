/**
 * Username rules, shared by the server (which enforces them) and the client (which explains them early).
 * 1–32 characters after NFC normalization; letters of any script, combining marks, digits, `.`, `_`, `-`.
 * Names are unique without regard to case: `nameKey` is the form compared.
 */
export const USERNAME_MAX_LENGTH = 32;
export const PASSWORD_MIN_LENGTH = 8;
/** Generous, but bounded: scrypt of a megabyte password is a denial of service. */
export const PASSWORD_MAX_LENGTH = 256;

const USERNAME_PATTERN = /^[\p{L}\p{M}\p{Nd}._-]+$/u;

/** Normalizes a typed name to the stored spelling (NFC, trimmed). */
export function normalizeUsername(raw: string): string {
  return raw.normalize('NFC').trim();
}

/** Returns why a (normalized) username is not allowed, or null when it is fine. */
export function usernameProblem(name: string): string | null {
  const length = [...name].length;
  if (length === 0) return 'Username is empty.';
  if (length > USERNAME_MAX_LENGTH) return `Username is longer than ${USERNAME_MAX_LENGTH} characters.`;
  if (!USERNAME_PATTERN.test(name)) return 'Username may only hold letters, digits, ".", "_" and "-".';
  return null;
}

/** Returns why a password is not allowed, or null when it is fine. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}

/** The case-insensitive key under which a name is unique. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase().normalize('NFC');
}
