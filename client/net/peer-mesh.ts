/**
 * One connection per pair of users, for everything between them. Decides who initiates (the glare
 * rule in shared/peer-protocol.ts), carries set-up signals over the relay, retries with doubling
 * delays while the other side is wanted and online, and validates every text frame a peer sends.
 * Bulk data (file chunks) goes out through one `BulkScheduler` per open link, so text and control
 * frames are never queued behind it; binary frames come in as `onChunk` for the app to decode.
 * A link reaches the app only once its `LinkGate` handshake (the identity hello) succeeds: until
 * then it counts as connecting, and whatever the peer sends is held back. A connection the other
 * side asks for, and this side did not want, is answered as the `AnswerPolicy` decides.
 */
import { ErrorCode, ProtocolError } from '../../shared/errors.js';
import { isInitiator, parseSignalPayload } from '../../shared/peer-protocol.js';
import type { AppFrame, SignalPayload } from '../../shared/peer-protocol.js';
import type { IceServer } from '../../shared/protocol.js';
import { transportFor } from './answer-policy.js';
import type { AnswerPolicy } from './answer-policy.js';
import { BulkScheduler } from './bulk-scheduler.js';
import type { BulkSource } from './bulk-scheduler.js';
import { RetryDelay, systemClock } from './clock.js';
import type { Clock } from './clock.js';
import { GatePassage } from './link-gate.js';
import type { LinkGate } from './link-gate.js';
import { LinkHealth } from './link-health.js';
import type { LinkRoute } from './link-route.js';
import { browserNetworkChanges } from './network-changes.js';
import { PeerConnection } from './peer-connection.js';
import type {
  PeerLink,
  PeerLinkFactory,
  PeerMeshHandlers,
  PeerMeshOptions,
  PeerState,
} from './peer-mesh-ports.js';
import { randomHex } from './random-id.js';

export type * from './peer-mesh-ports.js';

interface Entry {
  /** The initiator-chosen id of the current attempt. */
  cid: string | null;
  link: PeerLink | null;
  /** The link passed the gate: the app may use it. */
  open: boolean;
  /** The current link's way through the gate: nothing it carries reaches the app before. */
  passage: GatePassage | null;
  /** Its route, failed attempts, and keeping its path alive. */
  health: LinkHealth;
  /** The open link's bulk sender, made on first use; closed with the link. */
  bulk: BulkScheduler | null;
  /** Keep connecting while the peer is online. With a policy: only because this side wants them. */
  wanted: boolean;
  /** The current link was let through by the policy, which hears when it ends. */
  admitted: boolean;
  startedAt: number;
  retry: RetryDelay;
  timer: unknown;
  deadline: unknown;
}

export class PeerMesh {
  readonly #me: string;
  readonly #gate: LinkGate;
  readonly #iceServers: () => readonly IceServer[];
  readonly #clock: Clock;
  readonly #createLink: PeerLinkFactory;
  readonly #connectTimeoutMs: number;
  readonly #handlers: PeerMeshHandlers;
  readonly #entries = new Map<string, Entry>();
  readonly #iceTransportPolicy: RTCIceTransportPolicy | undefined;
  readonly #policy: AnswerPolicy | undefined;
  readonly #unwatchNetwork: () => void;
  /**
   * The frame last encoded, and its text, until the end of the task: a group message goes to every
   * member in one loop, the same frame object each time, and is stringified once instead of 16 times.
   */
  #encoded: { frame: AppFrame; text: string } | null = null;
  #closed = false;

  constructor(options: PeerMeshOptions, handlers: PeerMeshHandlers) {
    this.#me = options.me;
    this.#gate = options.gate;
    this.#iceServers = options.iceServers;
    this.#clock = options.clock ?? systemClock;
    this.#createLink = options.createLink ?? ((o, h) => new PeerConnection(o, h));
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.#handlers = handlers;
    this.#iceTransportPolicy = options.iceTransportPolicy;
    this.#policy = options.answerPolicy;
    this.#unwatchNetwork = (options.networkChanges ?? browserNetworkChanges)(() => this.#networkChanged());
  }

  state(peer: string): PeerState {
    const entry = this.#entries.get(peer);
    if (!entry?.link) return 'none';
    return entry.open ? 'open' : 'connecting';
  }

  /** How the open connection to `peer` runs; null while not open or not known yet. */
  route(peer: string): LinkRoute | null {
    return this.#entries.get(peer)?.health.route ?? null;
  }

  /** Whether the last attempt to connect to `peer` failed (and no connection opened since). */
  failed(peer: string): boolean {
    return this.#entries.get(peer)?.health.failed ?? false;
  }

  /** Makes sure a connection to `peer` exists or is being made; call only while `peer` is online. */
  want(peer: string): void {
    if (this.#closed || peer === this.#me) return;
    const entry = this.#entry(peer);
    entry.wanted = true;
    // A link the other side asked for stays as it is, relayed if they were a stranger: replacing it
    // would drop what it carries. Once it ends, the next one is ours and unrestricted.
    if (entry.link) return;
    this.#attempt(peer, entry);
  }

  /** The peer went offline: drop the connection and stop trying until `want` is called again. */
  peerOffline(peer: string): void {
    const entry = this.#entries.get(peer);
    if (!entry) return;
    this.#entries.delete(peer);
    this.#clearTimers(entry);
    const wasOpen = entry.open;
    this.#drop(peer, entry);
    if (wasOpen) this.#handlers.onClose(peer);
  }

  /**
   * Sends a frame if the connection is open; false otherwise (nothing was sent). The same frame
   * object sent to several peers in one task is encoded once: it must not change in between.
   */
  send(peer: string, frame: AppFrame): boolean {
    const entry = this.#entries.get(peer);
    if (!entry?.open || !entry.link) return false;
    return entry.link.send(this.#encode(frame));
  }

  #encode(frame: AppFrame): string {
    if (this.#encoded?.frame === frame) return this.#encoded.text;
    if (this.#encoded === null) queueMicrotask(() => (this.#encoded = null));
    const text = JSON.stringify(frame);
    this.#encoded = { frame, text };
    return text;
  }

  /**
   * Sends `source`'s frames to `peer` as the channel has room, in turn with the peer's other
   * sources, behind no text frame. False when the connection is not open (nothing will be sent).
   * When the connection closes the source is forgotten: the app hears `onClose` and asks again.
   */
  addBulk(peer: string, source: BulkSource): boolean {
    const entry = this.#entries.get(peer);
    if (!entry?.open || !entry.link) return false;
    entry.bulk ??= new BulkScheduler(entry.link);
    entry.bulk.add(source);
    return true;
  }

  /** Stops sending from `source` to `peer`; its `next` is not called again. */
  removeBulk(peer: string, source: BulkSource): void {
    this.#entries.get(peer)?.bulk?.remove(source);
  }

  /** A bulk source for `peer` has frames ready again. */
  wakeBulk(peer: string): void {
    this.#entries.get(peer)?.bulk?.wake();
  }

  /** Bytes queued towards `peer`, for backpressure. */
  bufferedAmount(peer: string): number {
    return this.#entries.get(peer)?.link?.bufferedAmount ?? 0;
  }

  /** A relayed signal from `from` (already stamped by the server); `data` is untrusted. */
  handleSignal(from: string, data: unknown): void {
    if (this.#closed || from === this.#me) return;
    let payload: SignalPayload;
    try {
      payload = parseSignalPayload(data);
    } catch (error) {
      if (error instanceof ProtocolError) this.#handlers.onBadInput(from, error);
      return;
    }
    const entry = this.#entry(from);
    const iInitiate = isInitiator(this.#me, from);
    if (payload.kind === 'connect') {
      if (!iInitiate) {
        this.#handlers.onBadInput(
          from,
          new ProtocolError(ErrorCode.BadFrame, 'connect request from the initiator'),
        );
        return;
      }
      // Without a policy their request keeps this side trying too. With one, only our own `want`
      // does: a peer we did not choose asks again by its own backoff, and is judged again each time.
      if (!this.#policy) entry.wanted = true;
      // The other side has no connection: an open one here is a leftover (say, from before it reloaded).
      const young = entry.link && !entry.open && this.#clock.now() - entry.startedAt < 3_000;
      if (!young) this.#restart(from, entry);
      return;
    }
    if (iInitiate) {
      if (payload.cid === entry.cid) entry.link?.signal(payload.signal);
      return;
    }
    if (payload.cid !== entry.cid) {
      if (payload.signal.type !== 'offer') return; // a stale candidate of an attempt already replaced
      this.#replace(from, entry, payload.cid, false);
    }
    entry.link?.signal(payload.signal);
  }

  closeAll(): void {
    this.#closed = true;
    this.#unwatchNetwork();
    for (const peer of [...this.#entries.keys()]) this.peerOffline(peer);
  }

  #entry(peer: string): Entry {
    let entry = this.#entries.get(peer);
    if (!entry) {
      entry = {
        cid: null,
        link: null,
        open: false,
        passage: null,
        health: new LinkHealth(() => this.#handlers.onStateChange?.(peer, 'open'), this.#clock),
        bulk: null,
        wanted: false,
        admitted: false,
        startedAt: 0,
        retry: new RetryDelay(250, 10_000),
        timer: null,
        deadline: null,
      };
      this.#entries.set(peer, entry);
    }
    return entry;
  }

  /** Starts a connection (initiator) or asks the other side to start one. */
  #attempt(peer: string, entry: Entry): void {
    this.#clock.clearTimeout(entry.timer);
    if (isInitiator(this.#me, peer)) {
      this.#open(peer, entry, randomHex(16), true);
      return;
    }
    this.#handlers.sendSignal(peer, { kind: 'connect' });
    // If no offer comes (the request crossed a reconnect, say), ask again later.
    entry.timer = this.#clock.setTimeout(() => {
      if (!entry.link && entry.wanted && this.#entries.get(peer) === entry) this.#attempt(peer, entry);
    }, entry.retry.take());
  }

  #restart(peer: string, entry: Entry): void {
    this.#replace(peer, entry, randomHex(16), true);
  }

  /** A new attempt supersedes the current link; an open one is reported closed first. */
  #replace(peer: string, entry: Entry, cid: string, initiator: boolean): void {
    const wasOpen = entry.open;
    this.#drop(peer, entry);
    if (wasOpen) this.#handlers.onClose(peer);
    this.#open(peer, entry, cid, initiator);
  }

  #open(peer: string, entry: Entry, cid: string, initiator: boolean): void {
    // Only a link the other side asked for is judged: our own wants are never restricted.
    const judge = entry.wanted ? undefined : this.#policy;
    const decision = judge?.decide(peer) ?? 'answer';
    if (decision === 'refuse') return; // the policy warned; their signals for it fall on `cid` mismatch
    entry.admitted = judge !== undefined;
    entry.cid = cid;
    entry.open = false;
    entry.startedAt = this.#clock.now();
    const policy = transportFor(decision, this.#iceTransportPolicy);
    const passage = new GatePassage({
      frame: (frame) => this.#handlers.onFrame(peer, frame),
      chunk: (data) => this.#handlers.onChunk?.(peer, data),
      badInput: (error) => this.#handlers.onBadInput(peer, error),
      cutOff: () => {
        entry.health.refused();
        link.close();
      },
    });
    const link = this.#createLink(
      {
        initiator,
        iceServers: this.#iceServers(),
        currentIceServers: this.#iceServers,
        ...(policy ? { iceTransportPolicy: policy } : {}),
      },
      {
        onSignal: (signal) => {
          if (entry.link === link)
            this.#handlers.sendSignal(peer, { kind: 'sdp', cid, signal: signal as never });
        },
        onOpen: () => {
          if (entry.link === link) this.#handshake(peer, entry, link, passage);
        },
        onText: (text) => {
          if (entry.link === link) passage.receive(text);
        },
        onBinary: (data) => {
          // Like text, a frame may come before this side's own open event: held until the gate passes.
          if (entry.link === link) passage.receive(data);
        },
        onDrain: () => {
          if (entry.link === link) entry.bulk?.drained();
        },
        onClose: () => {
          if (entry.link === link) this.#lost(peer, entry);
        },
        onIceStateChange: (state) => {
          const current = (): boolean => entry.link === link && entry.open;
          if (current()) entry.health.iceStateChanged(link, state, current);
        },
      },
    );
    entry.link = link;
    entry.passage = passage;
    this.#clock.clearTimeout(entry.deadline);
    entry.deadline = this.#clock.setTimeout(() => {
      if (entry.link === link && !entry.open) link.close();
    }, this.#connectTimeoutMs);
    this.#handlers.onStateChange?.(peer, 'connecting');
  }

  /** This side's channel opened: the gate's handshake starts; the connect deadline still runs. */
  #handshake(peer: string, entry: Entry, link: PeerLink, passage: GatePassage): void {
    const current = (): boolean => entry.link === link;
    const session = this.#gate.begin(peer, {
      fingerprints: link.fingerprints,
      send: (frame) => current() && link.send(JSON.stringify(frame)),
      verified: () => {
        if (!current() || entry.open) return;
        this.#clock.clearTimeout(entry.deadline);
        entry.open = true;
        entry.retry.reset();
        entry.health.opened(link, () => current() && entry.open);
        this.#handlers.onStateChange?.(peer, 'open');
        this.#handlers.onOpen(peer);
        passage.passed();
      },
      refused: (reason) => {
        if (!current()) return;
        entry.health.refused();
        this.#handlers.onBadInput(peer, new ProtocolError(ErrorCode.Unverified, reason));
        link.close();
      },
    });
    passage.begin(session);
  }

  /** The current link closed or failed: report it, and try again while the peer is wanted. */
  #lost(peer: string, entry: Entry): void {
    const wasOpen = entry.open;
    entry.health.closed(wasOpen);
    this.#drop(peer, entry);
    if (wasOpen) this.#handlers.onClose(peer);
    this.#handlers.onStateChange?.(peer, 'none');
    if (!entry.wanted || this.#closed) return;
    entry.timer = this.#clock.setTimeout(() => {
      if (!entry.link && entry.wanted && this.#entries.get(peer) === entry) this.#attempt(peer, entry);
    }, entry.retry.take());
  }

  #drop(peer: string, entry: Entry): void {
    this.#clock.clearTimeout(entry.deadline);
    if (entry.admitted) this.#policy?.ended(peer);
    entry.admitted = false;
    const link = entry.link;
    entry.link = null;
    entry.open = false;
    entry.passage = null;
    entry.health.dropped();
    entry.cid = null;
    // Frames a source handed over but the channel never sent are lost with it: the receiver's
    // acknowledgements tell the app where to resume.
    entry.bulk?.close();
    entry.bulk = null;
    link?.close();
  }

  /** The network may have changed: open links look for a new path, waiting ones try now. */
  #networkChanged(): void {
    for (const [peer, entry] of this.#entries) {
      const link = entry.link;
      if (entry.open && link) entry.health.networkChanged(link, () => entry.link === link && entry.open);
      else if (!entry.link && entry.wanted) this.#attempt(peer, entry);
    }
  }

  #clearTimers(entry: Entry): void {
    this.#clock.clearTimeout(entry.timer);
    this.#clock.clearTimeout(entry.deadline);
  }
}
