/** The look of `<account-dialog>`: a modal like the group dialog, its two sections divided by a rule. */
import { css } from 'lit';

export const accountDialogStyles = css`
  :host > button {
    padding: 0.3rem 0.7rem;
  }
  dialog {
    width: min(26rem, calc(100vw - 2rem));
    box-sizing: border-box;
    border: 0;
    border-radius: var(--parley-radius-large);
    padding: 1.2rem 1.4rem;
    box-shadow: var(--parley-shadow-dialog);
    background: var(--parley-surface);
    color: var(--parley-text);
  }
  dialog::backdrop {
    background: var(--parley-backdrop);
  }
  h2 {
    margin: 0 0 0.4rem;
    font-size: 1.2rem;
  }
  h3 {
    margin: 0 0 var(--parley-space-medium);
    font-size: 1rem;
  }
  .who {
    margin: 0 0 var(--parley-space-medium);
    color: var(--parley-text-muted);
  }
  form {
    padding: var(--parley-space-medium) 0;
    border-top: 1px solid var(--parley-divider);
  }
  form p {
    margin: 0 0 var(--parley-space-medium);
  }
  form [role='status'] {
    padding: 0.5rem;
    border-radius: var(--parley-radius);
    background: var(--parley-highlight);
  }
  label.field input[aria-invalid='true'] {
    border-color: var(--parley-danger);
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  button[disabled] {
    opacity: 0.6;
    cursor: progress;
  }
  button.danger {
    border-color: var(--parley-danger);
    color: var(--parley-danger);
  }
`;
