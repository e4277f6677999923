import { css } from 'lit';

export const parleyAppStyles = css`
  :host {
    display: block;
    height: 100%;
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
    color: var(--parley-text-faint);
  }
  connection-notice.signed-out {
    max-width: 26rem;
    margin: 0 auto;
  }
  [role='alert'] {
    max-width: 30rem;
    margin: 4rem auto;
    padding: var(--parley-space-large);
    border-radius: var(--parley-radius-large);
    background: var(--parley-surface);
    box-shadow: var(--parley-shadow-raised);
  }
  @media (max-width: 40rem) {
    .main {
      grid-template-columns: 1fr;
      grid-template-rows: auto 1fr;
    }
  }
`;
