/**
 * The ceiling a file transfer is measured against: a bare RTCDataChannel between two pages, with no
 * app around it — the same 64 KiB chunks and `bufferedAmount` backpressure a transfer needs, and
 * nothing else (no framing, hashing, storage or acks). Signaling goes through Node (the pages hand
 * their complete SDP to the driver, non-trickle), so no server is involved.
 *
 * The pages are blank documents served by Playwright at an origin of the caller's choosing (the
 * Parley server's), so the context's microphone permission for that origin applies: on a
 * loopback-only machine Chromium gathers no ICE candidates without it (docs: environment.md).
 */
import type { BrowserContext, Page } from 'playwright-core';

export interface RawChannelOptions {
  /** Bytes per `send`. */
  chunkBytes: number;
  /** Stop sending while the channel buffers more than this… */
  highWaterBytes: number;
  /** …and start again when it has drained to this (`bufferedAmountLowThreshold`). */
  lowWaterBytes: number;
}

export const DEFAULT_RAW_OPTIONS: RawChannelOptions = Object.freeze({
  chunkBytes: 64 * 1024,
  highWaterBytes: 4 * 1024 * 1024,
  lowWaterBytes: 1024 * 1024,
});

/** One measured transfer: the sender's clock from the first `send` to the receiver's "all here". */
export interface RawTransfer {
  bytes: number;
  ms: number;
  /** Decimal megabytes (10^6 bytes) per second. */
  mbps: number;
  /**
   * A short text every 100 ms on a second, negotiated channel while the bytes move (as Parley's
   * chat lane): ms from its `send` to its message event at the receiver — what any app's chat gets
   * beside a transfer on this machine. Meaningful only where both pages share a clock.
   */
  chatMs: number[];
}

/** The page-side state, on `globalThis.__raw`. */
export interface RawState {
  pc: RTCPeerConnection;
  channel: RTCDataChannel | null;
  /** The negotiated text channel beside it (stream 512, as Parley's text lane). */
  text: RTCDataChannel;
  /** Receiver: ms from each text's send to its arrival, since the last transfer began. */
  chatMs: number[];
  opened: Promise<void>;
  /** Receiver: bytes the next transfer brings (0: none expected). */
  expected: number;
  received: number;
  /** Sender: resolves with the receiver's "done" message. */
  onDone: ((text: string) => void) | null;
  /**
   * Receiver: while set, takes each binary message instead of the counting above, and answers
   * "done" itself (lib/stored-floor.ts stores what arrives).
   */
  sink?: ((data: ArrayBuffer) => void) | null;
}

export type RawWindow = typeof globalThis & { __raw?: RawState };

const BLANK_PATH = '/__bench/raw-channel';
const SEND_QUEUE_LIMIT_BYTES = 16 * 1024 * 1024;

/** Two pages joined by one open data channel; `close()` closes both pages. */
export class RawPair {
  readonly sender: Page;
  readonly receiver: Page;

  private constructor(sender: Page, receiver: Page) {
    this.sender = sender;
    this.receiver = receiver;
  }

  /**
   * Opens a blank page at `origin` in each context and connects them. The two contexts may belong
   * to one browser or to two (two Chromium processes).
   */
  static async connect(
    senderContext: BrowserContext,
    receiverContext: BrowserContext,
    origin: string,
    timeoutMs: number,
  ): Promise<RawPair> {
    const [sender, receiver] = await Promise.all([
      openBlank(senderContext, origin),
      openBlank(receiverContext, origin),
    ]);
    const pair = new RawPair(sender, receiver);
    try {
      await pair.#connect(timeoutMs);
    } catch (error) {
      await pair.close();
      throw error;
    }
    return pair;
  }

  async #connect(timeoutMs: number): Promise<void> {
    await this.sender.evaluate(async () => {
      const pc = new RTCPeerConnection();
      const channel = pc.createDataChannel('raw', { ordered: true });
      channel.binaryType = 'arraybuffer';
      const text = pc.createDataChannel('text', { negotiated: true, id: 512, ordered: true });
      const state: RawState = {
        pc,
        channel,
        text,
        chatMs: [],
        opened: new Promise((resolve) => channel.addEventListener('open', () => resolve(), { once: true })),
        expected: 0,
        received: 0,
        onDone: null,
      };
      channel.addEventListener('message', (event: MessageEvent<unknown>) => {
        if (typeof event.data === 'string') state.onDone?.(event.data);
      });
      (globalThis as RawWindow).__raw = state;
      await pc.setLocalDescription(await pc.createOffer());
    });
    const offer = await gatheredSdp(this.sender, 'offer', timeoutMs);

    await this.receiver.evaluate(async (offer) => {
      const pc = new RTCPeerConnection();
      let markOpen: () => void = () => undefined;
      const text = pc.createDataChannel('text', { negotiated: true, id: 512, ordered: true });
      const state: RawState = {
        pc,
        channel: null,
        text,
        chatMs: [],
        opened: new Promise((resolve) => (markOpen = resolve)),
        expected: 0,
        received: 0,
        onDone: null,
      };
      // Each text is the sender's wall clock when it was sent.
      text.addEventListener('message', (event: MessageEvent<string>) =>
        state.chatMs.push(performance.timeOrigin + performance.now() - Number(event.data)),
      );
      pc.addEventListener('datachannel', ({ channel }) => {
        state.channel = channel;
        channel.binaryType = 'arraybuffer';
        // Counting is all the receiver does: this is the ceiling, not an app.
        channel.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
          if (typeof event.data === 'string') return;
          if (state.sink) return state.sink(event.data);
          state.received += event.data.byteLength;
          if (state.expected === 0 || state.received < state.expected) return;
          channel.send(`done ${state.received}`);
          state.expected = 0;
          state.received = 0;
        });
        if (channel.readyState === 'open') markOpen();
        else channel.addEventListener('open', () => markOpen(), { once: true });
      });
      (globalThis as RawWindow).__raw = state;
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      await pc.setLocalDescription(await pc.createAnswer());
    }, offer);
    const answer = await gatheredSdp(this.receiver, 'answer', timeoutMs);

    await this.sender.evaluate(
      (answer) => (globalThis as RawWindow).__raw!.pc.setRemoteDescription({ type: 'answer', sdp: answer }),
      answer,
    );
    await Promise.all(
      [this.sender, this.receiver].map((page) =>
        page.evaluate(
          (timeoutMs) =>
            new Promise<void>((resolve, reject) => {
              const timer = setTimeout(
                () => reject(new Error(`the raw data channel did not open within ${timeoutMs} ms`)),
                timeoutMs,
              );
              void (globalThis as RawWindow).__raw!.opened.then(() => {
                clearTimeout(timer);
                resolve();
              });
            }),
          timeoutMs,
        ),
      ),
    );
  }

  /**
   * Sends `bytes` of random data over the channel and waits until the receiver has counted them all
   * (it answers on the same channel). Fails after `timeoutMs`, or if the channel closes.
   */
  async transfer(bytes: number, timeoutMs: number, options = DEFAULT_RAW_OPTIONS): Promise<RawTransfer> {
    if (!Number.isInteger(bytes) || bytes <= 0)
      throw new RangeError(`bytes must be a positive integer, got ${bytes}`);
    // Chromium throws "send queue is full" once 16 MiB are buffered (environment.md; seen here too).
    if (options.highWaterBytes + options.chunkBytes > SEND_QUEUE_LIMIT_BYTES)
      throw new RangeError('the high watermark plus a chunk must stay under 16 MiB');
    if (options.lowWaterBytes > options.highWaterBytes)
      throw new RangeError('the low watermark must not exceed the high one');
    await this.receiver.evaluate((bytes) => {
      const state = (globalThis as RawWindow).__raw!;
      state.expected = bytes;
      state.received = 0;
      state.chatMs = [];
    }, bytes);
    const ms = await this.sender.evaluate(
      async ({ bytes, timeoutMs, options }) => {
        const state = (globalThis as RawWindow).__raw!;
        const channel = state.channel!;
        // getRandomValues fills at most 65,536 bytes per call.
        const chunk = new Uint8Array(options.chunkBytes);
        for (let at = 0; at < chunk.length; at += 65_536)
          crypto.getRandomValues(chunk.subarray(at, at + 65_536));
        channel.bufferedAmountLowThreshold = options.lowWaterBytes;

        let fail: (error: Error) => void = () => undefined;
        const failed = new Promise<never>((_, reject) => (fail = reject));
        // Raced at every wait; a rejection after the last one must not surface as an uncaught error.
        failed.catch(() => undefined);
        const timer = setTimeout(
          () => fail(new Error(`raw transfer of ${bytes} bytes took over ${timeoutMs} ms`)),
          timeoutMs,
        );
        const onClose = (): void => fail(new Error('the raw data channel closed during a transfer'));
        channel.addEventListener('close', onClose);
        const done = new Promise<string>((resolve) => (state.onDone = resolve));
        const drained = (): Promise<void> =>
          new Promise((resolve) =>
            channel.addEventListener('bufferedamountlow', () => resolve(), { once: true }),
          );
        const chat = setInterval(() => {
          if (state.text.readyState === 'open')
            state.text.send(String(performance.timeOrigin + performance.now()));
        }, 100);
        try {
          const startedAt = performance.now();
          for (let sent = 0; sent < bytes;) {
            if (channel.bufferedAmount > options.highWaterBytes) await Promise.race([drained(), failed]);
            const size = Math.min(chunk.length, bytes - sent);
            channel.send(size === chunk.length ? chunk : chunk.subarray(0, size));
            sent += size;
          }
          const reply = await Promise.race([done, failed]);
          const elapsed = performance.now() - startedAt;
          if (reply !== `done ${bytes}`)
            throw new Error(`the receiver answered "${reply}" to ${bytes} bytes`);
          return elapsed;
        } finally {
          clearInterval(chat);
          clearTimeout(timer);
          channel.removeEventListener('close', onClose);
          state.onDone = null;
        }
      },
      { bytes, timeoutMs, options },
    );
    const chatMs = await this.receiver.evaluate(() => (globalThis as RawWindow).__raw!.chatMs);
    return { bytes, ms, mbps: bytes / 1e6 / (ms / 1000), chatMs };
  }

  /** Closes both pages (and with them the connection). Safe to call twice. */
  async close(): Promise<void> {
    await Promise.all([this.sender.close(), this.receiver.close()]);
  }
}

/**
 * The page's local description once ICE gathering is complete: signaling is not trickled, so the
 * SDP handed over must already hold every candidate.
 */
function gatheredSdp(page: Page, kind: 'offer' | 'answer', timeoutMs: number): Promise<string> {
  return page.evaluate(
    async ({ kind, timeoutMs }) => {
      const pc = (globalThis as RawWindow).__raw!.pc;
      await new Promise<void>((resolve, reject) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        const timer = setTimeout(() => reject(new Error(`ICE gathering (${kind}) timed out`)), timeoutMs);
        pc.addEventListener('icegatheringstatechange', () => {
          if (pc.iceGatheringState !== 'complete') return;
          clearTimeout(timer);
          resolve();
        });
      });
      return pc.localDescription!.sdp;
    },
    { kind, timeoutMs },
  );
}

async function openBlank(context: BrowserContext, origin: string): Promise<Page> {
  const url = new URL(BLANK_PATH, origin).href;
  await context.route(url, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>raw channel</title>' }),
  );
  const page = await context.newPage();
  await page.goto(url);
  return page;
}
