import { expect } from '@open-wc/testing';
import { openEarlySocket, signalingUrl, takeEarlySocket } from '../../../client/net/early-socket.js';
import { SignalingClient } from '../../../client/net/signaling-client.js';
import type { SignalingFrame, SignalingStatus } from '../../../client/net/signaling-client.js';
import { ManualClock } from '../helpers/manual-clock.js';

/**
 * A socket the test fires events on at chosen moments — before the client takes it, which a real
 * server cannot be made to time. It is an EventTarget like a WebSocket, so handler properties set
 * by the client see dispatched events as they would a browser's.
 */
class ScriptedSocket extends EventTarget {
  readyState: number = WebSocket.CONNECTING;
  readonly sent: string[] = [];
  #handlers: Record<string, ((event: Event) => void) | null> = {};
  constructor() {
    super();
    for (const type of ['open', 'message', 'close', 'error'])
      this.addEventListener(type, (event) => this.#handlers[type]?.(event));
  }
  set onopen(handler: ((event: Event) => void) | null) {
    this.#handlers['open'] = handler;
  }
  set onmessage(handler: ((event: Event) => void) | null) {
    this.#handlers['message'] = handler;
  }
  set onclose(handler: ((event: Event) => void) | null) {
    this.#handlers['close'] = handler;
  }
  set onerror(handler: ((event: Event) => void) | null) {
    this.#handlers['error'] = handler;
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {}
  opened(): void {
    this.readyState = WebSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }
  says(frame: object): void {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(frame) }));
  }
  closed(code: number): void {
    this.readyState = WebSocket.CLOSED;
    this.dispatchEvent(new CloseEvent('close', { code }));
  }
}

const URL = 'ws://127.0.0.1:1/ws';

function openScripted(): ScriptedSocket {
  const socket = new ScriptedSocket();
  openEarlySocket(URL, () => socket as unknown as WebSocket);
  return socket;
}

/** A client whose first socket is the early one, and later ones new scripted sockets. */
function client() {
  const statuses: SignalingStatus['kind'][] = [];
  const frames: SignalingFrame[] = [];
  const later: ScriptedSocket[] = [];
  const clock = new ManualClock();
  const signaling = new SignalingClient(
    {
      url: URL,
      clock,
      createSocket: (url) => {
        const early = takeEarlySocket(url);
        if (early) return early;
        const socket = new ScriptedSocket();
        later.push(socket);
        return socket as unknown as WebSocket;
      },
    },
    {
      onStatus: (status) => statuses.push(status.kind),
      onFrame: (frame) => frames.push(frame),
      onBadFrame: () => undefined,
    },
  );
  return { signaling, statuses, frames, later, clock };
}

const microtask = () => Promise.resolve();

describe('early signaling socket', () => {
  afterEach(() => {
    // None left behind for the next test.
    takeEarlySocket(URL);
  });

  it('hands the client what happened before it took the socket, in order', async () => {
    const socket = openScripted();
    socket.opened();
    socket.says({ type: 'error', code: 'ERR_RATE_LIMITED', message: 'slow down' });
    const { signaling, statuses, frames } = client();
    signaling.start();
    await microtask();
    expect(statuses).to.deep.equal(['connecting', 'open']);
    expect(frames.map((frame) => frame.type)).to.deep.equal(['error']);
    // Later events come straight through.
    socket.says({ type: 'error', code: 'ERR_RATE_LIMITED', message: 'again' });
    expect(frames).to.have.length(2);
    expect(signaling.send({ type: 'ping' })).to.equal(true);
    expect(socket.sent).to.deep.equal([JSON.stringify({ type: 'ping' })]);
  });

  it('replays a close before it was taken, so the client retries on a socket of its own', async () => {
    const socket = openScripted();
    socket.closed(1006);
    const { signaling, statuses, later, clock } = client();
    signaling.start();
    await microtask();
    expect(statuses).to.deep.equal(['connecting', 'waiting']);
    clock.advance(60_000);
    expect(later, 'the retry opens a new socket').to.have.length(1);
  });

  it('is taken once, and only for its own url', () => {
    openScripted();
    expect(takeEarlySocket('ws://127.0.0.1:2/ws')).to.equal(null);
    expect(takeEarlySocket(URL)).to.not.equal(null);
    expect(takeEarlySocket(URL)).to.equal(null);
  });

  it('connects to the page origin, over TLS when the page came over TLS', () => {
    expect(signalingUrl({ protocol: 'https:', host: 'chat.example:8443' })).to.equal(
      'wss://chat.example:8443/ws',
    );
    expect(signalingUrl({ protocol: 'http:', host: '127.0.0.1:3000' })).to.equal('ws://127.0.0.1:3000/ws');
  });
});
