/**
 * One WebRTC connection to one other browser, through simple-peer. This is the only file that
 * imports simple-peer, so the WebRTC layer can be swapped here alone.
 */
import SimplePeer from 'simple-peer';
import type { IceServer } from '../../shared/protocol.js';

export interface PeerConnectionHandlers {
  /** A signal (SDP or ICE candidate) to relay to the other side. */
  onSignal(signal: object): void;
  /** The data channel is open. */
  onOpen(): void;
  /** One text frame from the other side, not yet validated. */
  onText(text: string): void;
  /** Closed, by either side or by failure. Called once. */
  onClose(error?: Error): void;
}

export interface PeerConnectionOptions {
  initiator: boolean;
  iceServers: readonly IceServer[];
}

const decoder = new TextDecoder();

export class PeerConnection {
  readonly #peer: SimplePeer.Instance;
  #closed = false;

  constructor(options: PeerConnectionOptions, handlers: PeerConnectionHandlers) {
    this.#peer = new SimplePeer({
      initiator: options.initiator,
      trickle: true,
      config: { iceServers: options.iceServers.map((server) => ({ ...server })) },
    });
    // Handlers are attached before the channel can open, so no frame is missed.
    this.#peer.on('signal', (signal) => handlers.onSignal(signal));
    this.#peer.on('connect', () => handlers.onOpen());
    this.#peer.on('data', (data) => handlers.onText(typeof data === 'string' ? data : decoder.decode(data)));
    const finish = (error?: Error): void => {
      if (this.#closed) return;
      this.#closed = true;
      handlers.onClose(error);
    };
    this.#peer.on('close', () => finish());
    this.#peer.on('error', (error) => finish(error));
  }

  get isOpen(): boolean {
    return !this.#closed && this.#peer.connected;
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

  /** Passes a signal from the other side. Signals after close are ignored. */
  signal(signal: object): void {
    if (this.#closed) return;
    this.#peer.signal(signal);
  }

  /** Sends one text frame; returns false when the channel is not open (nothing was sent). */
  send(text: string): boolean {
    if (!this.isOpen) return false;
    try {
      this.#peer.send(text);
      return true;
    } catch {
      // The channel closed between the check and the send; the close handler reports it.
      return false;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#peer.destroy();
  }
}
