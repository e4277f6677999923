import { expect } from '@open-wc/testing';
import { PeerConnection } from '../../../client/net/peer-connection.js';
import type { PeerConnectionHandlers } from '../../../client/net/peer-connection.js';

/** A handler set that records what happened and lets a test await it. */
function recorder() {
  const texts: string[] = [];
  const binaries: Uint8Array[] = [];
  let drains = 0;
  let resolveOpen!: () => void;
  let resolveClose!: (error?: Error) => void;
  const opened = new Promise<void>((resolve) => (resolveOpen = resolve));
  const closed = new Promise<Error | undefined>((resolve) => (resolveClose = resolve));
  const waiters: Array<() => void> = [];
  let peer: PeerConnection | null = null;
  const handlers: PeerConnectionHandlers = {
    onSignal: (signal) => queueMicrotask(() => other?.signal(signal)),
    onOpen: () => resolveOpen(),
    onText: (text) => {
      texts.push(text);
      waiters.splice(0).forEach((wake) => wake());
    },
    onBinary: (data) => {
      binaries.push(data);
      waiters.splice(0).forEach((wake) => wake());
    },
    onDrain: () => {
      drains++;
      waiters.splice(0).forEach((wake) => wake());
    },
    onClose: (error) => resolveClose(error),
  };
  let other: PeerConnection | null = null;
  return {
    handlers,
    texts,
    binaries,
    get drains() {
      return drains;
    },
    opened,
    closed,
    connectTo(remote: PeerConnection) {
      other = remote;
    },
    set self(p: PeerConnection) {
      peer = p;
    },
    get self(): PeerConnection {
      if (!peer) throw new Error('no peer');
      return peer;
    },
    async waitForTexts(count: number) {
      while (texts.length < count) await new Promise<void>((wake) => waiters.push(wake));
    },
    async waitFor(done: () => boolean) {
      while (!done()) await new Promise<void>((wake) => waiters.push(wake));
    },
  };
}

function pair(lowWater?: number) {
  const a = recorder();
  const b = recorder();
  const low = lowWater === undefined ? {} : { lowWater };
  a.self = new PeerConnection({ initiator: true, iceServers: [], ...low }, a.handlers);
  b.self = new PeerConnection({ initiator: false, iceServers: [], ...low }, b.handlers);
  a.connectTo(b.self);
  b.connectTo(a.self);
  return { a, b };
}

describe('PeerConnection', () => {
  it('opens a data channel between two connections in one page and carries text both ways', async () => {
    const { a, b } = pair();
    await Promise.all([a.opened, b.opened]);
    expect(a.self.isOpen).to.equal(true);
    // Text frames are JSON objects: their first byte, `{`, is what tells them from binary frames.
    expect(a.self.send('{"text":"hello from a"}')).to.equal(true);
    expect(b.self.send('{"text":"héllo from b, 爱丽丝 👋"}')).to.equal(true);
    await Promise.all([b.waitForTexts(1), a.waitForTexts(1)]);
    expect(b.texts).to.deep.equal(['{"text":"hello from a"}']);
    expect(a.texts).to.deep.equal(['{"text":"héllo from b, 爱丽丝 👋"}']);
    a.self.close();
    b.self.close();
  });

  it('keeps the order of many frames and reports a sensible maxMessageSize', async () => {
    const { a, b } = pair();
    await Promise.all([a.opened, b.opened]);
    for (let i = 0; i < 200; i++) a.self.send(`{"n":${i}}`);
    await b.waitForTexts(200);
    expect(b.texts).to.deep.equal(Array.from({ length: 200 }, (_, i) => `{"n":${i}}`));
    expect(a.self.maxMessageSize).to.be.greaterThan(16 * 1024);
    expect(a.self.bufferedAmount).to.be.at.least(0);
    a.self.close();
    b.self.close();
  });

  it('carries binary frames byte for byte, apart from text frames, in the order sent', async () => {
    const { a, b } = pair();
    await Promise.all([a.opened, b.opened]);
    const bytes = (length: number, seed: number) =>
      Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
    const zeroFirst = bytes(300, 0); // starts with 0x00
    const chunkFrame = bytes(64 * 1024 + 21, 1); // a chunk frame's size: 64 KiB of data + the header
    chunkFrame[0] = 0x01;
    const oneByte = Uint8Array.of(0xff);
    // Only the view's bytes travel, not the rest of its buffer.
    const view = bytes(100, 7).subarray(10, 20);
    expect(a.self.sendBinary(zeroFirst)).to.equal(true);
    expect(a.self.send('{"type":"between"}')).to.equal(true);
    expect(a.self.sendBinary(chunkFrame)).to.equal(true);
    expect(a.self.sendBinary(oneByte)).to.equal(true);
    expect(a.self.sendBinary(view)).to.equal(true);
    expect(a.self.send('{"text":"爱丽丝 👋"}')).to.equal(true);
    await b.waitFor(() => b.binaries.length === 4 && b.texts.length === 2);
    expect(b.texts).to.deep.equal(['{"type":"between"}', '{"text":"爱丽丝 👋"}']);
    expect(b.binaries.map((data) => [...data])).to.deep.equal(
      [zeroFirst, chunkFrame, oneByte, view].map((data) => [...data]),
    );
    expect(b.binaries.every((data) => data.constructor === Uint8Array)).to.equal(true);
    a.self.close();
    b.self.close();
  });

  it('delivers a text frame sent behind megabytes of queued binary frames before they are through', async () => {
    const { a, b } = pair();
    await Promise.all([a.opened, b.opened]);
    const chunk = new Uint8Array(64 * 1024).fill(1);
    const total = 64; // 4 MiB queued at once: far more than the bulk channel ever holds in the app
    for (let i = 0; i < total; i++) expect(a.self.sendBinary(chunk)).to.equal(true);
    expect(a.self.bufferedAmount).to.be.greaterThan(512 * 1024);
    expect(a.self.send('{"type":"chat"}')).to.equal(true);
    await b.waitForTexts(1);
    // On one shared channel the text would come after every chunk queued before it.
    expect(b.binaries.length).to.be.lessThan(total);
    await b.waitFor(() => b.binaries.length === total);
    a.self.close();
    b.self.close();
  });

  it('tells its owner when the queue drains to the low-water mark', async () => {
    const lowWater = 128 * 1024;
    const { a, b } = pair(lowWater);
    await Promise.all([a.opened, b.opened]);
    const frame = new Uint8Array(64 * 1024);
    while (a.self.bufferedAmount <= lowWater) a.self.sendBinary(frame);
    await a.waitFor(() => a.drains > 0);
    expect(a.self.bufferedAmount).to.be.at.most(lowWater);
    a.self.close();
    b.self.close();
  });

  it('tells the other side when one side closes, and refuses to send after close', async () => {
    const { a, b } = pair();
    await Promise.all([a.opened, b.opened]);
    a.self.close();
    await b.closed;
    expect(a.self.send('too late')).to.equal(false);
    expect(a.self.sendBinary(Uint8Array.of(1))).to.equal(false);
    expect(b.self.isOpen).to.equal(false);
  });
});
