/**
 * The attacker page of test/e2e/hostile-signaling.test.ts: a browser page that holds the middle-man's
 * RTCPeerConnections. The test's signaling proxy hands it the victims' signals (`attacker.signal`)
 * and sends on what it answers (`relaySignal`, exposed by the test). Two attacks:
 * - `bridge`: answer each victim as the other and bridge the channels, forwarding everything
 *   (test/client/helpers/dtls-bridge.ts);
 * - `impersonate`: pose to one victim as the other with a device key of its own, signing its own
 *   hellos — what a server that substitutes a contact's key does.
 * Bundled by the test with the app's own esbuild options.
 */
import { DeviceKey } from '../../../client/app/identity/device-key.js';
import { HelloHandshake } from '../../../client/app/identity/hello-handshake.js';
import { PeerMesh } from '../../../client/net/peer-mesh.js';
import type { DeviceKeyRow } from '../../../client/storage/identity-store.js';
import type { AppFrame } from '../../../shared/peer-protocol.js';
import { DtlsBridge } from '../../client/helpers/dtls-bridge.js';

interface AttackerApi {
  bridge(victims: [string, string]): void;
  impersonate(as: string, victim: string): Promise<void>;
  signal(victim: string, payload: unknown): void;
  /** How many app frames crossed the bridge, or reached the impostor. */
  seen(): number;
  /** How many hellos and proofs the bridge forwarded. */
  handshakes(): number;
}

declare global {
  interface Window {
    relaySignal(victim: string, as: string, payload: unknown): Promise<void>;
    attacker: AttackerApi;
  }
}

let bridge: DtlsBridge | null = null;
let impostor: { victim: string; mesh: PeerMesh } | null = null;
const received: AppFrame[] = [];

const relay = (victim: string, as: string, payload: unknown): void =>
  void window.relaySignal(victim, as, payload);

window.attacker = {
  bridge(victims) {
    bridge = new DtlsBridge({ victims, relay });
  },
  async impersonate(as, victim) {
    let stored: DeviceKeyRow | undefined;
    const key = await DeviceKey.load({
      deviceKey: () => Promise.resolve(stored),
      saveDeviceKey: (row) => Promise.resolve((stored = row)),
    });
    const gate = new HelloHandshake({
      me: as,
      key,
      admit: () => Promise.resolve(true),
      outcome: () => undefined,
      warn: () => undefined,
    });
    const mesh = new PeerMesh(
      { me: as, gate, iceServers: () => [] },
      {
        sendSignal: (_to, payload) => setTimeout(() => relay(victim, as, structuredClone(payload)), 0),
        onOpen: () => undefined,
        onClose: () => undefined,
        onFrame: (_peer, frame) => received.push(frame),
        onBadInput: () => undefined,
      },
    );
    impostor = { victim, mesh };
  },
  signal(victim, payload) {
    bridge?.fromVictim(victim, payload);
    // The impostor answers only the victim it poses to; the real contact's signals are dropped.
    if (impostor?.victim === victim) impostor.mesh.handleSignal(victim, payload);
  },
  seen() {
    return (bridge?.seen.length ?? 0) + received.length;
  },
  handshakes() {
    return bridge?.handshakes ?? 0;
  },
};
