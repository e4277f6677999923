/**
 * A hostile signaling server's middle-man: it answers each of two victims as if it were the other,
 * each with an SDP of its own (two real RTCPeerConnections, through the app's own `PeerMesh`), and
 * bridges the two data channels, forwarding every frame — identity hellos and proofs included. Used
 * in one page (test/client/app/identity/hostile-relay.test.ts) and as the attacker page of the e2e
 * test/e2e/hostile-signaling.test.ts.
 */
import { PeerMesh } from '../../../client/net/peer-mesh.js';
import type { GateLink, LinkGate } from '../../../client/net/link-gate.js';
import type { HandshakeFrame } from '../../../shared/identity-protocol.js';
import type { AppFrame } from '../../../shared/peer-protocol.js';

export interface DtlsBridgeOptions {
  /** The two people the middle-man sits between. */
  readonly victims: readonly [string, string];
  /** Sends `payload` to `victim` as a signal from `as` (the other victim), as the server would. */
  relay(victim: string, as: string, payload: unknown): void;
  /** A side of the bridge opened. */
  changed?(): void;
}

export class DtlsBridge {
  /** App frames that crossed the bridge: none may, if the hello does its work. */
  readonly seen: AppFrame[] = [];
  /** Hellos and proofs it carried from one victim to the other. */
  handshakes = 0;
  readonly #links = new Map<string, GateLink>();
  /** Handshake frames for a victim whose side of the bridge is not up yet: a patient attacker waits. */
  readonly #waiting = new Map<string, HandshakeFrame[]>();
  /** By victim: the impostor that poses to them as the other victim. */
  readonly #impostors = new Map<string, PeerMesh>();

  constructor(options: DtlsBridgeOptions) {
    const [a, b] = options.victims;
    this.#impostors.set(a, this.#mesh(b, a, options));
    this.#impostors.set(b, this.#mesh(a, b, options));
  }

  /** The impostor facing `victim`: the server routes `victim`'s signals for the other one to it. */
  facing(victim: string): PeerMesh {
    const mesh = this.#impostors.get(victim);
    if (!mesh) throw new TypeError(`${victim} is not a victim of this bridge`);
    return mesh;
  }

  /** A signal `victim` sent to the other victim, intercepted. */
  fromVictim(victim: string, payload: unknown): void {
    this.facing(victim).handleSignal(victim, payload);
  }

  close(): void {
    for (const mesh of this.#impostors.values()) mesh.closeAll();
  }

  #mesh(me: string, victim: string, options: DtlsBridgeOptions): PeerMesh {
    const otherVictim = me;
    const gate: LinkGate = {
      begin: (peer, link) => {
        this.#links.set(peer, link);
        for (const frame of this.#waiting.get(peer)?.splice(0) ?? []) link.send(frame);
        // The middle-man opens its side at once, so app frames would flow through it.
        queueMicrotask(() => link.verified());
        return { receive: (frame) => this.#forward(otherVictim, frame) };
      },
    };
    return new PeerMesh(
      { me, gate, iceServers: () => [] },
      {
        sendSignal: (_to, payload) =>
          setTimeout(() => options.relay(victim, me, structuredClone(payload)), 0),
        onOpen: () => options.changed?.(),
        onClose: () => undefined,
        onFrame: (_peer, frame) => {
          this.seen.push(frame);
          this.facing(otherVictim).send(otherVictim, frame);
        },
        onBadInput: () => undefined,
      },
    );
  }

  #forward(victim: string, frame: HandshakeFrame): void {
    this.handshakes++;
    const link = this.#links.get(victim);
    if (link) link.send(frame);
    else this.#waiting.set(victim, [...(this.#waiting.get(victim) ?? []), frame]);
  }
}
