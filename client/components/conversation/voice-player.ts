import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';

/** Bars drawn when a clip came without peaks (its sender could not decode it): a plain track. */
const FLAT_BARS = 48;
const BAR_WIDTH = 2;
const BAR_GAP = 1;
const WAVE_HEIGHT = 28;

/** The player that is playing now: starting another pauses it, as in every messenger. */
const nowPlaying: { player: VoicePlayer | null } = { player: null };

/**
 * A voice message: **Play** / **Pause**, its duration, and a waveform drawn from the offer's peaks
 * that fills in as it plays. The duration comes from the offer, not from the audio element: Chromium
 * reports `Infinity` for a recorded webm until it has played it through (https://crbug.com/642012).
 * Fires nothing: playing is its own business.
 *
 * @property src - An object URL of the clip; null while it has not arrived.
 * @property durationMs - The clip's length, from the offer.
 * @property peaks - Loudness, 0–255 each, from the offer.
 */
@localized()
@customElement('voice-player')
export class VoicePlayer extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      align-items: center;
      gap: 0.6rem;
      min-width: 0;
    }
    button {
      flex: none;
      display: grid;
      place-items: center;
      width: 2.2rem;
      height: 2.2rem;
      min-width: var(--parley-touch-target, 0px);
      min-height: var(--parley-touch-target, 0px);
      padding: 0;
      border: 0;
      border-radius: 50%;
      background: var(--parley-accent);
      color: var(--parley-on-accent);
      cursor: pointer;
    }
    button:disabled {
      background: var(--parley-disabled);
      cursor: default;
    }
    svg.wave {
      flex: 1 1 auto;
      min-width: 4rem;
      max-width: 16rem;
      height: 1.75rem;
    }
    .played {
      fill: var(--parley-accent);
    }
    .ahead {
      fill: var(--parley-track-ahead);
    }
    .time {
      flex: none;
      color: var(--parley-text-muted);
      font-size: var(--parley-font-small);
      font-variant-numeric: tabular-nums;
    }
    .problem {
      margin: 0;
      color: var(--parley-danger);
      font-size: var(--parley-font-small);
    }
  `;

  /** An object URL of the clip; null while it has not arrived. */
  @property({ attribute: false }) src: string | null = null;
  @property({ attribute: false }) durationMs = 0;
  /** 0–255 each, from the offer. */
  @property({ attribute: false }) peaks: readonly number[] = [];

  @state() private playing = false;
  @state() private positionMs = 0;
  @state() private problem: string | null = null;
  @query('audio') private audio?: HTMLAudioElement;
  #frame: number | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.audio?.pause();
    this.#stopFollowing();
    if (nowPlaying.player === this) nowPlaying.player = null;
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('src') && changed.get('src') !== undefined) {
      this.playing = false;
      this.positionMs = 0;
      this.problem = null;
    }
  }

  override render() {
    const label = this.playing ? msg('Pause') : msg('Play');
    const started = this.playing || this.positionMs > 0;
    return html`
      <button
        type="button"
        aria-label=${label}
        title=${this.src ? label : msg('The voice message has not arrived yet')}
        ?disabled=${!this.src}
        @click=${this.#toggle}
      >
        ${this.playing ? pauseIcon : playIcon}
      </button>
      ${this.#renderWave()}
      <span class="time">
        ${started ? html`<span>${formatClock(this.positionMs)}</span> / ` : nothing}<time
          datetime=${`PT${(this.durationMs / 1000).toFixed(3)}S`}
          >${formatClock(this.durationMs, 'nearest')}</time
        >
      </span>
      ${this.problem ? html`<p class="problem" role="status">${this.problem}</p>` : nothing}
      ${
        this.src
          ? html`<audio
              preload="metadata"
              src=${this.src}
              @play=${this.#onPlay}
              @pause=${this.#onPause}
              @ended=${this.#onEnded}
              @error=${this.#onError}
            ></audio>`
          : nothing
      }
    `;
  }

  #renderWave() {
    const peaks = this.peaks.length > 0 ? this.peaks : new Array<number>(FLAT_BARS).fill(0);
    const step = BAR_WIDTH + BAR_GAP;
    const progress = this.durationMs > 0 ? Math.min(1, this.positionMs / this.durationMs) : 0;
    const playedBars = Math.round(progress * peaks.length);
    const bars = peaks.map((peak, index) => {
      const height = Math.max(2, (peak / 255) * WAVE_HEIGHT);
      return svg`<rect
        class=${index < playedBars ? 'played' : 'ahead'}
        x=${index * step}
        y=${(WAVE_HEIGHT - height) / 2}
        width=${BAR_WIDTH}
        height=${height}
        rx="1"
      />`;
    });
    return html`<svg
      class="wave"
      aria-hidden="true"
      viewBox=${`0 0 ${peaks.length * step - BAR_GAP} ${WAVE_HEIGHT}`}
      preserveAspectRatio="none"
    >
      ${bars}
    </svg>`;
  }

  /** Pauses playback (another player started). */
  pause(): void {
    this.audio?.pause();
  }

  readonly #toggle = async (): Promise<void> => {
    const audio = this.audio;
    if (!audio) return;
    if (!audio.paused) {
      audio.pause();
      return;
    }
    this.problem = null;
    try {
      await audio.play();
    } catch (error) {
      const name = error instanceof DOMException ? error.name : '';
      // A pause before playback began rejects play() with AbortError: nothing went wrong.
      if (name === 'AbortError') return;
      this.problem =
        name === 'NotAllowedError'
          ? msg('The browser did not let the page play sound. Press Play again.')
          : msg('This voice message cannot be played in this browser.');
    }
  };

  readonly #onPlay = (): void => {
    if (nowPlaying.player && nowPlaying.player !== this) nowPlaying.player.pause();
    nowPlaying.player = this;
    this.playing = true;
    this.#follow();
  };

  readonly #onPause = (): void => {
    this.playing = false;
    this.#stopFollowing();
    this.#readPosition();
    if (nowPlaying.player === this) nowPlaying.player = null;
  };

  readonly #onEnded = (): void => {
    this.playing = false;
    this.#stopFollowing();
    this.positionMs = 0;
    if (this.audio) this.audio.currentTime = 0;
    if (nowPlaying.player === this) nowPlaying.player = null;
  };

  readonly #onError = (): void => {
    this.playing = false;
    this.#stopFollowing();
    this.problem = msg('This voice message cannot be played in this browser.');
  };

  /** Moves the waveform's progress every frame while playing (`timeupdate` comes only ~4 times a second). */
  #follow(): void {
    this.#stopFollowing();
    const step = (): void => {
      this.#readPosition();
      this.#frame = requestAnimationFrame(step);
    };
    this.#frame = requestAnimationFrame(step);
  }

  #stopFollowing(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    this.#frame = null;
  }

  #readPosition(): void {
    const seconds = this.audio?.currentTime ?? 0;
    // The offer's duration bounds it: a decoder may run a few milliseconds past the recorded length.
    this.positionMs = Math.min(this.durationMs, Math.max(0, seconds * 1000));
  }
}

const playIcon = html`<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
  <path d="M4 2.5v11l9-5.5z" fill="currentColor" />
</svg>`;
const pauseIcon = html`<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
  <path d="M4 2.5h3v11H4zM9 2.5h3v11H9z" fill="currentColor" />
</svg>`;

/**
 * A time as a player shows it: `0:07`, `4:59`. Down to the whole second for a running clock; to the
 * nearest for a clip's length, where a clip of any length reads at least `0:01`.
 */
export function formatClock(ms: number, rounding: 'down' | 'nearest' = 'down'): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0:00';
  const total = rounding === 'down' ? Math.floor(ms / 1000) : Math.max(1, Math.round(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${seconds.toString().padStart(2, '0')}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'voice-player': VoicePlayer;
  }
}
