import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../../../client/components/composer/voice-recorder.js';
import type { VoiceRecorder } from '../../../../client/components/composer/voice-recorder.js';
import type { VoiceRecordedEvent } from '../../../../client/components/events.js';
import type { VoiceRecordingOptions } from '../../../../client/app/voice/voice-recording.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

// The test browser has a fake microphone (a beep), granted to every test file's context. A refusal
// cannot be had from that browser (the permission is granted and --use-fake-ui-for-media-stream
// accepts any prompt), so the refusals here come from getUserMedia rejecting the way Chromium does:
// a DOMException named NotAllowedError. test/e2e/voice.test.ts covers a real refusal.

type RecorderOptions = Omit<VoiceRecordingOptions, 'onLimit' | 'onError'>;

async function recorder(options: RecorderOptions = {}): Promise<VoiceRecorder> {
  return fixture<VoiceRecorder>(html`<voice-recorder .recordingOptions=${options}></voice-recorder>`);
}

function button(element: VoiceRecorder, name: string): HTMLButtonElement {
  return getByRole<HTMLButtonElement>(element, 'button', name);
}

function has(element: VoiceRecorder, role: string, name?: string): boolean {
  return queryAllByRole(element, role, name).length > 0;
}

/** Clicks **Record voice message** and waits until recording (or an alert). */
async function startRecording(element: VoiceRecorder): Promise<void> {
  button(element, 'Record voice message').click();
  // The alert of an earlier try goes as the new one starts.
  await element.updateComplete;
  await waitUntil(
    () => has(element, 'button', 'Send voice message') || has(element, 'alert'),
    'recording did not start',
  );
}

function watchedMicrophone() {
  const streams: MediaStream[] = [];
  return {
    getUserMedia: async (constraints: MediaStreamConstraints) => {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      streams.push(stream);
      return stream;
    },
    released: () =>
      streams.length > 0 && streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended')),
  };
}

/** Lets the microphone record for `ms`: the clip's length, not a wait for something to happen. */
function recordFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const denied: RecorderOptions = {
  getUserMedia: () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')),
};

describe('<voice-recorder>', () => {
  it('offers Record voice message, and nothing else, until recording', async () => {
    const element = await recorder();
    expect(button(element, 'Record voice message').disabled).to.equal(false);
    expect(has(element, 'button', 'Send voice message')).to.equal(false);
    expect(has(element, 'button', 'Cancel recording')).to.equal(false);
    expect(has(element, 'timer')).to.equal(false);
  });

  it('while recording shows a running timer, Send voice message and Cancel recording', async () => {
    const element = await recorder();
    await startRecording(element);
    expect(has(element, 'button', 'Record voice message')).to.equal(false);
    const timer = getByRole(element, 'timer', 'Recording time');
    expect(timer.textContent?.trim()).to.equal('0:00');
    // The timer runs: it reaches the next second.
    await waitUntil(() => timer.textContent?.trim() === '0:01', 'the timer did not run', { timeout: 3000 });
    button(element, 'Cancel recording').click();
  });

  it('Send voice message stops and reports the clip with its duration and peaks', async () => {
    const element = await recorder();
    await startRecording(element);
    await recordFor(500);
    const sent = oneEvent(element, 'voice-recorded') as Promise<VoiceRecordedEvent>;
    button(element, 'Send voice message').click();
    const event = await sent;
    expect(event.blob.size).to.be.greaterThan(0);
    expect(event.blob.type).to.match(/^audio\//);
    expect(event.durationMs).to.be.greaterThan(0);
    expect(event.peaks.length).to.be.within(1, 128);
    expect(event.bubbles && event.composed).to.equal(true);
    await element.updateComplete;
    expect(has(element, 'button', 'Record voice message')).to.equal(true);
  });

  it('Cancel recording discards the clip and frees the microphone', async () => {
    const microphone = watchedMicrophone();
    const element = await recorder({ getUserMedia: microphone.getUserMedia });
    let reported = false;
    element.addEventListener('voice-recorded', () => (reported = true));
    await startRecording(element);
    button(element, 'Cancel recording').click();
    await element.updateComplete;
    expect(microphone.released()).to.equal(true);
    expect(has(element, 'button', 'Record voice message')).to.equal(true);
    expect(reported).to.equal(false);
  });

  it('sends by itself when the recording reaches its limit', async () => {
    let fire: (() => void) | null = null;
    const element = await recorder({
      setTimer: (callback) => {
        fire = callback;
        return () => {};
      },
    });
    await startRecording(element);
    await recordFor(500);
    const sent = oneEvent(element, 'voice-recorded') as Promise<VoiceRecordedEvent>;
    fire!();
    expect((await sent).blob.size).to.be.greaterThan(0);
  });

  it('a denied microphone says so in an alert, and Record voice message still works', async () => {
    const element = await recorder(denied);
    await startRecording(element);
    const alert = getByRole(element, 'alert');
    expect(alert.textContent)
      .to.match(/may not use your microphone/i)
      .and.to.match(/allow/i);
    const record = button(element, 'Record voice message');
    expect(record.disabled).to.equal(false);

    // Allowed now: the same button records, and the alert goes.
    element.recordingOptions = {};
    await element.updateComplete;
    await startRecording(element);
    expect(has(element, 'alert')).to.equal(false);
    expect(has(element, 'button', 'Send voice message')).to.equal(true);
    button(element, 'Cancel recording').click();
  });

  it('Send voice message at once, before any audio, says nothing was recorded', async () => {
    const element = await recorder();
    let reported = false;
    element.addEventListener('voice-recorded', () => (reported = true));
    await startRecording(element);
    button(element, 'Send voice message').click();
    await waitUntil(() => has(element, 'button', 'Record voice message'), 'did not finish');
    // Chromium's recorder has no data within moments of starting; a browser that has some sends it.
    if (!reported) expect(getByRole(element, 'alert').textContent).to.match(/nothing was recorded/i);
  });

  it('no microphone at all gets its own message', async () => {
    const element = await recorder({
      getUserMedia: () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError')),
    });
    await startRecording(element);
    expect(getByRole(element, 'alert').textContent).to.match(/no microphone was found/i);
  });

  it('frees the microphone when it leaves the page mid-recording', async () => {
    const microphone = watchedMicrophone();
    const element = await recorder({ getUserMedia: microphone.getUserMedia });
    await startRecording(element);
    element.remove();
    expect(microphone.released()).to.equal(true);
  });
});
