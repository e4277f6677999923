import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../../client/components/conversation/voice-player.js';
import '../../../../client/components/conversation/file-card.js';
import { formatClock } from '../../../../client/components/conversation/voice-player.js';
import type { VoicePlayer } from '../../../../client/components/conversation/voice-player.js';
import type { FileCard } from '../../../../client/components/conversation/file-card.js';
import type { FileView } from '../../../../client/app/conversations/message-view.js';
import { VoiceRecording } from '../../../../client/app/voice/voice-recording.js';
import type { VoiceClip } from '../../../../client/app/voice/voice-recording.js';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

// A real clip from the test browser's fake microphone, recorded once for the file.
let clip: VoiceClip;
let url: string;

before(async function () {
  this.timeout(10_000);
  const recording = await VoiceRecording.start();
  // The clip's length: what the microphone records, not a wait for something to happen.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  clip = await recording.stop();
  url = URL.createObjectURL(clip.blob);
});

after(() => URL.revokeObjectURL(url));

/**
 * A 20 s tone as a WAV: long enough that it cannot end between Play and Pause however slowly the
 * test's clicks (each a round trip to the test runner) arrive — with the 1 s recording, a loaded
 * machine let the clip end first, and its reset to the start looked like a Pause that lost its place.
 */
function longToneUrl(seconds = 20, rate = 8000): string {
  const samples = seconds * rate;
  const view = new DataView(new ArrayBuffer(44 + samples));
  const text = (offset: number, value: string) =>
    [...value].forEach((char, i) => view.setUint8(offset + i, char.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  text(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate, true); // bytes per second, 8-bit mono
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  text(36, 'data');
  view.setUint32(40, samples, true);
  for (let i = 0; i < samples; i++) view.setUint8(44 + i, 128 + Math.round(60 * Math.sin(i / 8)));
  return URL.createObjectURL(new Blob([view.buffer], { type: 'audio/wav' }));
}

async function player(src: string | null = url, durationMs = clip.durationMs, peaks = clip.peaks) {
  return fixture<VoicePlayer>(
    html`<voice-player .src=${src} .durationMs=${durationMs} .peaks=${peaks}></voice-player>`,
  );
}

/**
 * Clicks like a person: Chromium lets a page start sound only after a real user gesture, which a
 * script's `element.click()` is not.
 */
async function press(element: VoicePlayer, name: 'Play' | 'Pause'): Promise<void> {
  const rect = getByRole(element, 'button', name).getBoundingClientRect();
  await sendMouse({
    type: 'click',
    position: [Math.round(rect.x + rect.width / 2), Math.round(rect.y + rect.height / 2)],
  });
}

afterEach(() => resetMouse());

function audioOf(element: VoicePlayer): HTMLAudioElement {
  return element.shadowRoot!.querySelector('audio')!;
}

function playedBars(element: VoicePlayer): number {
  return element.shadowRoot!.querySelectorAll('rect.played').length;
}

describe('<voice-player>', () => {
  it('shows the duration from the offer and a waveform of its peaks', async () => {
    const element = await player(url, 1500, [0, 128, 255]);
    const time = element.shadowRoot!.querySelector('time')!;
    expect(time.textContent?.trim()).to.equal('0:02');
    expect(time.getAttribute('datetime')).to.equal('PT1.500S');
    const bars = element.shadowRoot!.querySelectorAll('svg.wave rect');
    expect(bars).to.have.length(3);
    expect(Number(bars[2]!.getAttribute('height'))).to.be.greaterThan(
      Number(bars[1]!.getAttribute('height')),
    );
    expect(getByRole<HTMLButtonElement>(element, 'button', 'Play').disabled).to.equal(false);
  });

  it('draws a flat track for a clip that came without peaks', async () => {
    const element = await player(url, 1500, []);
    expect(element.shadowRoot!.querySelectorAll('svg.wave rect').length).to.be.greaterThan(0);
  });

  it('cannot play a clip that has not arrived, and says so', async () => {
    const element = await player(null);
    const play = getByRole<HTMLButtonElement>(element, 'button', 'Play');
    expect(play.disabled).to.equal(true);
    expect(play.title).to.match(/not arrived/);
  });

  it('Play plays: the button turns to Pause, time and waveform advance; Pause pauses', async () => {
    const long = longToneUrl();
    try {
      const element = await player(long, 20_000);
      await press(element, 'Play');
      await waitUntil(() => queryAllByRole(element, 'button', 'Pause').length === 1, 'never turned to Pause');
      const audio = audioOf(element);
      await waitUntil(() => audio.currentTime > 0.2, 'the audio did not advance');
      await waitUntil(() => playedBars(element) > 0, 'the waveform did not fill in');
      await press(element, 'Pause');
      await waitUntil(() => queryAllByRole(element, 'button', 'Play').length === 1, 'never turned to Play');
      const at = audio.currentTime;
      expect(audio.paused).to.equal(true);
      expect(at).to.be.greaterThan(0);
      // Paused part-way, the position shows beside the duration.
      expect(element.shadowRoot!.querySelector('.time')!.textContent).to.contain('/');
    } finally {
      URL.revokeObjectURL(long);
    }
  });

  it('goes back to Play, at the start, when the clip ends', async () => {
    const element = await player();
    await press(element, 'Play');
    const audio = audioOf(element);
    await new Promise((resolve) => audio.addEventListener('ended', resolve, { once: true }));
    await element.updateComplete;
    expect(queryAllByRole(element, 'button', 'Play')).to.have.length(1);
    expect(playedBars(element)).to.equal(0);
  });

  it('starting one voice message pauses the one that plays', async () => {
    const first = await player();
    const second = await player();
    await press(first, 'Play');
    await waitUntil(() => !audioOf(first).paused, 'the first did not play');
    await press(second, 'Play');
    await waitUntil(() => audioOf(first).paused && !audioOf(second).paused, 'both play at once');
    // The element hears its audio's `pause` event a task after `paused` turns true.
    await waitUntil(
      () => queryAllByRole(first, 'button', 'Play').length === 1,
      'the first still shows Pause',
    );
    await press(second, 'Pause');
  });
});

describe('formatClock', () => {
  it('runs down to the second, and rounds a length to the nearest (at least 0:01)', () => {
    expect(formatClock(0)).to.equal('0:00');
    expect(formatClock(999)).to.equal('0:00');
    expect(formatClock(61_000)).to.equal('1:01');
    expect(formatClock(300_000)).to.equal('5:00');
    expect(formatClock(1500, 'nearest')).to.equal('0:02');
    expect(formatClock(300, 'nearest')).to.equal('0:01');
    expect(formatClock(Infinity)).to.equal('0:00');
  });
});

describe('<file-card> of a voice message', () => {
  const view = (changes: Partial<FileView> = {}): FileView => ({
    name: 'Voice message 2025-03-04 05-06-07.webm',
    size: 6000,
    type: 'audio/webm;codecs=opus',
    state: 'complete',
    done: 6000,
    total: 6000,
    bytesPerSecond: null,
    secondsLeft: null,
    detail: null,
    canCancel: false,
    canSave: true,
    canRetry: false,
    previewUrl: url,
    voice: { durationMs: 1500, peaks: [10, 200, 30] },
    ...changes,
  });

  it('shows a player with the duration and keeps Save', async () => {
    const card = await fixture<FileCard>(
      html`<file-card .file=${view()} .messageId=${'a'.repeat(32)}></file-card>`,
    );
    const voicePlayer = card.shadowRoot!.querySelector('voice-player')!;
    expect(voicePlayer.src).to.equal(url);
    expect(voicePlayer.durationMs).to.equal(1500);
    await voicePlayer.updateComplete;
    // Each throws unless there is exactly one.
    getByRole(card, 'button', 'Play');
    getByRole(card, 'button', 'Save');
    expect(card.shadowRoot!.querySelector('img')).to.equal(null);
  });

  it('while the clip moves, shows its progress under the player', async () => {
    const card = await fixture<FileCard>(
      html`<file-card
        .file=${view({ state: 'moving', done: 3000, previewUrl: null, canSave: false, canCancel: true })}
        .messageId=${'a'.repeat(32)}
      ></file-card>`,
    );
    expect(queryAllByRole(card, 'progressbar')).to.have.length(1);
    expect(getByRole<HTMLButtonElement>(card, 'button', 'Play').disabled).to.equal(true);
  });
});
