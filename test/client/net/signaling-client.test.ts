import { expect } from '@open-wc/testing';
import { SignalingClient } from '../../../client/net/signaling-client.js';
import type { SignalingFrame, SignalingStatus } from '../../../client/net/signaling-client.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** A socket the test plays the server for: it records what the client sends and opens on demand. */
class FakeSocket {
  readyState = 0;
  readonly sent: string[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.readyState = WebSocket.OPEN;
    this.onopen?.();
  }
}

function client() {
  const clock = new ManualClock();
  const sockets: FakeSocket[] = [];
  const statuses: SignalingStatus['kind'][] = [];
  const frames: SignalingFrame[] = [];
  const signaling = new SignalingClient(
    {
      url: 'ws://127.0.0.1:1',
      clock,
      heartbeatMs: 1000,
      pongTimeoutMs: 500,
      createSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket as unknown as WebSocket;
      },
    },
    {
      onStatus: (status) => statuses.push(status.kind),
      onFrame: (frame) => frames.push(frame),
      onBadFrame: () => undefined,
    },
  );
  signaling.start();
  sockets[0]?.open();
  return { signaling, clock, sockets, statuses, frames };
}

describe('SignalingClient heartbeat', () => {
  it('pings while open and stays connected while pongs come back', () => {
    const { signaling, clock, sockets } = client();
    const socket = sockets[0]!;
    clock.advance(999);
    expect(socket.sent).to.deep.equal([]);
    clock.advance(1);
    expect(socket.sent).to.deep.equal(['{"type":"ping"}']);
    clock.advance(499);
    socket.onmessage?.({ data: '{"type":"pong"}' });
    clock.advance(1000);
    expect(socket.sent).to.have.length(2);
    expect(signaling.status.kind).to.equal('open');
    expect(socket.closed).to.equal(false);
    signaling.stop();
  });

  it('drops a socket whose pong does not come and connects again', () => {
    const { signaling, clock, sockets, statuses } = client();
    clock.advance(1000);
    clock.advance(499);
    expect(signaling.status.kind).to.equal('open');
    clock.advance(1);
    expect(sockets[0]!.closed).to.equal(true);
    expect(statuses.at(-1)).to.equal('waiting');
    // A late close event of the dropped socket changes nothing.
    sockets[0]!.onclose?.({ code: 1006 });
    expect(statuses.filter((kind) => kind === 'waiting')).to.have.length(1);
    clock.advance(60_000);
    expect(sockets).to.have.length(2);
    signaling.stop();
  });
});

describe('SignalingClient welcome in pieces', () => {
  const welcome = {
    type: 'welcome',
    version: 1,
    user: 'ada',
    token: 't'.repeat(32),
    expiresAt: 1,
    iceServers: [],
    online: ['bo'],
    groups: [],
  };

  it('announces that it takes pieces when logging in', () => {
    const { signaling, sockets } = client();
    signaling.send({ type: 'login', version: 1, username: 'ada', password: 'pw', capabilities: ['x'] });
    expect(JSON.parse(sockets[0]!.sent[0]!).capabilities).to.deep.equal(['x', 'online-pieces']);
    signaling.stop();
  });

  it('hands on one welcome with the whole online list once the last piece came', () => {
    const { signaling, sockets, frames } = client();
    const say = (frame: object) => sockets[0]!.onmessage?.({ data: JSON.stringify(frame) });
    say({ ...welcome, more: true });
    say({ type: 'online-more', users: ['cy', 'di'], last: false });
    expect(frames).to.deep.equal([]);
    say({ type: 'online-more', users: ['ed'], last: true });
    say({ type: 'user-online', user: 'fa' });
    expect(frames).to.deep.equal([
      { ...welcome, online: ['bo', 'cy', 'di', 'ed'] },
      { type: 'user-online', user: 'fa' },
    ]);
    signaling.stop();
  });

  it('joins the device keys of the pieces along with their names', () => {
    const { signaling, sockets, frames } = client();
    const say = (frame: object) => sockets[0]!.onmessage?.({ data: JSON.stringify(frame) });
    const key = (byte: string) => ({ alg: 'Ed25519', key: byte.repeat(32) });
    say({ ...welcome, more: true, keys: [{ user: 'bo', identity: key('0b') }] });
    say({ type: 'online-more', users: ['cy', 'di'], last: false, keys: [] });
    say({ type: 'online-more', users: ['ed'], last: true, keys: [{ user: 'ed', identity: key('0e') }] });
    expect(frames).to.deep.equal([
      {
        ...welcome,
        online: ['bo', 'cy', 'di', 'ed'],
        keys: [
          { user: 'bo', identity: key('0b') },
          { user: 'ed', identity: key('0e') },
        ],
      },
    ]);
    signaling.stop();
  });
});
