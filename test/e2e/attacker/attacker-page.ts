/**
 * The attacker page of test/e2e/hostile-signaling.test.ts: a browser page that holds the middle-man's
 * two RTCPeerConnections (test/client/helpers/dtls-bridge.ts). The test's signaling proxy hands it
 * the victims' signals (`attacker.signal`) and sends on what it answers (`relaySignal`, exposed by
 * the test). Bundled by the test with the app's own esbuild options.
 */
import { DtlsBridge } from '../../client/helpers/dtls-bridge.js';

interface AttackerApi {
  start(victims: [string, string]): void;
  signal(victim: string, payload: unknown): void;
  /** How many app frames crossed the bridge. */
  seen(): number;
  /** How many hellos and proofs it forwarded. */
  handshakes(): number;
}

declare global {
  interface Window {
    relaySignal(victim: string, as: string, payload: unknown): Promise<void>;
    attacker: AttackerApi;
  }
}

let bridge: DtlsBridge | null = null;

window.attacker = {
  start(victims) {
    bridge = new DtlsBridge({
      victims,
      relay: (victim, as, payload) => void window.relaySignal(victim, as, payload),
    });
  },
  signal(victim, payload) {
    bridge?.fromVictim(victim, payload);
  },
  seen() {
    return bridge?.seen.length ?? 0;
  },
  handshakes() {
    return bridge?.handshakes ?? 0;
  },
};
