/**
 * Parley's forms, shared by the elements that include them in their `styles`: a text field labelled
 * above it (`<label class="field">Name <input /></label>`), and the form's error (`role="alert"`).
 */
import { css } from 'lit';

export const formStyles = css`
  label.field {
    display: block;
    margin-bottom: var(--parley-space-medium);
    font-weight: 600;
  }
  label.field input {
    display: block;
    width: 100%;
    box-sizing: border-box;
    margin-top: 0.3rem;
    padding: 0.5rem;
    font: inherit;
    border: 1px solid var(--parley-control-border);
    border-radius: var(--parley-radius);
  }
  form [role='alert'] {
    margin: 0 0 var(--parley-space-medium);
    padding: 0.5rem;
    border-radius: var(--parley-radius);
    background: var(--parley-danger-surface);
    color: var(--parley-danger);
  }
`;
