/**
 * What the peer mesh needs and tells: the connection it drives (`PeerLink`), its options, and the
 * handlers through which the app hears of peers. Apart from `peer-mesh.ts` so that file stays the
 * mesh's behaviour alone.
 */
import type { ProtocolError } from '../../shared/errors.js';
import type { AppFrame, SignalPayload } from '../../shared/peer-protocol.js';
import type { IceServer } from '../../shared/protocol.js';
import type { AnswerPolicy } from './answer-policy.js';
import type { Clock } from './clock.js';
import type { LinkGate, LinkFingerprints } from './link-gate.js';
import type { HealthLink } from './link-health.js';
import type { NetworkChanges } from './network-changes.js';
import type { PeerConnectionHandlers, PeerConnectionOptions } from './peer-connection.js';

/** What the mesh needs of a connection; `PeerConnection` in the app, anything alike in tests. */
export interface PeerLink extends HealthLink {
  readonly isOpen: boolean;
  readonly bufferedAmount: number;
  /** This connection's DTLS fingerprints, from its own local and remote descriptions. */
  readonly fingerprints: LinkFingerprints;
  signal(signal: object): void;
  send(text: string): boolean;
  /** A binary frame; its first byte is never `{` (that marks text). */
  sendBinary(data: Uint8Array): boolean;
  close(): void;
}

export type PeerLinkFactory = (options: PeerConnectionOptions, handlers: PeerConnectionHandlers) => PeerLink;

export type PeerState = 'none' | 'connecting' | 'open';

export interface PeerMeshHandlers {
  /** Relay this to `to` through the signaling server. */
  sendSignal(to: string, payload: SignalPayload): void;
  onOpen(peer: string): void;
  onClose(peer: string): void;
  /** A validated frame (never `hello`, which the mesh answers itself). */
  onFrame(peer: string, frame: AppFrame): void;
  /**
   * A binary frame, checked for nothing but being binary: decode it with `decodeChunk` and check it
   * against the transfer. A view the app may keep. Without this handler binary frames are dropped.
   */
  onChunk?(peer: string, data: Uint8Array): void;
  /** A peer sent something invalid: a warning, never a crash. */
  onBadInput(peer: string, error: ProtocolError): void;
  /** The connection's state changed, or what is known of it: its route, or that an attempt failed. */
  onStateChange?(peer: string, state: PeerState): void;
}

export interface PeerMeshOptions {
  me: string;
  /** The handshake every link must pass before the app sees it. */
  gate: LinkGate;
  /** Read at each attempt: the server's welcome may change them. */
  iceServers: () => readonly IceServer[];
  clock?: Clock;
  createLink?: PeerLinkFactory;
  /** Give up on a connection attempt after this long, then retry. */
  connectTimeoutMs?: number;
  /** Test only: `relay` makes every connection go through TURN. Never set in production. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** When the device's network may have changed; default the browser's events. */
  networkChanges?: NetworkChanges;
  /**
   * Judges each connection the other side asks for that this side does not want. Without one, every
   * request is answered (tests of the mesh alone, hostile stand-ins).
   */
  answerPolicy?: AnswerPolicy;
}
