import { expect } from '@open-wc/testing';
import {
  VoiceRecording,
  VoiceRecordingError,
  peaksOf,
  voiceErrorText,
  voiceFileName,
} from '../../../../client/app/voice/voice-recording.js';
import type { VoiceClip, VoiceRecordingOptions } from '../../../../client/app/voice/voice-recording.js';
import { MAX_VOICE_PEAKS } from '../../../../shared/file-protocol.js';

// The test browser has a fake microphone (a beep) and grants it: scripts/chromium.mjs and
// web-test-runner.config.mjs.

/** Lets the microphone record for `ms`: the length of the clip, not a wait for something to happen. */
function recordFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The real getUserMedia, keeping each stream it gives so a test can see whether it was released. */
function watchedMicrophone() {
  const streams: MediaStream[] = [];
  const getUserMedia = async (constraints: MediaStreamConstraints) => {
    const stream = await navigator.mediaDevices.getUserMedia(constraints);
    streams.push(stream);
    return stream;
  };
  const released = () => streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended'));
  return { getUserMedia, streams, released };
}

function rejecting(name: string): VoiceRecordingOptions['getUserMedia'] {
  return () => Promise.reject(new DOMException('refused in the test', name));
}

async function startError(options: VoiceRecordingOptions): Promise<VoiceRecordingError> {
  try {
    const recording = await VoiceRecording.start(options);
    recording.cancel();
  } catch (error) {
    expect(error).to.be.instanceOf(VoiceRecordingError);
    return error as VoiceRecordingError;
  }
  throw new Error('the recording started');
}

describe('VoiceRecording', () => {
  it('records the microphone into an Opus clip with its duration and peaks, and releases it', async () => {
    const microphone = watchedMicrophone();
    const recording = await VoiceRecording.start({ getUserMedia: microphone.getUserMedia });
    expect(recording.recording).to.equal(true);
    expect(microphone.released()).to.equal(false);
    await recordFor(1200);
    const clip = await recording.stop();
    const clock = recording.elapsedMs;

    expect(clip.type).to.match(/^audio\/webm;codecs=opus$/i);
    expect(clip.blob.size).to.be.greaterThan(0);
    expect(clip.blob.type).to.equal(clip.type);
    // The decoded length and the recording clock agree within the tolerance.
    expect(Math.abs(clip.durationMs - clock)).to.be.at.most(300);
    expect(Number.isInteger(clip.durationMs)).to.equal(true);
    expect(clip.peaks.length).to.be.within(1, MAX_VOICE_PEAKS);
    expect(clip.peaks.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)).to.equal(true);
    // The fake microphone beeps: the loudest slice is scaled to full height.
    expect(Math.max(...clip.peaks)).to.equal(255);
    expect(recording.recording).to.equal(false);
    expect(microphone.released()).to.equal(true);
  });

  it('counts elapsed time on its clock and freezes it when stopped', async () => {
    let now = 1000;
    const recording = await VoiceRecording.start({ now: () => now });
    expect(recording.elapsedMs).to.equal(0);
    now = 3500;
    expect(recording.elapsedMs).to.equal(2500);
    // Stopped at once, the recorder may not have handed over any audio yet: this test is about the
    // clock, so an `empty` clip is as good as a full one here.
    const stopping = recording.stop().catch((error: unknown) => {
      if (!(error instanceof VoiceRecordingError && error.code === 'empty')) throw error;
    });
    now = 9000;
    await stopping;
    expect(recording.elapsedMs).to.equal(2500);
  });

  it('cancel discards the recording and releases the microphone at once', async () => {
    const microphone = watchedMicrophone();
    const recording = await VoiceRecording.start({ getUserMedia: microphone.getUserMedia });
    recording.cancel();
    expect(microphone.released()).to.equal(true);
    expect(recording.recording).to.equal(false);
    let error: unknown = null;
    await recording.stop().catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(VoiceRecordingError);
    expect((error as VoiceRecordingError).code).to.equal('failed');
  });

  it('stops by itself at the limit and hands over the clip to send', async () => {
    const microphone = watchedMicrophone();
    let fire: (() => void) | null = null;
    let limitMs = 0;
    let cancelled = false;
    const limited = new Promise<VoiceClip>((resolve) => {
      void VoiceRecording.start({
        getUserMedia: microphone.getUserMedia,
        onLimit: resolve,
        setTimer: (callback, ms) => {
          fire = callback;
          limitMs = ms;
          return () => (cancelled = true);
        },
      }).then(async () => {
        await recordFor(300);
        // Time steps to the limit.
        fire?.();
      });
    });
    const clip = await limited;
    expect(limitMs).to.equal(5 * 60 * 1000);
    expect(clip.blob.size).to.be.greaterThan(0);
    expect(clip.durationMs).to.be.greaterThan(0);
    expect(cancelled).to.equal(true);
    expect(microphone.released()).to.equal(true);
  });

  it('reports a microphone that ends mid-recording as failed, keeping nothing', async () => {
    const microphone = watchedMicrophone();
    const failed = new Promise<VoiceRecordingError>((resolve) => {
      void VoiceRecording.start({ getUserMedia: microphone.getUserMedia, onError: resolve }).then(() => {
        // The device goes away: its track ends, and the recorder stops on its own.
        for (const track of microphone.streams[0]!.getTracks()) track.stop();
      });
    });
    const error = await failed;
    expect(error.code).to.equal('failed');
  });

  it('turns getUserMedia refusals into codes', async () => {
    const cases = [
      ['NotAllowedError', 'denied'],
      ['NotFoundError', 'no-microphone'],
      ['OverconstrainedError', 'no-microphone'],
      ['NotReadableError', 'busy'],
      ['AbortError', 'busy'],
      ['SomethingNewError', 'failed'],
    ] as const;
    for (const [name, code] of cases) {
      const error = await startError({ getUserMedia: rejecting(name) });
      expect(error.code, name).to.equal(code);
    }
  });

  it('says in words what each code means and what to do', () => {
    expect(voiceErrorText('denied'))
      .to.match(/microphone/i)
      .and.to.match(/allow/i);
    expect(voiceErrorText('no-microphone')).to.match(/no microphone/i);
    expect(voiceErrorText('insecure')).to.match(/https/);
  });
});

describe('peaksOf', () => {
  const buffer = (samples: number[]) => ({
    length: samples.length,
    getChannelData: () => Float32Array.from(samples),
  });

  it('takes the loudest sample of each slice, scaled so the loudest slice is 255', () => {
    expect(peaksOf(buffer([0.25, -0.5, 1, 0.25, 0, -0.125, 0.5, 0.25]), 4)).to.deep.equal([
      128, 255, 32, 128,
    ]);
  });

  it('keeps near-silence flat instead of amplifying its noise', () => {
    expect(peaksOf(buffer([0.001, 0.002, 0.001, 0]), 2)).to.deep.equal([10, 5]);
  });

  it('gives no more slices than samples, and none for no audio', () => {
    expect(peaksOf(buffer([0.5, 0.25]), 128)).to.deep.equal([255, 128]);
    expect(peaksOf(buffer([]), 128)).to.deep.equal([]);
  });
});

describe('voiceFileName', () => {
  it('names the clip by its time, with the extension of its container', () => {
    const at = new Date('2025-03-04T05:06:07.890Z');
    expect(voiceFileName('audio/webm;codecs=opus', at)).to.equal('Voice message 2025-03-04 05-06-07.webm');
    expect(voiceFileName('audio/ogg; codecs=opus', at)).to.match(/\.ogg$/);
    expect(voiceFileName('audio/mp4', at)).to.match(/\.m4a$/);
    expect(voiceFileName('', at)).to.match(/\.webm$/);
  });
});
