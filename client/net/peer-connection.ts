/**
 * One WebRTC connection to one other browser, through simple-peer. This is the only file that
 * imports simple-peer, so the WebRTC layer can be swapped here alone.
 *
 * Two lanes: text frames (chat, acks, receipts, typing, file control) go on a data channel of their
 * own, binary frames (file chunks) on simple-peer's. SCTP takes turns between the streams of one
 * association, so a text frame never waits behind the ~512 KiB of chunks the bulk channel keeps
 * queued: each lane keeps its own order, but a text frame may overtake binary frames sent before it.
 */
import SimplePeer from 'simple-peer';
import { sdpFingerprints } from '../../shared/identity-protocol.js';
import type { IceServer } from '../../shared/protocol.js';
import { BULK_LOW_WATER } from './bulk-scheduler.js';
import { routeOf } from './link-route.js';
import type { LinkRoute } from './link-route.js';

export interface PeerConnectionHandlers {
  /** A signal (SDP or ICE candidate) to relay to the other side. */
  onSignal(signal: object): void;
  /** The data channel is open. */
  onOpen(): void;
  /** One text frame from the other side (a frame starting with `{`, or empty), not yet validated. */
  onText(text: string): void;
  /**
   * One binary frame from the other side (any frame whose first byte is not `{`), not yet validated.
   * A view of bytes nobody else holds: keep it or copy from it as you like.
   */
  onBinary(data: Uint8Array): void;
  /** The channel's queue fell to `lowWater` bytes: time to send more bulk data. */
  onDrain(): void;
  /** Closed, by either side or by failure. Called once. */
  onClose(error?: Error): void;
  /** The ICE connection's state changed (`disconnected`: the path is lost, maybe for a moment). */
  onIceStateChange?(state: RTCIceConnectionState): void;
}

export interface PeerConnectionOptions {
  initiator: boolean;
  iceServers: readonly IceServer[];
  /** `onDrain` fires when the queue falls to this many bytes; default `BULK_LOW_WATER`. */
  lowWater?: number;
  /** `relay`: only TURN candidates (tests that prove the relay works); default `all`. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /**
   * The ICE servers to use from now on, read before each ICE restart: an open connection can
   * outlive its TURN credential, and a restart allocates on the relay anew, which coturn refuses
   * with an expired one. Default: `iceServers` for good.
   */
  currentIceServers?: () => readonly IceServer[];
}

/** Text frames are JSON objects; on a channel that delivers everything as bytes, `{` marks them. */
const TEXT_FRAME_FIRST_BYTE = 0x7b;

/**
 * The SCTP stream id of the text lane, negotiated out of band (both sides create it with this id).
 * Far above the ids Chromium hands out to in-band channels (0 and 1 here: simple-peer's one), and
 * below its 1024 streams per association.
 */
export const TEXT_LANE_STREAM_ID = 512;

const decoder = new TextDecoder();

export class PeerConnection {
  readonly #peer: SimplePeer.Instance;
  /** The text lane; null only if the RTCPeerConnection could not be made (simple-peer then fails). */
  readonly #text: RTCDataChannel | null;
  #opened = false;
  readonly #initiator: boolean;
  readonly #currentIceServers: (() => readonly IceServer[]) | null;
  #closed = false;

  constructor(options: PeerConnectionOptions, handlers: PeerConnectionHandlers) {
    const lowWater = options.lowWater ?? BULK_LOW_WATER;
    if (!Number.isInteger(lowWater) || lowWater < 0) throw new TypeError('lowWater must be a byte count');
    this.#initiator = options.initiator;
    this.#currentIceServers = options.currentIceServers ?? null;
    this.#peer = new SimplePeer({
      initiator: options.initiator,
      trickle: true,
      config: {
        iceServers: options.iceServers.map((server) => ({ ...server })),
        ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
      },
    });
    this.#text = this.#openTextLane(handlers);
    // Handlers are attached before the channel can open, so no frame is missed.
    this.#peer.on('signal', (signal) => handlers.onSignal(signal));
    this.#peer.on('connect', () => {
      // HACK: simple-peer neither exposes the channel's low-water event nor lets us set its
      // threshold (it sets 64 KiB for its own stream API, which Parley does not use), so the
      // private `_channel` is reached here (https://github.com/feross/simple-peer/issues/560).
      // A listener, not `onbufferedamountlow`, which simple-peer owns. The channel exists at 'connect'.
      const channel = this.#peer._channel;
      if (channel) {
        channel.bufferedAmountLowThreshold = lowWater;
        channel.addEventListener('bufferedamountlow', () => {
          if (!this.#closed) handlers.onDrain();
        });
      }
      this.#openedLane(handlers);
    });
    this.#peer.on('data', (data) => {
      if (typeof data === 'string') {
        handlers.onText(data);
        return;
      }
      // simple-peer hands over a Buffer (a Uint8Array subclass) viewing the message's own
      // ArrayBuffer; a plain Uint8Array view keeps Buffer's API out of the app, at no copy.
      deliverBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), handlers);
    });
    this.#peer.on('iceStateChange', (state) => {
      if (!this.#closed) handlers.onIceStateChange?.(state);
    });
    const finish = (error?: Error): void => {
      if (this.#closed) return;
      this.#closed = true;
      handlers.onClose(error);
    };
    this.#peer.on('close', () => finish());
    this.#peer.on('error', (error) => finish(error));
  }

  get isOpen(): boolean {
    return !this.#closed && this.#peer.connected && (this.#text?.readyState ?? 'open') === 'open';
  }

  /**
   * Bytes queued in the data channel. HACK: simple-peer keeps the channel private (`_channel`) and its
   * own `bufferSize` lags behind; reading the channel is the only exact backpressure signal
   * (https://github.com/feross/simple-peer/issues/560).
   */
  get bufferedAmount(): number {
    return this.#peer._channel?.bufferedAmount ?? 0;
  }

  /** The largest message the channel accepts, from the negotiated SCTP transport. */
  get maxMessageSize(): number {
    return this.#peer._pc?.sctp?.maxMessageSize ?? 65536;
  }

  /**
   * The DTLS certificate fingerprints of this connection as its own descriptions state them: ours
   * (local) and the one the browser holds the other side's certificate to (remote). HACK: simple-peer
   * keeps its RTCPeerConnection private (`_pc`); the identity hello needs exactly these lines, and
   * the browser refuses a DTLS handshake whose certificate does not match the remote description
   * (https://www.rfc-editor.org/rfc/rfc8122#section-5), so they name the real session.
   */
  get fingerprints(): { local: string[]; remote: string[] } {
    const pc = this.#peer._pc;
    return {
      local: sdpFingerprints(pc?.localDescription?.sdp ?? ''),
      remote: sdpFingerprints(pc?.remoteDescription?.sdp ?? ''),
    };
  }

  /**
   * How the connection runs, from the selected candidate pair; null before one is selected or
   * after close. HACK: simple-peer's own `getStats` flattens the report and drops the transport's
   * `selectedCandidatePairId`, so the private `_pc` is asked (simple-peer has no public accessor:
   * https://github.com/feross/simple-peer/issues/38).
   */
  async route(): Promise<LinkRoute | null> {
    const pc = this.#peer._pc;
    if (this.#closed || !pc) return null;
    try {
      return routeOf(await pc.getStats());
    } catch {
      // Closed while the stats were read: there is no route.
      return null;
    }
  }

  /**
   * Finds a new path for an open connection (after a network change) without closing the channel:
   * the initiator restarts ICE and renegotiates through simple-peer (an offer with fresh ICE
   * credentials; the answer restarts the other side too). The other side returns false and leaves
   * it to the initiator, whose ICE notices the lost path as well. HACK: simple-peer has no ICE
   * restart of its own, so `restartIce()` is called on its private `_pc` before `negotiate()`
   * (https://github.com/feross/simple-peer/issues/579).
   */
  restartIce(): boolean {
    const pc = this.#peer._pc;
    if (this.#closed || !this.#initiator || !pc || this.#peer.destroyed) return false;
    this.#useCurrentIceServers(pc);
    pc.restartIce();
    this.#peer.negotiate();
    return true;
  }

  /** Passes a signal from the other side. Signals after close are ignored. */
  signal(signal: object): void {
    if (this.#closed) return;
    // An offer on an open connection is the other side's ICE restart: this side gathers anew too.
    const pc = this.#peer._pc;
    if (this.#opened && pc && 'type' in signal && signal.type === 'offer') this.#useCurrentIceServers(pc);
    this.#peer.signal(signal);
  }

  /**
   * Hands `pc` the current ICE servers before it gathers anew; the rest of its configuration stays
   * (the browser refuses a change of certificates or policies).
   */
  #useCurrentIceServers(pc: RTCPeerConnection): void {
    if (!this.#currentIceServers) return;
    const iceServers = this.#currentIceServers().map((server) => ({ ...server }));
    try {
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
    } catch {
      // Closed meanwhile: its close event reports it.
    }
  }

  /** Sends one text frame on the text lane; returns false when it is not open (nothing was sent). */
  send(text: string): boolean {
    const lane = this.#text;
    if (!lane) return this.#send(text);
    if (!this.isOpen) return false;
    try {
      lane.send(text);
      return true;
    } catch {
      // Closed between the check and the send; its close event reports it.
      return false;
    }
  }

  /**
   * Sends one binary frame as is (only the view's bytes). Its first byte must not be `{`, or the
   * other side reads it as text. Returns false when the channel is not open (nothing was sent).
   * No backpressure here: bulk senders go through a `BulkScheduler`.
   */
  sendBinary(data: Uint8Array): boolean {
    return this.#send(data);
  }

  close(): void {
    if (this.#closed) return;
    this.#peer.destroy();
  }

  /**
   * HACK: simple-peer makes one data channel and keeps its RTCPeerConnection private (`_pc`); the
   * text lane is a second, negotiated channel made on it by both sides before any offer, so no
   * renegotiation is needed (more channels: https://github.com/feross/simple-peer/issues/19, still open).
   */
  #openTextLane(handlers: PeerConnectionHandlers): RTCDataChannel | null {
    const pc = this.#peer._pc;
    if (!pc) return null;
    const lane = pc.createDataChannel('text', { negotiated: true, id: TEXT_LANE_STREAM_ID, ordered: true });
    lane.binaryType = 'arraybuffer';
    lane.addEventListener('open', () => this.#openedLane(handlers));
    lane.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (this.#closed) return;
      const { data } = event;
      if (typeof data === 'string') handlers.onText(data);
      else if (data instanceof ArrayBuffer) deliverBytes(new Uint8Array(data), handlers);
    });
    const lost = (): void => {
      if (this.#closed) return;
      this.#peer.destroy();
    };
    lane.addEventListener('close', lost);
    lane.addEventListener('error', lost);
    return lane;
  }

  /** Either lane opened: the connection is open once both are. */
  #openedLane(handlers: PeerConnectionHandlers): void {
    if (this.#closed || this.#opened || !this.isOpen) return;
    this.#opened = true;
    handlers.onOpen();
  }

  #send(data: string | Uint8Array): boolean {
    if (!this.isOpen) return false;
    try {
      this.#peer.send(data);
      return true;
    } catch {
      // The channel closed between the check and the send (or its queue is full); the close
      // handler reports a closed channel.
      return false;
    }
  }
}

/** Bytes from either lane: text if they start with `{` (or are empty), else a binary frame. */
function deliverBytes(bytes: Uint8Array, handlers: PeerConnectionHandlers): void {
  if (bytes.byteLength === 0 || bytes[0] === TEXT_FRAME_FIRST_BYTE) handlers.onText(decoder.decode(bytes));
  else handlers.onBinary(bytes);
}
