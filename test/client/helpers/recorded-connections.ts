/**
 * Every RTCPeerConnection the page makes while installed, with its configuration and the ICE
 * candidates it gathered: what this browser would hand the other side. simple-peer reads
 * `globalThis.RTCPeerConnection` each time it makes a connection, so a subclass installed there sees
 * them all.
 */
export interface RecordedConnection {
  readonly config: RTCConfiguration;
  /** The `candidate:` lines gathered so far. */
  readonly candidates: string[];
  /** Resolves when gathering is complete: `candidates` is then all this side will offer. */
  readonly gathered: Promise<void>;
  /** Resolves when the connection is connected. */
  readonly connected: Promise<void>;
}

/** A TURN server nobody answers (TCP to the discard port, refused at once): gathering ends quickly. */
export const UNREACHABLE_TURN = { urls: 'turn:127.0.0.1:9?transport=tcp', username: 'u', credential: 'p' };

/** The candidate types that name this device's own addresses. */
export const OWN_ADDRESS = / typ (host|srflx|prflx)\b/;

export class RecordedConnections {
  readonly all: RecordedConnection[] = [];
  readonly #native = globalThis.RTCPeerConnection;

  install(): void {
    const all = this.all;
    class Recording extends this.#native {
      constructor(config: RTCConfiguration = {}) {
        super(config);
        const candidates: string[] = [];
        const gathered = new Promise<void>((resolve) => {
          this.addEventListener('icegatheringstatechange', () => {
            if (this.iceGatheringState === 'complete') resolve();
          });
        });
        const connected = new Promise<void>((resolve) => {
          this.addEventListener('connectionstatechange', () => {
            if (this.connectionState === 'connected') resolve();
          });
        });
        this.addEventListener('icecandidate', (event) => {
          if (event.candidate?.candidate) candidates.push(event.candidate.candidate);
        });
        all.push({ config, candidates, gathered, connected });
      }
    }
    globalThis.RTCPeerConnection = Recording;
  }

  uninstall(): void {
    globalThis.RTCPeerConnection = this.#native;
  }

  /** The connection made last. */
  get last(): RecordedConnection {
    const last = this.all.at(-1);
    if (!last) throw new Error('no connection was made');
    return last;
  }
}
