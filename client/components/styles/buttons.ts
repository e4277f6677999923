/**
 * Parley's buttons, shared by the elements that include them in their `styles`: a plain bordered
 * button by default, and the variants `primary` (filled with the accent), `secondary` (outlined in
 * the accent), `small` (in headers and cards) and `icon` (a line icon, named by aria-label).
 */
import { css } from 'lit';

export const buttonStyles = css`
  button {
    padding: 0.45rem 0.7rem;
    font: inherit;
    border: 1px solid var(--parley-control-border);
    border-radius: var(--parley-radius);
    background: var(--parley-surface);
    color: var(--parley-text);
    cursor: pointer;
    /* 44 px at phone width (tokens.ts), nothing on a desktop. */
    min-width: var(--parley-touch-target, 0px);
    min-height: var(--parley-touch-target, 0px);
  }
  button.primary {
    border-color: var(--parley-accent);
    background: var(--parley-accent);
    color: var(--parley-on-accent);
  }
  button.secondary {
    border-color: var(--parley-accent);
    background: transparent;
    color: var(--parley-accent);
  }
  button.small {
    padding: 0.25rem 0.6rem;
    font-size: var(--parley-font-small);
  }
  button.icon {
    padding: 0.45rem 0.6rem;
    color: var(--parley-icon);
    line-height: 0;
  }
`;
