/**
 * The `:shortcode:` completion of a text box, as a reactive controller (lit.dev's controller shape):
 * typing `:ro` offers the emoji whose shortcodes start so in a listbox **Emoji suggestions**; arrows
 * move, Enter or Tab takes one, Escape dismisses; typing a whole `:rocket:` turns it into the emoji.
 * The host renders `render()` beside its box, binds `controls` and `activeDescendant` to the box's
 * `aria-controls` and `aria-activedescendant`, and forwards the box's input, key and blur events.
 */
import { msg } from '@lit/localize';
import { css, html, nothing } from 'lit';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type ShortcodeMatch, findShortcodes, shortcodeBeforeCaret } from './emoji-data.js';

/** What the host lends the completion. */
export interface ShortcodeCompletionOptions {
  /** The text box it completes in. */
  readonly box: () => HTMLTextAreaElement;
  /** Where the emoji data comes from. */
  readonly dataSource: () => string;
  /** Puts `text` in the box in place of `range` (on the box's undo stack, firing `input`). */
  readonly insert: (text: string, range: { start: number; end: number }) => void;
}

/** The completions on offer. */
interface Offer {
  /** Where the `:` is in the text. */
  readonly start: number;
  readonly matches: readonly ShortcodeMatch[];
  readonly active: number;
  /**
   * The matches answer an earlier prefix, narrowed to those that still fit, while the look-up of
   * the current one is under way (the listbox says `aria-busy` meanwhile).
   */
  readonly stale: boolean;
}

export const shortcodeCompletionStyles = css`
  [role='listbox'] {
    position: absolute;
    bottom: calc(100% + 0.3rem);
    left: 0;
    z-index: 1;
    min-width: 14rem;
    max-width: 100%;
    margin: 0;
    padding: 0.25rem;
    list-style: none;
    background: var(--parley-surface);
    border: 1px solid var(--parley-popup-border);
    border-radius: var(--parley-radius);
    box-shadow: var(--parley-shadow-popup);
  }
  [role='option'] {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    padding: 0.25rem 0.5rem;
    border-radius: var(--parley-radius-small);
    cursor: pointer;
  }
  [role='option'][aria-selected='true'] {
    background: var(--parley-highlight);
  }
  [role='option'] .glyph {
    font-size: 1.25rem;
    line-height: 1;
  }
`;

export class ShortcodeCompletion implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #options: ShortcodeCompletionOptions;
  #offer: Offer | null = null;
  /** Counts look-ups, so that an answer to anything but the latest one is dropped. */
  #lookup = 0;

  constructor(host: ReactiveControllerHost, options: ShortcodeCompletionOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.close();
  }

  /** Whether completions are on offer (then Enter takes one instead of sending). */
  get open(): boolean {
    return this.#offer !== null;
  }

  /** The box's `aria-controls`. */
  get controls(): string | typeof nothing {
    return this.#offer ? 'completions' : nothing;
  }

  /** The box's `aria-activedescendant`. */
  get activeDescendant(): string | typeof nothing {
    return this.#offer ? `completion-${this.#offer.active}` : nothing;
  }

  render() {
    const offer = this.#offer;
    if (!offer) return nothing;
    return html`<ul
      id="completions"
      role="listbox"
      aria-label=${msg('Emoji suggestions')}
      aria-busy=${offer.stale ? 'true' : nothing}
    >
      ${offer.matches.map(
        (match, index) =>
          html`<li
            id=${`completion-${index}`}
            role="option"
            aria-selected=${index === offer.active}
            aria-label=${`:${match.shortcode}:`}
            title=${match.name}
            @mousedown=${(event: MouseEvent) => event.preventDefault()}
            @click=${() => this.#take(match)}
          >
            <span class="glyph" aria-hidden="true">${match.emoji}</span><span>:${match.shortcode}:</span>
          </li>`,
      )}
    </ul>`;
  }

  /** Withdraws the offer; an answer still under way is dropped. */
  close(): void {
    this.#lookup += 1;
    this.#set(null);
  }

  /** The box's text changed; `typed` is what the input event inserted (`:` may close a shortcode). */
  onInput(typed: string | null): void {
    void this.#lookUp(typed === ':');
  }

  /** Arrows, Enter, Tab and Escape while completions are offered; true when the key was used. */
  onKeyDown(event: KeyboardEvent): boolean {
    const offer = this.#offer;
    if (!offer || event.altKey || event.ctrlKey || event.metaKey) return false;
    const count = offer.matches.length;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.#set({ ...offer, active: (offer.active + step + count) % count });
        break;
      }
      case 'Enter':
      case 'Tab': {
        if (event.shiftKey) return false;
        const match = offer.matches[offer.active];
        if (match) this.#take(match);
        break;
      }
      case 'Escape':
        this.close();
        break;
      default:
        return false;
    }
    event.preventDefault();
    // Escape here closes the suggestions, not whatever dialog or view holds the box.
    event.stopPropagation();
    return true;
  }

  /** The box lost the focus: a click on a suggestion keeps it (its mousedown is cancelled). */
  onBlur(event: FocusEvent, root: ShadowRoot | null): void {
    if (event.relatedTarget === null || !root?.contains(event.relatedTarget as Node)) this.close();
  }

  #take(match: ShortcodeMatch): void {
    const offer = this.#offer;
    this.close();
    if (!offer) return;
    this.#options.insert(match.emoji, { start: offer.start, end: this.#options.box().selectionEnd });
  }

  #set(offer: Offer | null): void {
    this.#offer = offer;
    this.#host.requestUpdate();
  }

  /**
   * Offers completions for the `:prefix` before the caret; when the person just typed the closing
   * colon of a whole shortcode (`:rocket:`), replaces it with the emoji.
   */
  async #lookUp(closingColon: boolean): Promise<void> {
    const lookup = ++this.#lookup;
    const box = this.#options.box();
    const caret = box.selectionEnd;
    if (box.selectionStart !== caret) return this.#set(null);
    const closed = closingColon ? shortcodeBeforeCaret(box.value, caret - 1) : null;
    const target = closed ?? shortcodeBeforeCaret(box.value, caret);
    if (!target) return this.#set(null);
    // Until the answer comes, what is on offer shrinks to what still fits: an answer to an earlier
    // keystroke (`:ro` offers 🤣 :rofl:) must not stay on offer for the text now typed (`:rock`).
    this.#narrow(target);
    let matches: ShortcodeMatch[];
    try {
      matches = await findShortcodes(target.prefix, { dataSource: this.#options.dataSource() });
    } catch (error) {
      // No data (say, the server is away): no suggestions, and typing goes on as before.
      console.warn('emoji shortcodes unavailable', error);
      matches = [];
    }
    // Anything typed, sent or dismissed meanwhile made this answer stale.
    if (lookup !== this.#lookup || box.selectionEnd !== caret) return;
    if (closed) {
      this.#set(null);
      const exact = matches[0];
      if (exact && exact.shortcode.toLowerCase() === closed.prefix.toLowerCase()) {
        this.#options.insert(exact.emoji, { start: closed.start, end: caret });
      }
      return;
    }
    if (matches.length === 0) return this.#set(null);
    // The highlight stays on the suggestion it was on, if the answer still offers it.
    const highlighted = this.#offer?.matches[this.#offer.active]?.shortcode;
    const active = Math.max(
      0,
      matches.findIndex((match) => match.shortcode === highlighted),
    );
    this.#set({ start: target.start, matches, active, stale: false });
  }

  #narrow(target: { start: number; prefix: string }): void {
    const offer = this.#offer;
    if (!offer) return;
    const wanted = target.prefix.toLowerCase();
    const highlighted = offer.matches[offer.active];
    const matches = offer.matches.filter((match) => match.shortcode.toLowerCase().startsWith(wanted));
    if (matches.length === 0) return this.#set(null);
    const active = highlighted ? Math.max(0, matches.indexOf(highlighted)) : 0;
    this.#set({ start: target.start, matches, active, stale: true });
  }
}
