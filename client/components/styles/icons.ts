/**
 * The line icons of Parley's buttons, drawn alike: 20 px, stroked in the text colour, hidden from
 * assistive technology (the buttons carry the names).
 */
import { html, svg } from 'lit';
import type { SVGTemplateResult, TemplateResult } from 'lit';

// Outer <svg> elements belong in `html` templates; Lit's `svg` tag is for their contents.
function lineIcon(content: SVGTemplateResult): TemplateResult {
  return html`<svg
    width="20"
    height="20"
    viewBox="0 0 24 24"
    aria-hidden="true"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
  >
    ${content}
  </svg>`;
}

export const paperclipIcon = lineIcon(
  svg`<path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />`,
);

export const smileyIcon = lineIcon(svg`
  <circle cx="12" cy="12" r="10" />
  <path d="M8 14s1.5 2 4 2 4-2 4-2" />
  <line x1="9" y1="9" x2="9.01" y2="9" />
  <line x1="15" y1="9" x2="15.01" y2="9" />
`);

export const microphoneIcon = lineIcon(svg`
  <rect x="9" y="2" width="6" height="12" rx="3" />
  <path d="M5 10v1a7 7 0 0 0 14 0v-1M12 18v4M8 22h8" />
`);
