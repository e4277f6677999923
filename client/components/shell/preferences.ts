/**
 * What this browser remembers of the person's choices about the app's looks, in localStorage. Kept
 * in the component layer because only the UI reads it; the app's state (client/app) knows nothing of
 * themes. Storage may be unavailable (a privacy mode, a full quota): then nothing is remembered and
 * nothing fails.
 */

export type ThemeChoice = 'light' | 'dark';

const THEME_KEY = 'parley.theme';

/** The theme chosen with **Dark theme**, or null to follow the system. */
export function loadThemeChoice(): ThemeChoice | null {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}

export function saveThemeChoice(choice: ThemeChoice): void {
  try {
    localStorage.setItem(THEME_KEY, choice);
  } catch {
    // Not remembered: the choice holds for this page only.
  }
}
