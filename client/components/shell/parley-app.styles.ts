import { css } from 'lit';
import { phoneWidth } from '../styles/tokens.js';

export const parleyAppStyles = css`
  :host {
    /* A block formatting context of its own: the sign-in card's top margin stays inside the app
       instead of collapsing through it and leaving a band of the page's own white above it. */
    display: flow-root;
    box-sizing: border-box;
    /* The visual viewport's height where the browser does not shrink the layout for the on-screen
       keyboard (viewport-height.ts), else the page's. */
    height: var(--parley-viewport-height, 100%);
    font-family: var(--parley-font);
    color: var(--parley-text);
    background: var(--parley-background);
  }
  .main {
    display: grid;
    grid-template-columns: minmax(14rem, 18rem) 1fr;
    height: 100%;
  }
  aside {
    display: flex;
    flex-direction: column;
    padding: var(--parley-space-medium);
    overflow-y: auto;
    border-right: 1px solid var(--parley-divider);
    background: var(--parley-sidebar);
  }
  .me {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--parley-space-small);
  }
  .me strong {
    /* Pushes **Account** and **Log out** together to the end. */
    margin-right: auto;
    font-size: 1.1rem;
    overflow-wrap: anywhere;
  }
  .me button {
    padding: 0.3rem 0.7rem;
  }
  group-dialog {
    /* Its dialog lives in the top layer; the element itself must not take a grid cell. */
    position: absolute;
  }
  button.new-group {
    margin-top: 0.6rem;
    width: 100%;
    padding: 0.4rem;
    border: 1px dashed var(--parley-text-faint);
    background: transparent;
  }
  main {
    min-width: 0;
    min-height: 0;
    height: 100%;
  }
  .placeholder {
    display: grid;
    place-items: center;
    height: 100%;
    margin: 0;
    color: var(--parley-text-faint);
  }
  .signed-out {
    max-width: 26rem;
    margin: 0 auto;
    padding: 0 var(--parley-space-medium) var(--parley-space-medium);
  }
  [role='alert'] {
    margin: 4rem 0 var(--parley-space-medium);
    padding: var(--parley-space-large);
    border-radius: var(--parley-radius-large);
    background: var(--parley-surface);
    box-shadow: var(--parley-shadow-raised);
  }
  footer {
    /* At the bottom of the lists, however short they are. */
    margin-top: auto;
    padding-top: var(--parley-space-medium);
  }
  .about {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--parley-space-small);
    color: var(--parley-text-faint);
    font-size: var(--parley-font-x-small);
  }
  .about button[aria-pressed='true'] {
    background: var(--parley-highlight);
  }
  @media ${phoneWidth} {
    /* One pane at a time: the lists, or the open conversation (which has Back). */
    .main {
      grid-template-columns: 1fr;
    }
    aside {
      border-right: 0;
    }
    .main.conversation-open aside,
    .main:not(.conversation-open) main {
      display: none;
    }
    .signed-out {
      padding: 0 var(--parley-space-small) var(--parley-space-small);
    }
  }
`;
