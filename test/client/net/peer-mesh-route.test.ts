import { expect } from '@open-wc/testing';
import { PeerConnection } from '../../../client/net/peer-connection.js';
import { PeerMesh } from '../../../client/net/peer-mesh.js';
import type { PeerLinkFactory, PeerMeshOptions, PeerState } from '../../../client/net/peer-mesh.js';
import { LOBBY_CONVERSATION } from '../../../shared/peer-protocol.js';
import type { SignalPayload } from '../../../shared/peer-protocol.js';
import { idleLink } from '../helpers/idle-link.js';
import { testGate } from '../helpers/test-gate.js';

/**
 * Two meshes in one page with real RTCPeerConnections and an in-page relay, for how a connection
 * runs: its route, a network change, a connection that cannot be made.
 */
class Pair {
  readonly meshes = new Map<string, PeerMesh>();
  readonly log: string[] = [];
  /** Each offer's cid and ICE username fragment (a restart brings a new one). */
  readonly offers: Array<{ cid: string; ufrag: string | undefined }> = [];
  readonly #networkListeners = new Map<string, () => void>();
  #wake: Array<() => void> = [];

  /** A mesh for `me` that runs the real identity hello. */
  async join(me: string, options: Partial<PeerMeshOptions> = {}): Promise<PeerMesh> {
    const gate = await testGate(me);
    const mesh = new PeerMesh(
      {
        me,
        gate,
        iceServers: () => [],
        networkChanges: (listener) => {
          this.#networkListeners.set(me, listener);
          return () => this.#networkListeners.delete(me);
        },
        ...options,
      },
      {
        sendSignal: (to, payload: SignalPayload) => {
          if (payload.kind === 'sdp' && payload.signal.type === 'offer') {
            const sdp = String((payload.signal as { sdp?: unknown }).sdp);
            this.offers.push({ cid: payload.cid, ufrag: /a=ice-ufrag:(\S+)/.exec(sdp)?.[1] });
            this.#note(`${me}: offer`);
          }
          setTimeout(() => this.meshes.get(to)?.handleSignal(me, structuredClone(payload)), 0);
        },
        onOpen: (peer) => this.#note(`${me}: open ${peer}`),
        onClose: (peer) => this.#note(`${me}: close ${peer}`),
        onFrame: (peer, frame) => this.#note(`${me}: ${frame.type} from ${peer}`),
        onBadInput: (peer, error) => this.#note(`${me}: bad input from ${peer}: ${error.code}`),
        onStateChange: (peer, state: PeerState) => this.#note(`${me}: ${state} ${peer}`),
      },
    );
    this.meshes.set(me, mesh);
    return mesh;
  }

  /** The device of `me` says its network changed. */
  networkChanged(me: string): void {
    this.#networkListeners.get(me)?.();
  }

  async until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((wake) => this.#wake.push(wake));
  }

  has(event: string): boolean {
    return this.log.includes(event);
  }

  close(): void {
    for (const mesh of this.meshes.values()) mesh.closeAll();
  }

  #note(event: string): void {
    this.log.push(event);
    this.#wake.splice(0).forEach((wake) => wake());
  }
}

describe('PeerMesh: how a connection runs', () => {
  let pair: Pair;
  beforeEach(() => {
    pair = new Pair();
  });
  afterEach(() => pair.close());

  it('reads the route of an open connection from its stats: direct between two tabs', async () => {
    const alice = await pair.join('alice');
    const bob = await pair.join('bob');
    alice.want('bob');
    expect(alice.route('bob')).to.equal(null);
    await pair.until(() => alice.route('bob') !== null && bob.route('alice') !== null);
    expect([alice.route('bob'), bob.route('alice')]).to.deep.equal(['direct', 'direct']);
    alice.peerOffline('bob');
    expect(alice.route('bob')).to.equal(null);
  });

  it('restarts ICE on the same connection when the network changes, and it carries on', async () => {
    const alice = await pair.join('alice');
    const bob = await pair.join('bob');
    alice.want('bob');
    await pair.until(() => pair.has('bob: open alice') && pair.has('alice: open bob'));
    expect(pair.offers).to.have.length(1);
    const first = pair.offers[0]!;

    // Bob's side leaves the restart to the initiator; alice's side offers fresh ICE credentials
    // on the same connection (same cid): nothing closes.
    pair.networkChanged('bob');
    expect(pair.offers).to.have.length(1);
    pair.networkChanged('alice');
    await pair.until(() => pair.offers.length === 2);
    expect(pair.offers[1]?.cid).to.equal(first.cid);
    expect(first.ufrag).to.be.a('string');
    expect(pair.offers[1]?.ufrag).to.be.a('string').and.not.equal(first.ufrag);
    expect(alice.send('bob', { type: 'typing', conversation: LOBBY_CONVERSATION })).to.equal(true);
    await pair.until(() => pair.has('bob: typing from alice'));
    expect(pair.log.filter((event) => event.includes('close'))).to.deep.equal([]);
    expect([alice.state('bob'), bob.state('alice')]).to.deep.equal(['open', 'open']);
  });

  it('says an attempt failed when no connection could be made (relay-only without a TURN server)', async () => {
    // No TURN server and relay-only: no candidate at all, so nothing can connect.
    const relayOnly = { iceTransportPolicy: 'relay' as const, connectTimeoutMs: 1500 };
    const alice = await pair.join('alice', relayOnly);
    const bob = await pair.join('bob', relayOnly);
    alice.want('bob');
    expect(alice.failed('bob')).to.equal(false);
    await pair.until(() => alice.failed('bob') && bob.failed('alice'));
    expect(pair.has('alice: open bob')).to.equal(false);
  });

  it('forgets a failed attempt once a retry opens', async () => {
    let first = true;
    // The first link never opens (as if ICE found no path); the retry is a real connection.
    const createLink: PeerLinkFactory = (options, handlers) => {
      if (!first) return new PeerConnection(options, handlers);
      first = false;
      return idleLink(() => handlers.onClose());
    };
    const alice = await pair.join('alice', { createLink, connectTimeoutMs: 500 });
    await pair.join('bob');
    alice.want('bob');
    await pair.until(() => alice.failed('bob'));
    await pair.until(() => pair.has('alice: open bob'));
    expect(alice.failed('bob')).to.equal(false);
  });
});
