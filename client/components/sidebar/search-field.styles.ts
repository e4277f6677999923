import { css } from 'lit';

/** A sidebar field (**Find people**, **Search messages**, **Passphrase**): full width, a touch target tall. */
export const searchFieldStyles = css`
  input[type='search'],
  input[type='password'] {
    display: block;
    width: 100%;
    box-sizing: border-box;
    margin-top: var(--parley-space-small);
    padding: 0.4rem 0.5rem;
    min-height: var(--parley-touch-target, 0px);
    font: inherit;
    color: inherit;
    background: var(--parley-surface);
    border: 1px solid var(--parley-control-border);
    border-radius: var(--parley-radius);
  }
`;
