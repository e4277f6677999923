/**
 * The gate a newly opened link must pass before the app may use it — in the app, the identity hello
 * (client/app/identity/hello-handshake.ts) — its contract with the mesh, and each link's passage
 * through it: the mesh (peer-mesh.ts) opens links and starts the gate; nothing a peer sends reaches
 * the app before its link passed.
 */
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import type { HandshakeFrame } from '../../shared/identity-protocol.js';
import { parsePeerFrame } from '../../shared/peer-protocol.js';
import type { AppFrame } from '../../shared/peer-protocol.js';

export interface LinkFingerprints {
  readonly local: readonly string[];
  readonly remote: readonly string[];
}

/** One link's side of the handshake, as the gate sees it. */
export interface GateLink {
  readonly fingerprints: LinkFingerprints;
  send(frame: HandshakeFrame): boolean;
  /** The peer proved who it is: the link is handed to the app. */
  verified(): void;
  /** The peer could not prove it: the link is closed and nothing it sent reaches the app. */
  refused(reason: string): void;
}

export interface GateSession {
  receive(frame: HandshakeFrame): void;
}

/**
 * Decides whether a newly opened link may carry anything: the identity hello
 * (client/app/identity/hello-handshake.ts). Started when this side's channel opens; handshake
 * frames go to its session, every other frame waits until `verified`.
 */
export interface LinkGate {
  begin(peer: string, link: GateLink): GateSession;
}

/** Frames held back before the handshake ends; a peer that sends more is cut off. */
export const MAX_HELD_FRAMES = 1024;

/** Where a link's frames go once they may pass; all but `cutOff` as `PeerMeshHandlers` has them. */
export interface PassagePort {
  frame(frame: AppFrame): void;
  chunk(data: Uint8Array): void;
  badInput(error: ProtocolError): void;
  /** The peer sent more than may be held before the handshake ends: the link must close. */
  cutOff(): void;
}

/**
 * One link's way through the gate: its handshake session, from this side's open event, and what
 * the peer sent before the handshake ended — held, in order, and handed on once it passes. Each
 * text frame is validated here, the one place frames from a peer are parsed.
 */
export class GatePassage {
  readonly #port: PassagePort;
  #session: GateSession | null = null;
  #passed = false;
  #held: Array<string | Uint8Array> = [];

  constructor(port: PassagePort) {
    this.#port = port;
  }

  /** This side's channel opened: the handshake runs, and may take what the peer already sent. */
  begin(session: GateSession): void {
    this.#session = session;
    this.#release();
  }

  /** The link passed the gate: what was held goes on, and from now on everything does. */
  passed(): void {
    this.#passed = true;
    this.#release();
  }

  /** A frame from the peer, text or binary, not yet validated. */
  receive(data: string | Uint8Array): void {
    const session = this.#session;
    if (!session) return this.#hold(data);
    if (typeof data !== 'string') {
      if (!this.#passed) return this.#hold(data);
      this.#port.chunk(data);
      return;
    }
    let frame;
    try {
      frame = parsePeerFrame(data);
    } catch (error) {
      if (error instanceof ProtocolError) this.#port.badInput(error);
      return;
    }
    if (frame.type === 'hello' || frame.type === 'hello-proof') {
      session.receive(frame);
      return;
    }
    if (!this.#passed) return this.#hold(data);
    this.#port.frame(frame);
  }

  /** Hands on what was held back, in order; what still cannot pass is held again. */
  #release(): void {
    const held = this.#held;
    this.#held = [];
    for (const data of held) this.receive(data);
  }

  #hold(data: string | Uint8Array): void {
    if (this.#held.length < MAX_HELD_FRAMES) {
      this.#held.push(data);
      return;
    }
    this.#port.badInput(new ProtocolError(ErrorCode.BadFrame, 'too much before the hello'));
    this.#port.cutOff();
  }
}
