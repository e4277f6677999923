import { expect } from '@open-wc/testing';
import { BULK_HIGH_WATER, BULK_LOW_WATER, BulkScheduler } from '../../../client/net/bulk-scheduler.js';
import type { BulkLink, BulkSource } from '../../../client/net/bulk-scheduler.js';
import { PeerConnection } from '../../../client/net/peer-connection.js';

const FRAME_BYTES = 64 * 1024;

/** One side of a real connection, recording what arrives and letting a test await it. */
class End {
  readonly texts: string[] = [];
  readonly binaries: Uint8Array[] = [];
  /** How many binary frames had arrived when each text frame did. */
  readonly binariesBeforeText: number[] = [];
  /** Set by a test: where the channel's low-water event goes. */
  onDrain: () => void = () => undefined;
  /** Set by a test that checks frames as they come instead of keeping them. */
  onBinary: ((data: Uint8Array) => void) | null = null;
  /** Likewise for text frames. */
  onText: ((text: string) => void) | null = null;
  opened: Promise<void>;
  connection!: PeerConnection;
  #open!: () => void;
  #waiters: Array<() => void> = [];

  constructor() {
    this.opened = new Promise((resolve) => (this.#open = resolve));
  }

  connect(initiator: boolean, other: () => PeerConnection, lowWater?: number): void {
    this.connection = new PeerConnection(
      { initiator, iceServers: [], ...(lowWater === undefined ? {} : { lowWater }) },
      {
        onSignal: (signal) => queueMicrotask(() => other().signal(signal)),
        onOpen: () => this.#open(),
        onText: (text) => {
          if (this.onText) return this.onText(text);
          this.texts.push(text);
          this.binariesBeforeText.push(this.binaries.length);
          this.#changed();
        },
        onBinary: (data) => {
          if (this.onBinary) this.onBinary(data);
          else this.binaries.push(data);
          this.#changed();
        },
        onDrain: () => this.onDrain(),
        onClose: () => undefined,
      },
    );
  }

  async until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((wake) => this.#waiters.push(wake));
  }

  #changed(): void {
    this.#waiters.splice(0).forEach((wake) => wake());
  }
}

async function connectedPair(lowWater?: number): Promise<{ a: End; b: End; close(): void }> {
  const a = new End();
  const b = new End();
  a.connect(true, () => b.connection, lowWater);
  b.connect(false, () => a.connection, lowWater);
  await Promise.all([a.opened, b.opened]);
  return {
    a,
    b,
    close() {
      a.connection.close();
      b.connection.close();
    },
  };
}

/** A frame like a chunk frame: tag 0x01, the source's letter, a sequence number, then filler. */
function frame(source: number, seq: number, length = FRAME_BYTES): Uint8Array {
  const data = new Uint8Array(length).fill(seq & 0xff);
  data[0] = 0x01;
  data[1] = source;
  new DataView(data.buffer).setUint32(2, seq);
  return data;
}

function seqOf(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(2);
}

/** A source of `count` frames (unbounded when Infinity), counting how many it handed out. */
function countingSource(
  letter: string,
  count: number,
  length = FRAME_BYTES,
): BulkSource & { handedOut: number } {
  return {
    handedOut: 0,
    next() {
      if (this.handedOut >= count) return null;
      return frame(letter.charCodeAt(0), this.handedOut++, length);
    },
  };
}

/** The real connection's link, noting the largest queue it ever had right after a send. */
function watchedLink(connection: PeerConnection): BulkLink & { maxBuffered: number } {
  return {
    maxBuffered: 0,
    get bufferedAmount() {
      return connection.bufferedAmount;
    },
    sendBinary(data) {
      const sent = connection.sendBinary(data);
      this.maxBuffered = Math.max(this.maxBuffered, connection.bufferedAmount);
      return sent;
    },
  };
}

describe('BulkScheduler over a real connection', () => {
  it('delivers 32 MiB of 64 KiB frames complete and in order, never queueing past high water + one frame', async function () {
    this.timeout(30_000);
    const { a, b, close } = await connectedPair();
    const link = watchedLink(a.connection);
    const scheduler = new BulkScheduler(link);
    a.onDrain = () => scheduler.drained();
    const count = (32 * 1024 * 1024) / FRAME_BYTES;
    let received = 0;
    let inOrder = true;
    let intact = true;
    b.onBinary = (data) => {
      if (data.byteLength !== FRAME_BYTES || seqOf(data) !== received) inOrder = false;
      const fill = received & 0xff;
      for (let i = 6; i < data.byteLength; i++) if (data[i] !== fill) intact = false;
      received++;
    };
    scheduler.add(countingSource('A', count));
    await b.until(() => received === count);
    expect(inOrder, 'in order').to.equal(true);
    expect(intact, 'bytes intact').to.equal(true);
    expect(link.maxBuffered).to.be.greaterThan(0);
    expect(link.maxBuffered).to.be.at.most(BULK_HIGH_WATER + FRAME_BYTES);
    close();
  });

  it('sends a text frame ahead of the chunks still to come', async function () {
    this.timeout(30_000);
    const { a, b, close } = await connectedPair();
    const scheduler = new BulkScheduler(a.connection);
    a.onDrain = () => scheduler.drained();
    const count = 256;
    const source = countingSource('A', count);
    scheduler.add(source);
    // The app sends chat from its own task, while the bulk stream is under way.
    while (source.handedOut < count / 4) await new Promise((resolve) => setTimeout(resolve, 0));
    const handedOutAtText = source.handedOut;
    expect(a.connection.send('{"type":"chat"}')).to.equal(true);
    await b.until(() => b.binaries.length === count);
    expect(b.texts).to.deep.equal(['{"type":"chat"}']);
    // Only the frames already queued (at most high water + one frame) are ahead of the text.
    const queuedAhead = BULK_HIGH_WATER / FRAME_BYTES + 1;
    expect(handedOutAtText).to.be.at.most(count / 4 + queuedAhead);
    expect(b.binariesBeforeText[0]).to.be.at.most(handedOutAtText);
    expect(count - b.binariesBeforeText[0]!).to.be.at.least(count - count / 4 - queuedAhead);
    expect(b.binaries.map(seqOf)).to.deep.equal(Array.from({ length: count }, (_, i) => i));
    close();
  });

  it('takes turns between two sources on one link', async function () {
    this.timeout(30_000);
    const { a, b, close } = await connectedPair();
    const scheduler = new BulkScheduler(a.connection);
    a.onDrain = () => scheduler.drained();
    scheduler.add(countingSource('A', 64, 1024));
    scheduler.add(countingSource('B', 64, 1024));
    await b.until(() => b.binaries.length === 128);
    const letters = b.binaries.map((data) => String.fromCharCode(data[1]!)).join('');
    expect(letters).to.equal('AB'.repeat(64));
    close();
  });

  it('stops pulling from a removed source, and from every source once closed', async function () {
    this.timeout(30_000);
    const { a, b, close } = await connectedPair();
    const scheduler = new BulkScheduler(a.connection);
    a.onDrain = () => scheduler.drained();
    const first = countingSource('A', Infinity);
    const second = countingSource('B', Infinity);
    scheduler.add(first);
    scheduler.add(second);
    await b.until(() => b.binaries.length >= 32);
    scheduler.remove(first);
    const firstHandedOut = first.handedOut;
    await b.until(() => b.binaries.length >= 64);
    expect(first.handedOut).to.equal(firstHandedOut);
    scheduler.close();
    const secondHandedOut = second.handedOut;
    scheduler.wake();
    scheduler.drained();
    scheduler.add(countingSource('C', Infinity));
    // A binary frame sent now arrives after every binary frame sent before it: then nothing more is
    // coming. (Not a text frame: text has its own lane and overtakes binary frames.)
    const marker = Uint8Array.of(0x01, 'M'.charCodeAt(0));
    a.connection.sendBinary(marker);
    await b.until(() => b.binaries.some((data) => data[1] === marker[1]));
    expect(second.handedOut).to.equal(secondHandedOut);
    expect(b.binaries.length).to.equal(firstHandedOut + secondHandedOut + 1);
    expect(b.binaries.some((data) => data[1] === 'C'.charCodeAt(0))).to.equal(false);
    close();
  });
});

/**
 * A link whose queue the test sets by hand: a real channel drains on its own schedule, so exact
 * checks of when the scheduler stops and resumes need a queue nothing else touches.
 */
function handLink(): BulkLink & { sent: Uint8Array[]; bufferedAmount: number } {
  return {
    sent: [],
    bufferedAmount: 0,
    sendBinary(data) {
      this.sent.push(data);
      this.bufferedAmount += data.byteLength;
      return true;
    },
  };
}

const microtask = () => new Promise<void>((resolve) => queueMicrotask(resolve));
/** The next task: a pass that used up its slice goes on in one queued before it. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
/** A clock that never moves, so no pass of these exact checks is ever cut by its time slice. */
const frozen = () => 0;

describe('BulkScheduler pacing', () => {
  it('sends while the queue is below high water and resumes when drained', async () => {
    const link = handLink();
    const scheduler = new BulkScheduler(link, { highWater: 100, now: frozen });
    scheduler.add(countingSource('A', Infinity, 30));
    await microtask();
    expect(link.sent.length).to.equal(4); // 0, 30, 60, 90 < 100
    expect(link.bufferedAmount).to.equal(120);
    link.bufferedAmount = 99;
    scheduler.drained();
    expect(link.sent.length).to.equal(5);
    link.bufferedAmount = 0;
    scheduler.drained();
    expect(link.sent.length).to.equal(9);
  });

  it('asks an idle source again only when woken, once per burst of wakes', async () => {
    const link = handLink();
    const scheduler = new BulkScheduler(link, { highWater: 100, now: frozen });
    let ready = 0;
    let asked = 0;
    const source: BulkSource = {
      next() {
        asked++;
        if (ready === 0) return null;
        ready--;
        return new Uint8Array(10);
      },
    };
    scheduler.add(source);
    await microtask();
    expect(asked).to.equal(1);
    ready = 2;
    for (let i = 0; i < 10; i++) scheduler.wake();
    await microtask();
    expect(link.sent.length).to.equal(2);
    expect(asked).to.equal(4); // two frames, then one null
    scheduler.drained(); // a drained queue does not make an idle source ready
    expect(asked).to.equal(5);
  });

  it('keeps sending from a busy source while another is idle, and returns to the idle one when it wakes', async () => {
    const link = handLink();
    const scheduler = new BulkScheduler(link, { highWater: 50, now: frozen });
    let idleReady = false;
    const idle: BulkSource = { next: () => (idleReady ? frame(0x49, 0, 10) : null) };
    scheduler.add(idle);
    scheduler.add(countingSource('B', Infinity, 10));
    await microtask();
    expect(link.sent.map((data) => data[1])).to.deep.equal(Array(5).fill(0x42));
    idleReady = true;
    link.bufferedAmount = 0;
    scheduler.wake();
    await microtask();
    expect(link.sent.slice(5).map((data) => String.fromCharCode(data[1]!))).to.deep.equal([
      'I',
      'B',
      'I',
      'B',
      'I',
    ]);
  });

  it('sends for at most its time slice in one task, and goes on in the next', async () => {
    let clock = 0;
    const link = handLink();
    const send = link.sendBinary.bind(link);
    // Each send takes 3 ms, as a send does while the browser's WebRTC thread is busy.
    link.sendBinary = (data) => {
      clock += 3;
      return send(data);
    };
    const scheduler = new BulkScheduler(link, { highWater: 1000, sliceMs: 8, now: () => clock });
    scheduler.add(countingSource('A', Infinity, 10));
    await microtask();
    expect(link.sent.length).to.equal(3); // at 0, 3 and 6 ms; at 9 the slice is used up
    await nextTask();
    expect(link.sent.length).to.equal(6);
    scheduler.close();
    await nextTask();
    expect(link.sent.length).to.equal(6);
  });

  it('survives a source that removes itself while being asked', async () => {
    const link = handLink();
    const scheduler = new BulkScheduler(link, { highWater: 1000, now: frozen });
    let left = 3;
    const quitter: BulkSource = {
      next() {
        if (--left === 0) scheduler.remove(quitter);
        return frame(0x51, left, 10);
      },
    };
    const steady = countingSource('S', 4, 10);
    scheduler.add(quitter);
    scheduler.add(steady);
    await microtask();
    expect(link.sent.map((data) => String.fromCharCode(data[1]!)).join('')).to.equal('QSQSQSS');
  });

  it('stops at a link that refuses to send', async () => {
    const source = countingSource('A', Infinity, 10);
    const scheduler = new BulkScheduler({ bufferedAmount: 0, sendBinary: () => false }, { now: frozen });
    scheduler.add(source);
    await microtask();
    expect(source.handedOut).to.equal(1);
  });

  it('refuses a time slice that is not a positive number of ms', () => {
    for (const sliceMs of [0, -1, Number.NaN])
      expect(() => new BulkScheduler(handLink(), { sliceMs })).to.throw(TypeError);
  });

  it('refuses a high water mark that is not a positive byte count', () => {
    const link = handLink();
    expect(() => new BulkScheduler(link, { highWater: 0 })).to.throw(TypeError);
    expect(() => new BulkScheduler(link, { highWater: 1.5 })).to.throw(TypeError);
    expect(BULK_LOW_WATER).to.be.lessThan(BULK_HIGH_WATER);
  });
});
