/**
 * Which theme its host shows: the person's remembered choice, else the system's
 * `prefers-color-scheme`, followed live. It sets the host's `theme` attribute (`light` | `dark`),
 * which `styles/tokens.ts` answers with its one dark override block, and the document's
 * `color-scheme`, so the canvas around the app (overscroll, the page behind dialogs) matches.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type ThemeChoice, loadThemeChoice, saveThemeChoice } from './preferences.js';

const SYSTEM_DARK = '(prefers-color-scheme: dark)';

export class ThemeController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  #choice: ThemeChoice | null = loadThemeChoice();
  #system: MediaQueryList | null = null;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  /** Whether the dark theme shows now. */
  get dark(): boolean {
    if (this.#choice) return this.#choice === 'dark';
    return this.#system?.matches ?? matchMedia(SYSTEM_DARK).matches;
  }

  /** The person pressed **Dark theme**: the other theme, remembered from now on. */
  toggle(): void {
    this.#choice = this.dark ? 'light' : 'dark';
    saveThemeChoice(this.#choice);
    this.#apply();
  }

  hostConnected(): void {
    this.#system = matchMedia(SYSTEM_DARK);
    this.#system.addEventListener('change', this.#apply);
    this.#apply();
  }

  hostDisconnected(): void {
    this.#system?.removeEventListener('change', this.#apply);
    this.#system = null;
  }

  readonly #apply = (): void => {
    const theme = this.dark ? 'dark' : 'light';
    this.#host.setAttribute('theme', theme);
    document.documentElement.style.colorScheme = theme;
    this.#host.requestUpdate();
  };
}
