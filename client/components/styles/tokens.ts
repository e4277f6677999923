/**
 * Parley's design tokens: every colour, radius, shadow and the common spacings and type sizes, as CSS
 * custom properties set once on <parley-app> (custom properties inherit into every shadow root and
 * into dialogs in the top layer). Components use `var(--parley-…)` and write no colour of their own,
 * so a theme is one rule that sets these again, e.g. a later dark theme:
 * `@media (prefers-color-scheme: dark) { :host { --parley-surface: #1e1f24; … } }`.
 *
 * A component rendered on its own (as the component tests do) has no tokens: it still works and is
 * found by role and name, only unstyled.
 */
import { css } from 'lit';

export const tokens = css`
  :host {
    /* Type */
    --parley-font: system-ui, sans-serif;
    --parley-font-small: 0.85rem;
    --parley-font-x-small: 0.8rem;

    /* Text */
    --parley-text: #1d1d1f;
    --parley-text-muted: #666;
    --parley-text-faint: #777;
    --parley-icon: #444;

    /* Surfaces and lines */
    --parley-background: #f2f3f7;
    --parley-veil: rgb(242 243 247 / 0.9);
    --parley-sidebar: #fafbfd;
    --parley-surface: #fff;
    --parley-own-message: #dce6ff;
    --parley-highlight: #e6ebfb;
    --parley-divider: #ddd;
    --parley-control-border: #bbb;
    --parley-popup-border: #ccc;
    --parley-backdrop: rgb(0 0 0 / 0.3);

    /* The accent: primary buttons, badges, progress, focus */
    --parley-accent: #3558d4;
    --parley-on-accent: #fff;
    --parley-track: #d5d9e4;
    --parley-track-ahead: #b9c0d3;
    --parley-disabled: #9aa3b8;

    /* States */
    --parley-danger: #8a1c1c;
    --parley-danger-surface: #fde8e8;
    --parley-danger-border: #e3b3b3;
    --parley-warning: #5c4300;
    --parley-warning-surface: #fff4d6;
    --parley-warning-border: #b38600;
    --parley-pending: #a06000;
    --parley-online: #2e9d4f;
    --parley-offline: #aaa;
    --parley-recording: #c62828;

    /* Shape */
    --parley-radius-small: 4px;
    --parley-radius: 6px;
    --parley-radius-large: 10px;
    --parley-radius-pill: 999px;
    --parley-shadow-card: 0 1px 2px rgb(0 0 0 / 0.08);
    --parley-shadow-raised: 0 2px 12px rgb(0 0 0 / 0.12);
    --parley-shadow-popup: 0 4px 16px rgb(0 0 0 / 0.15);
    --parley-shadow-dialog: 0 8px 30px rgb(0 0 0 / 0.25);

    /* Spacing */
    --parley-space-x-small: 0.25rem;
    --parley-space-small: 0.5rem;
    --parley-space-medium: 1rem;
    --parley-space-large: 1.5rem;
  }
`;
