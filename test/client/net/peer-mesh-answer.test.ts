import { expect } from '@open-wc/testing';
import type { AnswerDecision } from '../../../client/net/answer-policy.js';
import { PeerConnection } from '../../../client/net/peer-connection.js';
import { PeerMesh } from '../../../client/net/peer-mesh.js';
import type { LinkGate } from '../../../client/net/link-gate.js';
import type { SignalPayload } from '../../../shared/peer-protocol.js';
import { OWN_ADDRESS, RecordedConnections, UNREACHABLE_TURN } from '../helpers/recorded-connections.js';
import type { RecordedConnection } from '../helpers/recorded-connections.js';

/** A gate that passes every link at once: these tests are about who gets a link, not the hello. */
const openGate: LinkGate = {
  begin: (_peer, link) => {
    queueMicrotask(() => link.verified());
    return { receive: () => undefined };
  },
};

/** A policy that answers from a script, one decision per question, and records what it heard. */
class ScriptedPolicy {
  readonly asked: string[] = [];
  readonly ended: string[] = [];
  constructor(readonly script: AnswerDecision[]) {}
  decide(peer: string): AnswerDecision {
    this.asked.push(peer);
    return this.script.shift() ?? 'refuse';
  }
  end(peer: string): void {
    this.ended.push(peer);
  }
}

/**
 * `alice`, whose mesh has the policy and a TURN server, and other meshes without, over an in-page
 * relay; real RTCPeerConnections, each of alice's recorded.
 */
class World {
  readonly meshes = new Map<string, PeerMesh>();
  readonly signals: Array<{ from: string; to: string; payload: SignalPayload }> = [];
  readonly opened: string[] = [];
  /** Alice's connections, in the order her mesh made them. */
  readonly aliceLinks: RecordedConnection[] = [];
  readonly #wake: Array<() => void> = [];

  constructor(
    readonly recorder: RecordedConnections,
    readonly policy: ScriptedPolicy,
  ) {}

  join(me: string): PeerMesh {
    const alice = me === 'alice';
    const mesh = new PeerMesh(
      {
        me,
        gate: openGate,
        iceServers: () => (alice ? [UNREACHABLE_TURN] : []),
        ...(alice
          ? {
              answerPolicy: {
                decide: (peer) => {
                  const decision = this.policy.decide(peer);
                  queueMicrotask(() => this.#changed());
                  return decision;
                },
                ended: (peer) => this.policy.end(peer),
              },
              createLink: (options, handlers) => {
                const link = new PeerConnection(options, handlers);
                this.aliceLinks.push(this.recorder.last);
                return link;
              },
            }
          : {}),
      },
      {
        sendSignal: (to, payload) => {
          this.signals.push({ from: me, to, payload });
          this.#changed();
          setTimeout(() => this.meshes.get(to)?.handleSignal(me, structuredClone(payload)), 0);
        },
        onOpen: (peer) => {
          this.opened.push(`${me}-${peer}`);
          this.#changed();
        },
        onClose: () => undefined,
        onFrame: () => undefined,
        onBadInput: () => undefined,
      },
    );
    this.meshes.set(me, mesh);
    return mesh;
  }

  /** What alice sent `to`, as text: any ICE candidate of hers is in it. */
  sentBy(from: string, to: string): string {
    return JSON.stringify(this.signals.filter((s) => s.from === from && s.to === to).map((s) => s.payload));
  }

  async until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((wake) => this.#wake.push(wake));
  }

  close(): void {
    for (const mesh of this.meshes.values()) mesh.closeAll();
  }

  #changed(): void {
    this.#wake.splice(0).forEach((wake) => wake());
  }
}

describe('PeerMesh: answering connections the other side asks for', () => {
  const recorder = new RecordedConnections();
  let world: World;
  beforeEach(() => recorder.install());
  afterEach(() => {
    world.close();
    recorder.uninstall();
  });

  // `zed` sorts after alice (alice initiates on his `connect`), `aaron` before (alice answers his offer).
  for (const stranger of ['zed', 'aaron']) {
    it(`answers ${stranger} through the relay only when the policy says so: he never sees her address`, async () => {
      world = new World(recorder, new ScriptedPolicy(['relay']));
      world.join('alice');
      world.join(stranger).want('alice');
      await world.until(() => world.aliceLinks.length === 1);
      const link = world.aliceLinks[0]!;
      expect(link.config.iceTransportPolicy).to.equal('relay');
      await link.gathered;
      expect(link.candidates.filter((line) => OWN_ADDRESS.test(line))).to.deep.equal([]);
      expect(world.sentBy('alice', stranger)).not.to.match(OWN_ADDRESS);
      expect(world.policy.asked).to.deep.equal([stranger]);
    });

    it(`answers ${stranger} as usual when the policy says so: the connection opens directly`, async () => {
      world = new World(recorder, new ScriptedPolicy(['answer']));
      world.join('alice');
      world.join(stranger).want('alice');
      await world.until(() => world.opened.includes(`alice-${stranger}`));
      const link = world.aliceLinks[0]!;
      expect(link.config.iceTransportPolicy).to.equal(undefined);
      await link.gathered;
      expect(link.candidates.some((line) => / typ host\b/.test(line))).to.equal(true);
    });
  }

  it('makes nothing for a refused request and sends nothing back; the retry is judged again', async () => {
    world = new World(recorder, new ScriptedPolicy(['refuse', 'answer']));
    world.join('alice');
    world.join('zed').want('alice');
    await world.until(() => world.opened.includes('alice-zed'));
    expect(world.policy.asked).to.deep.equal(['zed', 'zed']);
    expect(world.aliceLinks).to.have.length(1);
    // Zed asked twice (his retry) before alice sent him anything.
    const firstFromAlice = world.signals.findIndex((s) => s.from === 'alice');
    const zedAsked = world.signals.slice(0, firstFromAlice).filter((s) => s.payload.kind === 'connect');
    expect(zedAsked).to.have.length(2);
  });

  it('drops the offer of a refused initiator and its candidates, and answers the next offer', async () => {
    world = new World(recorder, new ScriptedPolicy(['refuse', 'answer']));
    world.join('alice');
    const aaron = world.join('aaron');
    aaron.want('alice');
    await world.until(() => world.policy.asked.length === 1);
    expect(world.aliceLinks).to.have.length(0);
    // Aaron's attempt got no answer; he starts again (his own retry would, after his timeout).
    aaron.peerOffline('alice');
    aaron.want('alice');
    await world.until(() => world.opened.includes('alice-aaron'));
    expect(world.policy.asked).to.deep.equal(['aaron', 'aaron']);
  });

  it('never asks about connections alice wants herself, whichever side initiates', async () => {
    world = new World(recorder, new ScriptedPolicy([]));
    const alice = world.join('alice');
    world.join('zed');
    world.join('aaron');
    alice.want('zed');
    alice.want('aaron');
    await world.until(() => world.opened.includes('alice-zed') && world.opened.includes('alice-aaron'));
    expect(world.policy.asked).to.deep.equal([]);
    expect(world.aliceLinks.map((link) => link.config.iceTransportPolicy)).to.deep.equal([
      undefined,
      undefined,
    ]);
  });

  it('tells the policy once when a connection it let through ends, and not for her own', async () => {
    world = new World(recorder, new ScriptedPolicy(['answer']));
    const alice = world.join('alice');
    world.join('zed').want('alice');
    world.join('aaron');
    alice.want('aaron');
    await world.until(() => world.opened.includes('alice-zed') && world.opened.includes('alice-aaron'));
    alice.peerOffline('zed');
    alice.peerOffline('aaron');
    expect(world.policy.ended).to.deep.equal(['zed']);
  });
});
