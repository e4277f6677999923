import { expect } from '@open-wc/testing';
import { PeerConnection } from '../../../client/net/peer-connection.js';
import type { PeerConnectionHandlers } from '../../../client/net/peer-connection.js';

/** A handler set that records what happened and lets a test await it. */
function recorder() {
  const texts: string[] = [];
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
    onClose: (error) => resolveClose(error),
  };
  let other: PeerConnection | null = null;
  return {
    handlers,
    texts,
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
  };
}

function pair() {
  const a = recorder();
  const b = recorder();
  a.self = new PeerConnection({ initiator: true, iceServers: [] }, a.handlers);
  b.self = new PeerConnection({ initiator: false, iceServers: [] }, b.handlers);
  a.connectTo(b.self);
  b.connectTo(a.self);
  return { a, b };
}

describe('PeerConnection', () => {
  it('opens a data channel between two connections in one page and carries text both ways', async () => {
    const { a, b } = pair();
    await Promise.all([a.opened, b.opened]);
    expect(a.self.isOpen).to.equal(true);
    expect(a.self.send('hello from a')).to.equal(true);
    expect(b.self.send('héllo from b, 爱丽丝 👋')).to.equal(true);
    await Promise.all([b.waitForTexts(1), a.waitForTexts(1)]);
    expect(b.texts).to.deep.equal(['hello from a']);
    expect(a.texts).to.deep.equal(['héllo from b, 爱丽丝 👋']);
    a.self.close();
    b.self.close();
  });

  it('keeps the order of many frames and reports a sensible maxMessageSize', async () => {
    const { a, b } = pair();
    await Promise.all([a.opened, b.opened]);
    for (let i = 0; i < 200; i++) a.self.send(String(i));
    await b.waitForTexts(200);
    expect(b.texts).to.deep.equal(Array.from({ length: 200 }, (_, i) => String(i)));
    expect(a.self.maxMessageSize).to.be.greaterThan(16 * 1024);
    expect(a.self.bufferedAmount).to.be.at.least(0);
    a.self.close();
    b.self.close();
  });

  it('tells the other side when one side closes, and refuses to send after close', async () => {
    const { a, b } = pair();
    await Promise.all([a.opened, b.opened]);
    a.self.close();
    await b.closed;
    expect(a.self.send('too late')).to.equal(false);
    expect(b.self.isOpen).to.equal(false);
  });
});
