import { expect } from '@open-wc/testing';
import { PeerMesh } from '../../../client/net/peer-mesh.js';
import type { BulkSource } from '../../../client/net/bulk-scheduler.js';
import type { PeerLink, PeerLinkFactory, PeerMeshHandlers } from '../../../client/net/peer-mesh.js';
import { PeerConnection } from '../../../client/net/peer-connection.js';
import { MAX_HELD_FRAMES } from '../../../client/net/link-gate.js';
import type { GateLink, LinkGate } from '../../../client/net/link-gate.js';
import type { ProtocolError } from '../../../shared/errors.js';
import type { AppFrame, SignalPayload } from '../../../shared/peer-protocol.js';

type Delivered = AppFrame;

/** A gate that passes every link at once: these tests are about the mesh, not the hello. */
const openGate: LinkGate = {
  begin: (_peer, link) => {
    queueMicrotask(() => link.verified());
    return { receive: () => undefined };
  },
};

/**
 * Meshes of several users in one page, with an in-page relay standing in for the signaling server
 * (it stamps `from` the way the server does). Connections are real RTCPeerConnections.
 */
class Network {
  readonly meshes = new Map<string, PeerMesh>();
  readonly events: string[] = [];
  readonly frames = new Map<string, Array<{ from: string; frame: Delivered }>>();
  readonly chunks = new Map<string, Array<{ from: string; data: Uint8Array }>>();
  readonly bad: Array<{ at: string; from: string; error: ProtocolError }> = [];
  readonly signals: Array<{ from: string; to: string; payload: SignalPayload }> = [];
  #waiters: Array<() => void> = [];

  /** Every link each user's mesh made, so a test can write on a lane the mesh's API does not reach. */
  readonly links = new Map<string, PeerLink[]>();

  join(me: string, gate: LinkGate = openGate): PeerMesh {
    const handlers: PeerMeshHandlers = {
      sendSignal: (to, payload) => {
        this.signals.push({ from: me, to, payload });
        // Like a server hop: delivered later, in order.
        setTimeout(() => this.meshes.get(to)?.handleSignal(me, structuredClone(payload)), 0);
      },
      onOpen: (peer) => this.#record(`${me}: open ${peer}`),
      onClose: (peer) => this.#record(`${me}: close ${peer}`),
      onFrame: (peer, frame) => {
        const list = this.frames.get(me) ?? [];
        list.push({ from: peer, frame });
        this.frames.set(me, list);
        this.#record(`${me}: frame from ${peer}`);
      },
      onChunk: (peer, data) => {
        const list = this.chunks.get(me) ?? [];
        list.push({ from: peer, data });
        this.chunks.set(me, list);
        this.#record(`${me}: chunk from ${peer}`);
      },
      onBadInput: (peer, error) => {
        this.bad.push({ at: me, from: peer, error });
        this.#record(`${me}: bad input from ${peer}`);
      },
      onStateChange: (peer, state) => this.#record(`${me}: state ${state} ${peer}`),
    };
    const createLink: PeerLinkFactory = (options, linkHandlers) => {
      const link = new PeerConnection(options, linkHandlers);
      this.links.set(me, [...(this.links.get(me) ?? []), link]);
      return link;
    };
    const mesh = new PeerMesh({ me, gate, iceServers: () => [], createLink }, handlers);
    this.meshes.set(me, mesh);
    return mesh;
  }

  leave(me: string): void {
    this.meshes.get(me)?.closeAll();
    this.meshes.delete(me);
  }

  async until(event: string): Promise<void> {
    while (!this.events.includes(event)) await new Promise<void>((wake) => this.#waiters.push(wake));
  }

  /** Waits until `done()` holds, checking after each event (never spinning on microtasks). */
  async when(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((wake) => this.#waiters.push(wake));
  }

  /** Records an event of the test's own (a gate's, say) for `until` and `when`. */
  mark(event: string): void {
    this.#record(event);
  }

  count(event: string): number {
    return this.events.filter((e) => e === event).length;
  }

  #record(event: string): void {
    this.events.push(event);
    this.#waiters.splice(0).forEach((wake) => wake());
  }
}

/** A bulk source of numbered 4 KiB frames, tag 0x01 like chunk frames; `ready` frames at a time. */
function numberedSource(total = Infinity): BulkSource & { handedOut: number; ready: number } {
  return {
    handedOut: 0,
    ready: Infinity,
    next() {
      if (this.handedOut >= total || this.ready === 0) return null;
      this.ready--;
      const data = new Uint8Array(4096).fill(this.handedOut & 0xff);
      data[0] = 0x01;
      data[1] = this.handedOut++;
      return data;
    },
  };
}

describe('PeerMesh', () => {
  let network: Network;
  beforeEach(() => {
    network = new Network();
  });
  afterEach(() => {
    for (const name of [...network.meshes.keys()]) network.leave(name);
  });

  it('connects when the initiator (the name that sorts first) wants the connection', async () => {
    const alice = network.join('alice');
    network.join('bob');
    alice.want('bob');
    await Promise.all([network.until('alice: open bob'), network.until('bob: open alice')]);
    expect(alice.state('bob')).to.equal('open');
    expect(alice.send('bob', { type: 'ack', ids: ['0'.repeat(32)] })).to.equal(true);
    await network.until('bob: frame from alice');
    expect(network.frames.get('bob')?.[0]).to.deep.equal({
      from: 'alice',
      frame: { type: 'ack', ids: ['0'.repeat(32)] },
    });
  });

  it('encodes a frame sent to several peers in one task once, and a frame changed later anew', async () => {
    const alice = network.join('alice');
    network.join('bob');
    network.join('carol');
    alice.want('bob');
    alice.want('carol');
    await Promise.all([network.until('alice: open bob'), network.until('alice: open carol')]);
    const frame: AppFrame = { type: 'ack', ids: ['4'.repeat(32)] };
    const stringify = JSON.stringify;
    let encoded = 0;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      if (args[0] === frame) encoded += 1;
      return stringify(...args);
    }) as typeof stringify;
    try {
      expect(alice.send('bob', frame) && alice.send('carol', frame)).to.equal(true);
      expect(encoded).to.equal(1);
      await Promise.resolve();
      frame.ids = ['5'.repeat(32)];
      expect(alice.send('bob', frame)).to.equal(true);
      expect(encoded).to.equal(2);
    } finally {
      JSON.stringify = stringify;
    }
    await network.when(() => (network.frames.get('bob')?.length ?? 0) === 2);
    await network.until('carol: frame from alice');
    expect(network.frames.get('bob')?.map((f) => f.frame)).to.deep.equal([
      { type: 'ack', ids: ['4'.repeat(32)] },
      { type: 'ack', ids: ['5'.repeat(32)] },
    ]);
    expect(network.frames.get('carol')?.map((f) => f.frame)).to.deep.equal([
      { type: 'ack', ids: ['4'.repeat(32)] },
    ]);
  });

  it('connects when the other side wants it, by asking the initiator', async () => {
    network.join('alice');
    const bob = network.join('bob');
    bob.want('alice');
    await Promise.all([network.until('alice: open bob'), network.until('bob: open alice')]);
    expect(network.signals[0]).to.deep.equal({ from: 'bob', to: 'alice', payload: { kind: 'connect' } });
  });

  it('makes exactly one connection when both sides want one at the same moment (glare)', async () => {
    const alice = network.join('alice');
    const bob = network.join('bob');
    alice.want('bob');
    bob.want('alice');
    await Promise.all([network.until('alice: open bob'), network.until('bob: open alice')]);
    expect(network.count('alice: open bob')).to.equal(1);
    expect(network.count('bob: open alice')).to.equal(1);
    const cids = new Set(network.signals.flatMap((s) => (s.payload.kind === 'sdp' ? [s.payload.cid] : [])));
    expect(cids.size).to.equal(1);
  });

  it('replaces the connection when the other side comes back with a fresh page', async () => {
    network.join('alice');
    const bob = network.join('bob');
    bob.want('alice');
    await network.until('alice: open bob');
    // Bob reloads: his old mesh vanishes without a goodbye, a new one asks again.
    network.meshes.delete('bob');
    bob.closeAll();
    const bob2 = network.join('bob');
    const opensBefore = network.count('alice: open bob');
    bob2.want('alice');
    await network.until('bob: open alice');
    await network.when(() => network.count('alice: open bob') > opensBefore);
    expect(network.meshes.get('alice')?.state('bob')).to.equal('open');
    expect(bob2.send('alice', { type: 'ack', ids: ['1'.repeat(32)] })).to.equal(true);
    await network.until('alice: frame from bob');
  });

  it('reports invalid frames and signals from a peer without acting on them', async () => {
    const alice = network.join('alice');
    network.join('bob');
    alice.handleSignal('bob', { kind: 'sdp', cid: 'not hex', signal: { type: 'offer' } });
    alice.handleSignal('bob', 'just a string');
    // Bob may not send `connect`: by the glare rule alice is the one who initiates... and bob sorts after.
    network.meshes.get('bob')?.handleSignal('alice', { kind: 'connect' });
    expect(network.bad.map((b) => `${b.at}<-${b.from}:${b.error.code}`)).to.deep.equal([
      'alice<-bob:ERR_BAD_FRAME',
      'alice<-bob:ERR_BAD_FRAME',
      'bob<-alice:ERR_BAD_FRAME',
    ]);
    expect(alice.state('bob')).to.equal('none');
  });

  it('stops and forgets a peer that went offline', async () => {
    const alice = network.join('alice');
    network.join('bob');
    alice.want('bob');
    // Both sides open: alice may open first, and bob hears no close of a link he never had open.
    await Promise.all([network.until('alice: open bob'), network.until('bob: open alice')]);
    alice.peerOffline('bob');
    expect(alice.state('bob')).to.equal('none');
    expect(alice.send('bob', { type: 'ack', ids: ['2'.repeat(32)] })).to.equal(false);
    await network.until('bob: close alice');
  });

  it('sends bulk sources to an open peer as binary frames, and text frames still as frames', async () => {
    const alice = network.join('alice');
    network.join('bob');
    const source = numberedSource(40);
    expect(alice.addBulk('bob', source)).to.equal(false);
    alice.want('bob');
    await network.until('alice: open bob');
    source.ready = 0;
    expect(alice.addBulk('bob', source)).to.equal(true);
    source.ready = 20;
    alice.wakeBulk('bob');
    await network.when(() => network.count('bob: chunk from alice') === 20);
    // The source had nothing more to give: only a wake makes the mesh ask again.
    source.ready = 20;
    alice.wakeBulk('bob');
    expect(alice.send('bob', { type: 'ack', ids: ['3'.repeat(32)] })).to.equal(true);
    await network.when(() => network.count('bob: chunk from alice') === 40);
    await network.until('bob: frame from alice');
    const chunks = network.chunks.get('bob') ?? [];
    expect(chunks.map((c) => c.data[1])).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
    expect(chunks.every((c) => c.from === 'alice' && c.data.byteLength === 4096)).to.equal(true);
    expect(network.frames.get('bob')?.map((f) => f.frame.type)).to.deep.equal(['ack']);
    expect(network.bad).to.deep.equal([]);
  });

  it('stops sending from bulk sources removed, and from all when the connection closes', async () => {
    const alice = network.join('alice');
    const bob = network.join('bob');
    alice.want('bob');
    await Promise.all([network.until('alice: open bob'), network.until('bob: open alice')]);
    const removed = numberedSource();
    const kept = numberedSource();
    alice.addBulk('bob', removed);
    alice.addBulk('bob', kept);
    await network.until('bob: chunk from alice');
    alice.removeBulk('bob', removed);
    const removedHandedOut = removed.handedOut;
    const before = network.count('bob: chunk from alice');
    await network.when(() => network.count('bob: chunk from alice') >= before + 8);
    expect(removed.handedOut).to.equal(removedHandedOut);
    // Bob goes away: alice hears the close and her link's sources are dropped with it.
    bob.closeAll();
    await network.until('alice: close bob');
    const keptHandedOut = kept.handedOut;
    alice.wakeBulk('bob');
    await Promise.resolve();
    expect(kept.handedOut).to.equal(keptHandedOut);
    expect(alice.addBulk('bob', kept)).to.equal(false);
  });

  it('drops the bulk sources of a peer that went offline', async () => {
    const alice = network.join('alice');
    network.join('bob');
    alice.want('bob');
    await network.until('alice: open bob');
    const source = numberedSource();
    alice.addBulk('bob', source);
    await network.until('bob: chunk from alice');
    alice.peerOffline('bob');
    const handedOut = source.handedOut;
    await network.until('bob: close alice');
    alice.wakeBulk('bob');
    await Promise.resolve();
    expect(source.handedOut).to.equal(handedOut);
  });
});

describe('PeerMesh gate', () => {
  let network: Network;
  beforeEach(() => {
    network = new Network();
  });
  afterEach(() => {
    for (const name of [...network.meshes.keys()]) network.leave(name);
  });

  /** A gate that hands each link to the test, which decides when (and whether) it passes. */
  function heldGate(): LinkGate & { links: GateLink[]; received: string[] } {
    const links: GateLink[] = [];
    const received: string[] = [];
    return {
      links,
      received,
      begin: (peer, link) => {
        links.push(link);
        network.mark(`gate: begin ${peer}`);
        return {
          receive: (frame) => {
            received.push(frame.type);
            network.mark(`gate: ${frame.type}`);
          },
        };
      },
    };
  }

  it('hands a link to the app only once the gate passes it, with what came before, in order', async () => {
    const gate = heldGate();
    const alice = network.join('alice');
    network.join('bob', gate);
    alice.want('bob');
    await Promise.all([network.until('alice: open bob'), network.until('gate: begin alice')]);
    expect(gate.links[0]?.fingerprints.local.length).to.be.greaterThan(0);
    expect(gate.links[0]?.fingerprints.remote.length).to.be.greaterThan(0);
    expect(gate.links[0]?.fingerprints.local).to.not.deep.equal(gate.links[0]?.fingerprints.remote);
    alice.send('bob', { type: 'ack', ids: ['1'.repeat(32)] });
    alice.send('bob', { type: 'ack', ids: ['2'.repeat(32)] });
    // A handshake frame goes to the gate, never to the app.
    expect(
      network.meshes.get('alice')?.send('bob', { type: 'hello-proof', sig: 'ab'.repeat(64) } as never),
    ).to.equal(true);
    await network.until('gate: hello-proof');
    expect(network.meshes.get('bob')?.state('alice')).to.equal('connecting');
    expect(network.frames.get('bob') ?? []).to.deep.equal([]);
    gate.links[0]?.verified();
    expect(network.meshes.get('bob')?.state('alice')).to.equal('open');
    expect(network.frames.get('bob')?.map((f) => f.frame)).to.deep.equal([
      { type: 'ack', ids: ['1'.repeat(32)] },
      { type: 'ack', ids: ['2'.repeat(32)] },
    ]);
  });

  it('holds back what comes on either lane (text and bulk channel) until the gate passes', async () => {
    const gate = heldGate();
    const alice = network.join('alice');
    network.join('bob', gate);
    alice.want('bob');
    await Promise.all([network.until('alice: open bob'), network.until('gate: begin alice')]);
    const source = numberedSource(2);
    expect(alice.addBulk('bob', source)).to.equal(true);
    await Promise.resolve(); // the scheduler pumps in a microtask
    expect(source.handedOut).to.equal(2);
    alice.send('bob', { type: 'ack', ids: ['1'.repeat(32)] });
    // A handshake frame behind the chunks on the bulk channel, one behind the ack on the text lane:
    // each lane is ordered, so once both reach the gate, everything sent before them has arrived.
    const proof = JSON.stringify({ type: 'hello-proof', sig: 'ab'.repeat(64) });
    expect(network.links.get('alice')?.[0]?.sendBinary(new TextEncoder().encode(proof))).to.equal(true);
    expect(alice.send('bob', JSON.parse(proof) as never)).to.equal(true);
    await network.when(() => gate.received.length === 2);
    expect(network.meshes.get('bob')?.state('alice')).to.equal('connecting');
    expect(network.frames.get('bob') ?? []).to.deep.equal([]);
    expect(network.chunks.get('bob') ?? []).to.deep.equal([]);
    gate.links[0]?.verified();
    expect(network.frames.get('bob')?.map((f) => f.frame)).to.deep.equal([
      { type: 'ack', ids: ['1'.repeat(32)] },
    ]);
    expect(network.chunks.get('bob')?.map((c) => c.data[1])).to.deep.equal([0, 1]);
  });

  it('closes a link the gate refuses, and the app never hears of it', async () => {
    const gate = heldGate();
    const alice = network.join('alice');
    network.join('bob', gate);
    alice.want('bob');
    await network.until('alice: open bob');
    alice.send('bob', { type: 'ack', ids: ['1'.repeat(32)] });
    await network.until('gate: begin alice');
    gate.links[0]?.refused('no');
    await network.until('alice: close bob');
    expect(network.events).to.not.include('bob: open alice');
    expect(network.frames.get('bob') ?? []).to.deep.equal([]);
    expect(network.bad.map((b) => `${b.at}<-${b.from}:${b.error.code}`)).to.include(
      'bob<-alice:ERR_UNVERIFIED',
    );
  });

  it('does not count a link the gate refused as a failed attempt: the network carried it', async () => {
    const gate = heldGate();
    const alice = network.join('alice');
    const bob = network.join('bob', gate);
    alice.want('bob');
    await network.until('gate: begin alice');
    gate.links[0]?.refused('no');
    await network.until('bob: state none alice');
    expect(bob.failed('alice')).to.equal(false);
  });

  it('cuts off a peer that sends too much before the gate passes, and does not blame the network', async () => {
    const gate = heldGate();
    const alice = network.join('alice');
    const bob = network.join('bob', gate);
    alice.want('bob');
    await Promise.all([network.until('alice: open bob'), network.until('gate: begin alice')]);
    for (let i = 0; i <= MAX_HELD_FRAMES; i++) alice.send('bob', { type: 'ack', ids: ['1'.repeat(32)] });
    await network.until('bob: state none alice');
    expect(network.bad.map((b) => `${b.at}<-${b.from}:${b.error.detail}`)).to.include(
      'bob<-alice:too much before the hello',
    );
    expect(network.frames.get('bob') ?? []).to.deep.equal([]);
    expect(bob.failed('alice')).to.equal(false);
  });
});
