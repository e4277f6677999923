/**
 * Username rules, shared by the server (which enforces them) and the client (which explains them early).
 * 1–32 characters after NFC normalization; letters, combining marks, digits, `.`, `_`, `-`; starting
 * with a letter or digit; nothing invisible, no compatibility forms (fullwidth, math bold), and one
 * script per name (UTS #39 "highly restrictive": Latin may mix with Han, kana or Hangul, as in
 * `alice张`). Names are unique without regard to case (`nameKey`); the server also refuses a name that
 * looks like an existing one (its confusable skeleton, see signaling/auth/name-skeleton.ts).
 */
export const USERNAME_MAX_LENGTH = 32;
export const PASSWORD_MIN_LENGTH = 8;
/** Generous, but bounded: scrypt of a megabyte password is a denial of service. */
export const PASSWORD_MAX_LENGTH = 256;

const USERNAME_PATTERN = /^[\p{L}\p{M}\p{Nd}._-]+$/u;
const STARTS_WITH_LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]/u;
/** Characters that render as nothing or reorder text around them: a name or group name never needs one. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/u;

/**
 * UTS #31's Recommended scripts (table 5): those in common modern use. A letter of any other script (a
 * historic one, or an invented lookalike set) is refused in names.
 */
const RECOMMENDED_SCRIPTS = [
  'Arabic',
  'Armenian',
  'Bengali',
  'Bopomofo',
  'Cyrillic',
  'Devanagari',
  'Ethiopic',
  'Georgian',
  'Greek',
  'Gujarati',
  'Gurmukhi',
  'Han',
  'Hangul',
  'Hebrew',
  'Hiragana',
  'Kannada',
  'Katakana',
  'Khmer',
  'Lao',
  'Latin',
  'Malayalam',
  'Myanmar',
  'Oriya',
  'Sinhala',
  'Tamil',
  'Telugu',
  'Thaana',
  'Thai',
  'Tibetan',
] as const;
const SCRIPT_PATTERNS = RECOMMENDED_SCRIPTS.map(
  (script) => [script, new RegExp(`\\p{Script_Extensions=${script}}`, 'u')] as const,
);
/** Digits, `.`, combining accents…: they belong to every script, so they never mix scripts. */
const ANY_SCRIPT = /^[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]$/u;
/** UTS #39's augmented script sets: the writing systems that combine Han with kana, Bopomofo or Hangul. */
const AUGMENT: Readonly<Record<string, readonly string[] | undefined>> = {
  Han: ['Jpan', 'Hanb', 'Kore'],
  Hiragana: ['Jpan'],
  Katakana: ['Jpan'],
  Bopomofo: ['Hanb'],
  Hangul: ['Kore'],
};
const CJK: readonly string[] = ['Jpan', 'Hanb', 'Kore'];

/** The augmented script set of one character, or null when it belongs to every script. */
function scriptsOf(char: string): Set<string> | null {
  if (ANY_SCRIPT.test(char)) return null;
  const scripts = new Set<string>();
  for (const [script, pattern] of SCRIPT_PATTERNS) {
    if (!pattern.test(char)) continue;
    scripts.add(script);
    for (const extra of AUGMENT[script] ?? []) scripts.add(extra);
  }
  return scripts;
}

/** The scripts every character of `chars` shares (all of them when none has a script of its own). */
function sharedScripts(chars: readonly string[]): Set<string> | 'any' {
  const sets = chars.map(scriptsOf).filter((scripts): scripts is Set<string> => scripts !== null);
  const [first, ...rest] = sets;
  if (!first) return 'any';
  return new Set([...first].filter((script) => rest.every((scripts) => scripts.has(script))));
}

/**
 * UTS #39 §5.2 "highly restrictive": every character from one script, or Latin plus one of Han+kana,
 * Han+Bopomofo or Han+Hangul. `hаlice` with a Cyrillic `а` is two scripts and fails; `闲聊`, `alice7`
 * and `alice张` pass.
 */
export function isSingleScript(name: string): boolean {
  const chars = [...name];
  if (chars.some((char) => scriptsOf(char)?.size === 0)) return false;
  const shared = sharedScripts(chars);
  if (shared === 'any' || shared.size > 0) return true;
  const rest = sharedScripts(chars.filter((char) => !scriptsOf(char)?.has('Latin')));
  return rest !== 'any' && CJK.some((script) => rest.has(script));
}

/** True when `text` holds a character that shows as nothing or reorders its surroundings. */
export function hasInvisible(text: string): boolean {
  return INVISIBLE.test(text);
}

/** Normalizes a typed name to the stored spelling (NFC, trimmed). */
export function normalizeUsername(raw: string): string {
  return raw.normalize('NFC').trim();
}

/** Returns why a (normalized) username is not allowed, or null when it is fine. */
export function usernameProblem(name: string): string | null {
  const length = [...name].length;
  if (length === 0) return 'Username is empty.';
  if (length > USERNAME_MAX_LENGTH) return `Username is longer than ${USERNAME_MAX_LENGTH} characters.`;
  if (hasInvisible(name)) return 'Username may not hold invisible characters.';
  if (!USERNAME_PATTERN.test(name)) return 'Username may only hold letters, digits, ".", "_" and "-".';
  if (!STARTS_WITH_LETTER_OR_DIGIT.test(name)) return 'Username must start with a letter or a digit.';
  if (name.normalize('NFKC') !== name.normalize('NFC'))
    return 'Username may not use fullwidth or styled letters.';
  if (!isSingleScript(name)) return 'Username may not mix letters of different scripts.';
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

/**
 * Why a (trimmed) group name is not allowed, or null. Any text goes, emoji included, but nothing that
 * reorders the text around it (bidi controls) and not a name that shows as nothing. Zero-width joiners
 * and variation selectors are allowed only inside an emoji sequence, where they are part of the picture.
 */
export function groupNameProblem(name: string): string | null {
  if (/\p{Bidi_Control}/u.test(name)) return 'A group name may not hold text-direction controls.';
  const withoutEmojiGlue = name.replace(
    /(?<=\p{Extended_Pictographic}|\p{Emoji_Modifier})(?:\u200d|\ufe0e|\ufe0f)/gu,
    '',
  );
  if (hasInvisible(withoutEmojiGlue)) return 'A group name may not hold invisible characters.';
  if (!/[^\p{White_Space}]/u.test(name)) return 'A group name may not be blank.';
  return null;
}
