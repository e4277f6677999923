/**
 * Parley's design tokens: every colour, radius, shadow and the common spacings and type sizes, as CSS
 * custom properties set once on <parley-app> (custom properties inherit into every shadow root and
 * into dialogs in the top layer). Components use `var(--parley-…)` and write no colour of their own,
 * so a theme is one rule that sets these again: the dark theme is the one block
 * `:host([theme='dark'])` below (<parley-app> sets `theme` from the system's `prefers-color-scheme`
 * or the person's choice; see `shell/theme-controller.ts`). `color-scheme` goes with it, so form
 * controls, scrollbars and the canvas follow too.
 *
 * At phone width (`phoneWidth`) controls grow to `--parley-touch-target` (44 px, WCAG 2.5.5 and
 * Apple's HIG): every button style uses it as its minimum size.
 *
 * A component rendered on its own (as the component tests do) has no tokens: it still works and is
 * found by role and name, only unstyled.
 */
import { css, unsafeCSS } from 'lit';

/**
 * The media query of phone width: one pane at a time, larger touch targets. A constant, because a
 * custom property cannot be used in a media query.
 */
export const phoneWidth = unsafeCSS('(max-width: 700px)');

export const tokens = css`
  :host {
    color-scheme: light;
    --parley-touch-target: 0px;

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

  @media ${phoneWidth} {
    :host {
      --parley-touch-target: 44px;
    }
  }

  /* The dark theme: the one place it is written. */
  :host([theme='dark']) {
    color-scheme: dark;

    --parley-text: #e6e7eb;
    --parley-text-muted: #a3a7b1;
    --parley-text-faint: #8c909a;
    --parley-icon: #c5c8d0;

    --parley-background: #15161a;
    --parley-veil: rgb(21 22 26 / 0.9);
    --parley-sidebar: #1b1c21;
    --parley-surface: #24262c;
    --parley-own-message: #2c3a6b;
    --parley-highlight: #30364b;
    --parley-divider: #33353c;
    --parley-control-border: #4b4e58;
    --parley-popup-border: #464952;
    --parley-backdrop: rgb(0 0 0 / 0.55);

    --parley-accent: #7f9cff;
    --parley-on-accent: #0c1233;
    --parley-track: #3a3e4c;
    --parley-track-ahead: #52576b;
    --parley-disabled: #5e6475;

    --parley-danger: #ffb3b3;
    --parley-danger-surface: #46191c;
    --parley-danger-border: #7d3a3d;
    --parley-warning: #ffd98a;
    --parley-warning-surface: #3b2f12;
    --parley-warning-border: #8d6c1c;
    --parley-pending: #f0b454;
    --parley-online: #4cc771;
    --parley-offline: #6c707a;
    --parley-recording: #ff6363;

    --parley-shadow-card: 0 1px 2px rgb(0 0 0 / 0.4);
    --parley-shadow-raised: 0 2px 12px rgb(0 0 0 / 0.45);
    --parley-shadow-popup: 0 4px 16px rgb(0 0 0 / 0.5);
    --parley-shadow-dialog: 0 8px 30px rgb(0 0 0 / 0.6);
  }
`;
