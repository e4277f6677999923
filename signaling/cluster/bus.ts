/**
 * What one signaling node tells the others and hears from them. One server is a cluster of one: it
 * uses `LOCAL_BUS`, which has nobody to tell, so presence, relay and group announcements run the same
 * code with and without `REDIS_URL` (see redis-bus.ts for the cluster).
 */

import type { PublicIdentity } from '../../shared/identity-protocol.js';

/** A user online on another node. */
export interface RemoteEntry {
  user: string;
  node: string;
  /** The device key the session announced there, if any: handed out as on one node. */
  identity?: PublicIdentity;
}

/** What this node hears from the others (implemented by `Presence`). */
export interface BusListener {
  /**
   * `user` logged in on `node`, after any session of theirs here (which must be replaced: the newest
   * session wins across nodes).
   */
  remoteOnline(key: string, entry: RemoteEntry): void;
  /** `key` left `node` (logged out, disconnected, or the node died). */
  remoteOffline(key: string, node: string): void;
  /**
   * The whole cluster's presence, other nodes only, after a reconnect or a gap in the deltas. Local
   * sessions entered before `mark` that it shows elsewhere were replaced meanwhile.
   */
  remoteSnapshot(entries: ReadonlyMap<string, RemoteEntry>, mark: number): void;
  /** A relayed frame for `key`, online here (or no longer: then it is dropped; at most once). */
  deliver(key: string, frame: string): void;
  /** A frame for whoever of `keys` is online here. */
  announced(keys: readonly string[], frame: string): void;
  /** This node's sessions, to write back into the cluster's presence after Redis was away. */
  localUsers(): Array<[key: string, user: string, identity: PublicIdentity | undefined]>;
  /** A counter that grows with each local login; see `remoteSnapshot`. */
  mark(): number;
}

/** What this node tells the others. Every call returns at once; delivery is best effort. */
export interface ClusterBus {
  /** This node's id (`local` for a single server). */
  readonly node: string;
  /** Starts hearing the others. */
  listen(listener: BusListener): void;
  /** `user` logged in here, announcing `identity` (or no key). */
  online(key: string, user: string, identity: PublicIdentity | undefined): void;
  /** `user` left here; `identity` as it was given to `online`. */
  offline(key: string, user: string, identity: PublicIdentity | undefined): void;
  /**
   * Sends `frame` to `key` on `node`. At most once: lost if Redis is away or the user moved. False if
   * it was shed at once because too much is already on its way to the other nodes.
   */
  relay(node: string, key: string, frame: string): boolean;
  /** Sends `frame` to whoever of `keys` is online on the other nodes. */
  announce(keys: readonly string[], frame: string): void;
  /** Takes this node's users out of the cluster's presence and disconnects. */
  close(): Promise<void>;
}

/** The bus of a single server: there is no other node to tell. */
export const LOCAL_BUS: ClusterBus = {
  node: 'local',
  listen: () => undefined,
  online: () => undefined,
  offline: () => undefined,
  relay: () => false,
  announce: () => undefined,
  close: () => Promise.resolve(),
};
