import { css } from 'lit';

/**
 * A sidebar list's entry buttons (**Online users**, **Search results**, an invitation's **Accept** /
 * **Decline**): full width, flat, a touch target tall. Any button in an entry, not only a direct child,
 * so the invitation answers keep the look (their own rule narrows and outlines them).
 */
export const listButtonStyles = css`
  li button {
    width: 100%;
    padding: 0.45rem 0.6rem;
    border: 0;
    border-radius: var(--parley-radius);
    min-height: var(--parley-touch-target, 0px);
    background: transparent;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  li button:hover,
  li button[aria-current='true'] {
    background: var(--parley-highlight);
  }
`;
