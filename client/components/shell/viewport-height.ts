/**
 * Keeps the composer above the on-screen keyboard where the browser does not do it. The viewport
 * meta's `interactive-widget=resizes-content` makes Chromium shrink the layout when the keyboard
 * opens, so `height: 100%` is enough there; browsers that ignore it (Safari) lay the keyboard over
 * the page instead, and only the VisualViewport API says how much is left. While the visual viewport
 * is shorter than the window without being zoomed, the host gets its height as
 * `--parley-viewport-height` (parley-app.styles.ts) and the page is kept scrolled to the top.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class ViewportHeightController implements ReactiveController {
  readonly #host: HTMLElement;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    window.visualViewport?.addEventListener('resize', this.#fit);
    this.#fit();
  }

  hostDisconnected(): void {
    window.visualViewport?.removeEventListener('resize', this.#fit);
    this.#host.style.removeProperty('--parley-viewport-height');
  }

  readonly #fit = (): void => {
    const viewport = window.visualViewport;
    // Pinch-zoom also shrinks the visual viewport; then the layout must stay as it is.
    const keyboardOver = viewport && viewport.scale === 1 && viewport.height < window.innerHeight - 1;
    if (!keyboardOver) {
      this.#host.style.removeProperty('--parley-viewport-height');
      return;
    }
    this.#host.style.setProperty('--parley-viewport-height', `${viewport.height}px`);
    window.scrollTo(0, 0);
  };
}
