import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { VoiceRecording, VoiceRecordingError, voiceErrorText } from '../../app/voice/voice-recording.js';
import type { VoiceClip, VoiceErrorCode, VoiceRecordingOptions } from '../../app/voice/voice-recording.js';
import { VoiceRecordedEvent } from '../events.js';
import { formatClock } from '../conversation/voice-player.js';
import { buttonStyles } from '../styles/buttons.js';
import { microphoneIcon as microphone } from '../styles/icons.js';

type RecorderState =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'recording'; recording: VoiceRecording }
  | { kind: 'sending' }
  | { kind: 'error'; code: VoiceErrorCode };

/** How often the running timer is redrawn: often enough that a second never shows late. */
const TICK_MS = 250;

/**
 * **Record voice message**; while recording, a running timer, **Send voice message** (stop and send)
 * and **Cancel recording**. A recording that reaches the 5-minute limit is sent by itself. When the
 * microphone cannot be used, a role `alert` says why and what to do, and **Record voice message**
 * stays there to try again.
 *
 * @fires voice-recorded - `VoiceRecordedEvent`: **Send voice message**, or the limit reached.
 * @property recordingOptions - How a recording starts; tests substitute the microphone.
 */
@localized()
@customElement('voice-recorder')
export class VoiceRecorder extends LitElement {
  static override styles = [
    buttonStyles,
    css`
      :host {
        position: relative;
        display: flex;
        flex: none;
      }
      .recording {
        display: flex;
        align-items: center;
        gap: 0.4rem;
      }
      .dot {
        width: 0.6rem;
        height: 0.6rem;
        border-radius: 50%;
        background: var(--parley-recording);
        animation: pulse 1s ease-in-out infinite alternate;
      }
      @keyframes pulse {
        to {
          opacity: 0.3;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .dot {
          animation: none;
        }
      }
      [role='timer'] {
        min-width: 2.8rem;
        font-variant-numeric: tabular-nums;
      }
      button {
        flex: none;
      }
      /* Above the composer, so the message box keeps its width. */
      [role='alert'] {
        position: absolute;
        bottom: calc(100% + 0.4rem);
        left: 0;
        z-index: 1;
        width: max-content;
        max-width: min(24rem, 80vw);
        margin: 0;
        padding: 0.5rem 0.7rem;
        border: 1px solid var(--parley-danger-border);
        border-radius: var(--parley-radius);
        background: var(--parley-danger-surface);
        color: var(--parley-danger);
        font-size: var(--parley-font-small);
      }
    `,
  ];

  /** How a recording starts; tests substitute the microphone. */
  @property({ attribute: false }) recordingOptions: Omit<VoiceRecordingOptions, 'onLimit' | 'onError'> = {};

  @state() private state: RecorderState = { kind: 'idle' };
  @state() private elapsedMs = 0;
  #ticker: ReturnType<typeof setInterval> | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Leaving the page (or the conversation's composer going away) must free the microphone.
    if (this.state.kind === 'recording') this.state.recording.cancel();
    this.#stopTicking();
    this.state = { kind: 'idle' };
  }

  override render() {
    const state = this.state;
    if (state.kind === 'recording' || state.kind === 'sending') {
      return html`<div class="recording">
        <span class="dot" aria-hidden="true"></span>
        <span role="timer" aria-label=${msg('Recording time')}>${formatClock(this.elapsedMs)}</span>
        <button type="button" class="primary" ?disabled=${state.kind === 'sending'} @click=${this.#send}>
          ${msg('Send voice message')}
        </button>
        <button type="button" ?disabled=${state.kind === 'sending'} @click=${this.#cancel}>
          ${msg('Cancel recording')}
        </button>
      </div>`;
    }
    return html`<button
        type="button"
        class="icon"
        aria-label=${msg('Record voice message')}
        title=${msg('Record voice message')}
        aria-busy=${state.kind === 'starting'}
        @click=${this.#record}
      >
        ${microphone}
      </button>
      ${state.kind === 'error' ? html`<p role="alert">${voiceErrorText(state.code)}</p>` : nothing}`;
  }

  readonly #record = async (): Promise<void> => {
    if (this.state.kind === 'starting' || this.state.kind === 'recording') return;
    this.state = { kind: 'starting' };
    try {
      const recording = await VoiceRecording.start({
        ...this.recordingOptions,
        onLimit: (clip) => {
          if (this.state.kind === 'recording' && this.state.recording === recording) this.#deliver(clip);
        },
        onError: (error) => {
          if (this.state.kind === 'recording' && this.state.recording === recording) this.#fail(error);
        },
      });
      if (!this.isConnected || this.state.kind !== 'starting') {
        recording.cancel();
        return;
      }
      this.state = { kind: 'recording', recording };
      this.elapsedMs = 0;
      this.#ticker = setInterval(() => (this.elapsedMs = recording.elapsedMs), TICK_MS);
    } catch (error) {
      this.#fail(error);
    }
  };

  readonly #send = async (): Promise<void> => {
    const state = this.state;
    if (state.kind !== 'recording') return;
    this.state = { kind: 'sending' };
    this.#stopTicking();
    try {
      this.#deliver(await state.recording.stop());
    } catch (error) {
      this.#fail(error);
    }
  };

  readonly #cancel = (): void => {
    const state = this.state;
    if (state.kind === 'recording') state.recording.cancel();
    this.#stopTicking();
    this.state = { kind: 'idle' };
  };

  #deliver(clip: VoiceClip): void {
    this.#stopTicking();
    this.state = { kind: 'idle' };
    this.dispatchEvent(new VoiceRecordedEvent(clip.blob, clip.durationMs, clip.peaks));
  }

  #fail(error: unknown): void {
    this.#stopTicking();
    const code = error instanceof VoiceRecordingError ? error.code : 'failed';
    this.state = { kind: 'error', code };
  }

  #stopTicking(): void {
    if (this.#ticker !== null) clearInterval(this.#ticker);
    this.#ticker = null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'voice-recorder': VoiceRecorder;
  }
}
