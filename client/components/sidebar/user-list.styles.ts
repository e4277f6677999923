import { css } from 'lit';

/**
 * `<user-list>`: the heading, the scroller (at most half the window) and the rows placed in its
 * spacer, the badges and an invitation's answers.
 */
export const userListStyles = css`
  :host {
    display: block;
  }
  h2 {
    margin: 1rem 0 0.4rem;
    font-size: var(--parley-font-x-small);
    text-transform: uppercase;
    letter-spacing: 0.05em;
    color: var(--parley-text-muted);
  }
  .scroller {
    /* Room for the other lists and controls of the sidebar beside thousands of people. */
    max-height: 50vh;
    overflow-y: auto;
  }
  ul {
    /* Its top padding is the spacer standing for every row; rows are placed within it. */
    position: relative;
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li.row {
    position: absolute;
    left: 0;
    right: 0;
  }
  li.row button:focus-visible {
    /* Inside the button: the scroller clips whatever is drawn beyond the rows. */
    outline-offset: -2px;
  }
  button {
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }
  .dot {
    width: 0.55rem;
    height: 0.55rem;
    border-radius: 50%;
    background: var(--parley-offline);
    flex: none;
  }
  .online .dot {
    background: var(--parley-online);
  }
  .name {
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .badge {
    min-width: 1.3rem;
    padding: 0 0.35rem;
    border-radius: 1rem;
    background: var(--parley-accent);
    color: var(--parley-on-accent);
    font-size: var(--parley-font-x-small);
    text-align: center;
  }
  .invitation {
    padding: 0.45rem 0.6rem;
  }
  .invitation .name {
    display: block;
    white-space: normal;
  }
  .answers {
    display: flex;
    gap: 0.4rem;
    margin-top: 0.3rem;
  }
  .answers button {
    width: auto;
    border: 1px solid var(--parley-border, currentColor);
  }
  .empty {
    margin: 0.3rem 0.6rem;
    color: var(--parley-text-faint);
    font-size: 0.9rem;
  }
`;
