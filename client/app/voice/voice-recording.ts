/**
 * Recording a voice message: the microphone through MediaRecorder (Opus, in whichever container the
 * browser records), a running clock, and on stop the clip with what a receiver shows before playing
 * it — its duration and a waveform's peaks. The duration is measured here and carried in the offer
 * because Chromium reports `audio.duration` of a recorded webm as `Infinity` (the recorder writes no
 * duration into the file: https://crbug.com/642012).
 */
import { msg } from '@lit/localize';
import { MAX_VOICE_MS, MAX_VOICE_PEAKS } from '../../../shared/file-protocol.js';

/**
 * Why a recording could not start or went on no longer. `denied`: the person (or the browser's
 * settings) refused the microphone; `no-microphone`: there is none; `busy`: another program holds it;
 * `insecure`: the page is not a secure context (plain http to another machine), where browsers offer
 * no microphone at all; `unsupported`: the browser cannot record audio; `empty`: stopped before the
 * recorder had any audio; `failed`: anything else, including a microphone that went away mid-recording.
 */
export type VoiceErrorCode =
  'denied' | 'no-microphone' | 'busy' | 'insecure' | 'unsupported' | 'empty' | 'failed';

export class VoiceRecordingError extends Error {
  override readonly name = 'VoiceRecordingError';
  constructor(
    readonly code: VoiceErrorCode,
    detail?: string,
  ) {
    super(detail ?? code);
  }
}

/** What a person reads for each code: the one place they become words. */
export function voiceErrorText(code: VoiceErrorCode): string {
  switch (code) {
    case 'denied':
      return msg(
        'Parley may not use your microphone. Allow it for this site in your browser (the icon by the address), then try again.',
      );
    case 'no-microphone':
      return msg('No microphone was found. Connect one, then try again.');
    case 'busy':
      return msg(
        'Your microphone is in use by another program, or it failed to start. Close that program, then try again.',
      );
    case 'insecure':
      return msg(
        'Browsers only allow the microphone on secure pages: open Parley over https (or on localhost) to record.',
      );
    case 'unsupported':
      return msg('This browser cannot record audio.');
    case 'empty':
      return msg('Nothing was recorded: the recording was too short.');
    case 'failed':
      return msg('Recording stopped: the microphone went away or failed.');
  }
}

/** A finished recording, ready to send. */
export interface VoiceClip {
  readonly blob: Blob;
  /** The recorder's media type, e.g. `audio/webm;codecs=opus`. */
  readonly type: string;
  /** Whole milliseconds, at most `MAX_VOICE_MS`. */
  readonly durationMs: number;
  /** Up to `MAX_VOICE_PEAKS` loudness values, 0–255, loudest scaled to 255. */
  readonly peaks: readonly number[];
}

/** What a recording needs from the browser; tests substitute parts of it. */
export interface VoiceRecordingOptions {
  /** Stops the recording by itself after this long (default `MAX_VOICE_MS`); `onLimit` gets the clip. */
  maxMs?: number;
  /** The recording reached `maxMs` and stopped: the clip is final (send it). */
  onLimit?: (clip: VoiceClip) => void;
  /** The recording ended on its own for another reason (the microphone went away); nothing is kept. */
  onError?: (error: VoiceRecordingError) => void;
  /** Default `navigator.mediaDevices.getUserMedia`. */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  /** Default `performance.now`. */
  now?: () => number;
  /** Default `setTimeout`; returns a function that cancels. */
  setTimer?: (callback: () => void, ms: number) => () => void;
}

/** Containers in the order tried: Opus in all of them where the browser can (Safari records mp4/AAC). */
const TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4'];
/** Data every second: a long recording is held as a few hundred small parts, not one growing buffer. */
const TIMESLICE_MS = 1000;

type Phase = 'recording' | 'stopping' | 'done';

export class VoiceRecording {
  readonly #stream: MediaStream;
  readonly #recorder: MediaRecorder;
  readonly #options: VoiceRecordingOptions;
  readonly #now: () => number;
  readonly #parts: Blob[] = [];
  readonly #startedAt: number;
  readonly #cancelTimer: () => void;
  #stoppedAt: number | null = null;
  #phase: Phase = 'recording';
  /** Settles once the recorder has fired `stop` (all data is in). */
  readonly #stopped: Promise<void>;

  private constructor(stream: MediaStream, recorder: MediaRecorder, options: VoiceRecordingOptions) {
    this.#stream = stream;
    this.#recorder = recorder;
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size > 0) this.#parts.push(event.data);
    });
    this.#stopped = new Promise((resolve) => recorder.addEventListener('stop', () => resolve()));
    // A recorder that stops without being asked lost its microphone (unplugged, or the track ended).
    recorder.addEventListener('stop', () => {
      if (this.#phase !== 'recording') return;
      this.#finish();
      this.#options.onError?.(new VoiceRecordingError('failed', 'the recorder stopped by itself'));
    });
    recorder.addEventListener('error', () => {
      if (this.#phase !== 'recording') return;
      this.cancel();
      this.#options.onError?.(new VoiceRecordingError('failed', 'the recorder failed'));
    });
    recorder.start(TIMESLICE_MS);
    this.#startedAt = this.#now();
    const setTimer =
      options.setTimer ??
      ((callback: () => void, ms: number) => {
        const timer = setTimeout(callback, ms);
        return () => clearTimeout(timer);
      });
    this.#cancelTimer = setTimer(() => void this.#limitReached(), options.maxMs ?? MAX_VOICE_MS);
  }

  /**
   * Asks for the microphone and starts recording. Rejects with `VoiceRecordingError` when there is
   * no microphone to record from (see `VoiceErrorCode`).
   */
  static async start(options: VoiceRecordingOptions = {}): Promise<VoiceRecording> {
    const getUserMedia =
      options.getUserMedia ??
      (globalThis.navigator?.mediaDevices
        ? (constraints: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(constraints)
        : null);
    if (!getUserMedia) {
      // Browsers hide `mediaDevices` entirely outside secure contexts.
      throw new VoiceRecordingError(globalThis.isSecureContext === false ? 'insecure' : 'unsupported');
    }
    if (typeof MediaRecorder === 'undefined') throw new VoiceRecordingError('unsupported');
    let stream: MediaStream;
    try {
      stream = await getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (error) {
      throw toVoiceError(error);
    }
    try {
      const type = TYPES.find((candidate) => MediaRecorder.isTypeSupported(candidate));
      const recorder = new MediaRecorder(stream, {
        ...(type ? { mimeType: type } : {}),
        audioBitsPerSecond: 32_000,
      });
      return new VoiceRecording(stream, recorder, options);
    } catch (error) {
      releaseStream(stream);
      throw new VoiceRecordingError('unsupported', error instanceof Error ? error.message : String(error));
    }
  }

  /** Milliseconds recorded so far (frozen once stopped). */
  get elapsedMs(): number {
    return Math.max(0, (this.#stoppedAt ?? this.#now()) - this.#startedAt);
  }

  /** Whether the recording still runs (not stopped, cancelled or failed). */
  get recording(): boolean {
    return this.#phase === 'recording';
  }

  /**
   * Stops and returns the clip. Rejects with `VoiceRecordingError`: `failed` if it had already ended,
   * `empty` if the recorder had no audio yet.
   */
  async stop(): Promise<VoiceClip> {
    if (this.#phase !== 'recording') throw new VoiceRecordingError('failed', 'the recording is over');
    this.#phase = 'stopping';
    this.#stoppedAt = this.#now();
    this.#cancelTimer();
    this.#recorder.stop();
    await this.#stopped;
    this.#finish();
    // A recorder stopped within moments of starting may hand over no audio at all.
    if (this.#parts.length === 0) throw new VoiceRecordingError('empty', 'the recorder gave no data');
    return clipOf(this.#parts, this.#recorder.mimeType, this.#stoppedAt - this.#startedAt);
  }

  /** Stops and discards the recording; the microphone is released at once. */
  cancel(): void {
    if (this.#phase === 'done') return;
    if (this.#recorder.state !== 'inactive') this.#recorder.stop();
    this.#finish();
    this.#parts.length = 0;
  }

  async #limitReached(): Promise<void> {
    if (this.#phase !== 'recording') return;
    try {
      const clip = await this.stop();
      this.#options.onLimit?.(clip);
    } catch (error) {
      this.#options.onError?.(toVoiceError(error));
    }
  }

  #finish(): void {
    this.#phase = 'done';
    this.#stoppedAt ??= this.#now();
    this.#cancelTimer();
    releaseStream(this.#stream);
  }
}

/** Turns getUserMedia's DOMException names into codes (https://w3c.github.io/mediacapture-main/#dom-mediadevices-getusermedia). */
function toVoiceError(error: unknown): VoiceRecordingError {
  if (error instanceof VoiceRecordingError) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const detail = error instanceof Error || error instanceof DOMException ? error.message : String(error);
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return new VoiceRecordingError('denied', detail);
    case 'SecurityError':
      return new VoiceRecordingError(globalThis.isSecureContext === false ? 'insecure' : 'denied', detail);
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new VoiceRecordingError('no-microphone', detail);
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new VoiceRecordingError('busy', detail);
    default:
      return new VoiceRecordingError('failed', detail);
  }
}

function releaseStream(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

/**
 * The clip of recorded `parts`: the duration from decoding the audio (what a player will play),
 * or from the recording clock when this browser cannot decode its own recording.
 */
async function clipOf(parts: readonly Blob[], recordedType: string, clockMs: number): Promise<VoiceClip> {
  const type = recordedType || parts[0]?.type || 'audio/webm';
  const blob = new Blob([...parts], { type });
  let durationMs = clockMs;
  let peaks: number[] = [];
  const audio = await decode(blob);
  if (audio && Number.isFinite(audio.duration) && audio.duration > 0) {
    durationMs = audio.duration * 1000;
    peaks = peaksOf(audio, MAX_VOICE_PEAKS);
  }
  return {
    blob,
    type,
    durationMs: Math.min(MAX_VOICE_MS, Math.max(0, Math.round(durationMs))),
    peaks,
  };
}

async function decode(blob: Blob): Promise<AudioBuffer | null> {
  if (blob.size === 0 || typeof OfflineAudioContext === 'undefined') return null;
  try {
    // An offline context needs no audio device and no user gesture; it only decodes.
    const context = new OfflineAudioContext(1, 1, 48_000);
    return await context.decodeAudioData(await blob.arrayBuffer());
  } catch {
    return null;
  }
}

/**
 * The loudest sample of each of `count` equal slices of the first channel, scaled so the loudest
 * slice is 255 — a quiet voice still draws a shape — but never amplified more than 20× (so silence
 * with a little noise stays flat).
 */
export function peaksOf(audio: Pick<AudioBuffer, 'length' | 'getChannelData'>, count: number): number[] {
  const slices = Math.min(count, audio.length);
  if (slices <= 0) return [];
  const samples = audio.getChannelData(0);
  const raw: number[] = [];
  for (let slice = 0; slice < slices; slice++) {
    const from = Math.floor((slice * samples.length) / slices);
    const to = Math.floor(((slice + 1) * samples.length) / slices);
    let peak = 0;
    for (let i = from; i < to; i++) {
      const value = Math.abs(samples[i]!);
      if (value > peak) peak = value;
    }
    raw.push(peak);
  }
  const scale = 255 / Math.max(...raw, 0.05);
  return raw.map((peak) => Math.min(255, Math.round(peak * scale)));
}

/** The name a voice clip is offered and saved under, with the extension of its container. */
export function voiceFileName(type: string, at: Date = new Date()): string {
  const base = type.split(';')[0]!.trim().toLowerCase();
  const extension = base === 'audio/ogg' ? 'ogg' : base === 'audio/mp4' ? 'm4a' : 'webm';
  const stamp = at.toISOString().slice(0, 19).replace(/:/g, '-').replace('T', ' ');
  return `Voice message ${stamp}.${extension}`;
}
