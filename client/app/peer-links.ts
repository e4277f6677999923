/**
 * The one port every feature gets onto the peer connections: send a frame, ask whether a peer's
 * channel is open, start connecting, feed a bulk stream, warn. Built once over the `PeerMesh` by the
 * composition root and handed to each feature (a narrow port, like trystero's
 * `strategy({ init, subscribe, announce })`), instead of a host interface re-declared per feature.
 * A feature that needs less takes a `Pick<PeerLinks, …>`, so its tests fake only what it uses.
 */
import type { AppFrame } from '../../shared/peer-protocol.js';
import type { BulkSource } from '../net/bulk-scheduler.js';
import type { LinkRoute } from '../net/link-route.js';
import type { PeerMesh, PeerState } from '../net/peer-mesh.js';
import type { Warn } from './warn.js';

export interface PeerLinks {
  /** Sends over `peer`'s open channel; false when there is none (nothing was sent). */
  send(peer: string, frame: AppFrame): boolean;
  /** Whether `peer`'s data channel is open now. */
  isOpen(peer: string): boolean;
  /** Starts connecting to an online peer, and keeps retrying until it goes offline. */
  connect(peer: string): void;
  /** What is known of the connection to `peer`, for the person to see. */
  status(peer: string): LinkStatus;
  /** Bulk streams (file chunks) go out behind chat frames, paced by the channel's buffer. */
  readonly bulk: BulkLinks;
  /** Bad peer input and failed background work: logged, never thrown. */
  warn: Warn;
}

export interface LinkStatus {
  readonly state: PeerState;
  /** How the open channel runs; null: not open, or not known yet. */
  readonly route: LinkRoute | null;
  /** The last attempt to connect failed, and none opened since. */
  readonly failed: boolean;
}

export interface BulkLinks {
  /** Starts streaming `source` to `peer`; false when its channel is not open. */
  add(peer: string, source: BulkSource): boolean;
  remove(peer: string, source: BulkSource): void;
  /** `source` has data again after it ran dry. */
  wake(peer: string): void;
}

/** The port over `mesh`: every feature's view of the network. */
export function peerLinks(mesh: PeerMesh, warn: Warn): PeerLinks {
  return {
    send: (peer, frame) => mesh.send(peer, frame),
    isOpen: (peer) => mesh.state(peer) === 'open',
    connect: (peer) => mesh.want(peer),
    status: (peer) => ({ state: mesh.state(peer), route: mesh.route(peer), failed: mesh.failed(peer) }),
    bulk: {
      add: (peer, source) => mesh.addBulk(peer, source),
      remove: (peer, source) => mesh.removeBulk(peer, source),
      wake: (peer) => mesh.wakeBulk(peer),
    },
    warn,
  };
}
