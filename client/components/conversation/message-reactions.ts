import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, query, queryAll, state } from 'lit/decorators.js';
import type { ReactionSummary } from '../../app/conversations/reactions.js';
import { ReactionEvent } from '../events.js';

/** The emoji the **Add reaction** menu offers, with the words a tooltip shows. */
export const COMMON_REACTIONS: ReadonlyArray<{ emoji: string; label: () => string }> = [
  { emoji: '👍', label: () => msg('thumbs up') },
  { emoji: '❤️', label: () => msg('heart') },
  { emoji: '😂', label: () => msg('laughing') },
  { emoji: '😮', label: () => msg('surprised') },
  { emoji: '😢', label: () => msg('sad') },
  { emoji: '🙏', label: () => msg('thanks') },
  { emoji: '🎉', label: () => msg('celebrate') },
  { emoji: '👀', label: () => msg('looking') },
];

/**
 * One message's reactions: a button per emoji (`👍 2`, pressed when this user's is among them;
 * clicking toggles it) and **Add reaction**, which opens a menu of common emoji. The menu is a
 * roving-focus `menu`: arrows and Home/End move, Enter or Space choose, Escape closes and returns
 * focus to **Add reaction**.
 *
 * @fires reaction - `ReactionEvent`: a reaction was toggled or chosen from the menu.
 * @property messageId - The message reacted to.
 * @property reactions - Its reactions, one summary per emoji.
 */
@localized()
@customElement('message-reactions')
export class MessageReactions extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.25rem;
      margin-top: 0.25rem;
      position: relative;
    }
    button {
      min-width: var(--parley-touch-target, 0px);
      min-height: var(--parley-touch-target, 0px);
      font: inherit;
      color: inherit;
      cursor: pointer;
    }
    .reaction {
      display: inline-flex;
      align-items: center;
      gap: 0.25rem;
      padding: 0.05rem 0.45rem;
      border: 1px solid var(--parley-popup-border);
      border-radius: var(--parley-radius-pill);
      background: var(--parley-background);
      font-size: var(--parley-font-small);
      line-height: 1.4;
    }
    .reaction[aria-pressed='true'] {
      border-color: var(--parley-accent);
      background: var(--parley-highlight);
      font-weight: 600;
    }
    .add {
      display: inline-flex;
      padding: 0.15rem 0.3rem;
      border: 1px solid transparent;
      border-radius: var(--parley-radius-pill);
      background: transparent;
      color: var(--parley-text-muted);
      opacity: 0.55;
    }
    .add:hover,
    .add:focus-visible,
    .add[aria-expanded='true'] {
      opacity: 1;
      border-color: var(--parley-popup-border);
      background: var(--parley-surface);
    }
    .add svg {
      width: 1.1rem;
      height: 1.1rem;
    }
    [role='menu'] {
      position: absolute;
      bottom: calc(100% + 0.25rem);
      left: 0;
      z-index: 2;
      display: flex;
      gap: 0.1rem;
      padding: 0.25rem;
      border: 1px solid var(--parley-popup-border);
      border-radius: var(--parley-radius-large);
      background: var(--parley-surface);
      box-shadow: var(--parley-shadow-popup);
    }
    [role='menuitem'] {
      padding: 0.2rem 0.3rem;
      border: 0;
      border-radius: var(--parley-radius);
      background: transparent;
      font-size: 1.3rem;
      line-height: 1;
    }
    [role='menuitem']:hover,
    [role='menuitem']:focus-visible {
      background: var(--parley-highlight);
      outline: 2px solid var(--parley-accent);
    }
  `;

  @property({ attribute: false }) messageId = '';
  @property({ attribute: false }) reactions: readonly ReactionSummary[] = [];

  @state() private menuOpen = false;
  @query('.add') private addButton!: HTMLButtonElement | null;
  @queryAll('[role="menuitem"]') private menuItems!: NodeListOf<HTMLButtonElement>;
  /** Where focus goes after the menu opened: the first item (keyboard Up: the last). */
  #focusOnOpen: 'first' | 'last' | null = null;

  override render() {
    return html`${this.reactions.map(
        (reaction) =>
          html`<button
            class="reaction"
            aria-pressed=${reaction.mine ? 'true' : 'false'}
            aria-label=${msg(str`${reaction.emoji} ${reaction.count}, react`)}
            title=${reaction.authors.join(', ')}
            @click=${() => this.#choose(reaction.emoji)}
          >
            <span>${reaction.emoji}</span><span>${reaction.count}</span>
          </button>`,
      )}<button
        class="add"
        aria-label=${msg('Add reaction')}
        title=${msg('Add reaction')}
        aria-haspopup="menu"
        aria-expanded=${this.menuOpen ? 'true' : 'false'}
        @click=${this.#toggleMenu}
        @keydown=${this.#onAddKey}
      >
        ${smileyPlus}
      </button>
      ${
        this.menuOpen
          ? html`<div
              role="menu"
              aria-label=${msg('Add reaction')}
              aria-orientation="horizontal"
              @keydown=${this.#onMenuKey}
              @focusout=${this.#onMenuFocusOut}
            >
              ${COMMON_REACTIONS.map(
                ({ emoji, label }, index) =>
                  html`<button
                    role="menuitem"
                    tabindex=${index === 0 ? 0 : -1}
                    title=${label()}
                    @click=${() => this.#chooseFromMenu(emoji)}
                  >
                    ${emoji}
                  </button>`,
              )}
            </div>`
          : nothing
      }`;
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('menuOpen') && this.menuOpen && this.#focusOnOpen) {
      const items = [...this.menuItems];
      (this.#focusOnOpen === 'last' ? items[items.length - 1] : items[0])?.focus();
      this.#focusOnOpen = null;
    }
  }

  #toggleMenu(): void {
    this.#focusOnOpen = 'first';
    this.menuOpen = !this.menuOpen;
  }

  readonly #onAddKey = (event: KeyboardEvent): void => {
    // The menu button pattern: Down/Up open the menu on its first/last item.
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    this.#focusOnOpen = event.key === 'ArrowDown' ? 'first' : 'last';
    this.menuOpen = true;
  };

  readonly #onMenuKey = (event: KeyboardEvent): void => {
    const items = [...this.menuItems];
    const at = items.findIndex((item) => item === this.shadowRoot?.activeElement);
    const move = (index: number): void => {
      event.preventDefault();
      const next = items[(index + items.length) % items.length];
      items.forEach((item) => (item.tabIndex = item === next ? 0 : -1));
      next?.focus();
    };
    switch (event.key) {
      case 'ArrowRight':
      case 'ArrowDown':
        return move(at + 1);
      case 'ArrowLeft':
      case 'ArrowUp':
        return move(at - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(items.length - 1);
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        this.#closeMenu(true);
        return;
      case 'Tab':
        this.menuOpen = false;
        return;
    }
  };

  readonly #onMenuFocusOut = (event: FocusEvent): void => {
    // Focus left the menu for somewhere else on the page (not another item): close it.
    const to = event.relatedTarget;
    if (to instanceof Node && this.shadowRoot?.querySelector('[role="menu"]')?.contains(to)) return;
    if (to === this.addButton) return;
    this.menuOpen = false;
  };

  #chooseFromMenu(emoji: string): void {
    this.#closeMenu(true);
    this.#choose(emoji);
  }

  #closeMenu(refocus: boolean): void {
    this.menuOpen = false;
    if (refocus) this.addButton?.focus();
  }

  #choose(emoji: string): void {
    this.dispatchEvent(new ReactionEvent(this.messageId, emoji));
  }
}

/** A smiling face with a plus: drawn, not text, so the button adds no characters to the message's text. */
const smileyPlus = html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
  <circle cx="10" cy="12" r="8" fill="none" stroke="currentColor" stroke-width="1.8" />
  <circle cx="7.5" cy="10" r="1.1" fill="currentColor" />
  <circle cx="12.5" cy="10" r="1.1" fill="currentColor" />
  <path d="M6.5 14.2a4.2 4.2 0 0 0 7 0" fill="none" stroke="currentColor" stroke-width="1.6" />
  <path d="M20 2v6M17 5h6" stroke="currentColor" stroke-width="1.8" />
</svg>`;

declare global {
  interface HTMLElementTagNameMap {
    'message-reactions': MessageReactions;
  }
}
