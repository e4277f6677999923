import { WebSocket } from 'ws';
import type { PublicIdentity } from '../../shared/identity-protocol.js';
import type { ServerFrame } from '../../shared/protocol.js';
import { LOCAL_BUS, type BusListener, type ClusterBus, type RemoteEntry } from '../cluster/bus.js';
import { userOfflineFrames, usersOfflineFrames } from './offline-frames.js';
import { encodeTextFrame } from './outbox.js';

/** What presence needs of a connection: its socket, and ways to send it frames or end it. */
export interface PresenceMember {
  readonly socket: WebSocket;
  /** Queues an encoded WebSocket frame (see `encodeTextFrame`), batched with others of this turn. */
  announce(frame: Buffer): void;
  /** Queues a relayed frame (a JSON text) for the next flush. */
  forward(frame: string): void;
  /** A newer session of the account took over (here or on another node): says so and closes. */
  replace(): void;
  /** The client takes device keys with presence (`Capability.IdentityKeys`). */
  readonly wantsKeys?: boolean;
  /** The client takes `group-log` frames (`Capability.GroupLog`); absent: it does. */
  readonly wantsGroupLog?: boolean;
  /** The client takes `users-offline` frames (`Capability.UsersOffline`); absent: it does not. */
  readonly wantsUsersOffline?: boolean;
}

/** How a serialized `group-log` frame begins (`JSON.stringify` keeps `type` first, as written). */
const GROUP_LOG_PREFIX = '{"type":"group-log"';

interface Entry<M extends PresenceMember> {
  user: string;
  member: M;
  /** The device key the session announced at sign-in, if any: a hint handed out with presence. */
  identity: PublicIdentity | undefined;
  /** `mark()` when it entered; see `BusListener.remoteSnapshot`. */
  seq: number;
}

/** Whether two entries of the cluster's presence are one session (a new key means a new login). */
function sameSession(a: RemoteEntry, b: RemoteEntry): boolean {
  return (
    a.node === b.node &&
    a.user === b.user &&
    a.identity?.alg === b.identity?.alg &&
    a.identity?.key === b.identity?.key
  );
}

/**
 * Who is online: at most one connection per account, by name key, across the cluster. Connections
 * here are held; users on other nodes are known by name and node, from the bus. Changes are
 * announced as deltas (`user-online` / `user-offline`), each serialized once and sent as the same
 * bytes to everyone here; the bus carries them to the other nodes. Users going offline in one turn
 * are told together (`users-offline`, see offline-frames.ts), at the end of the turn or before any
 * other frame presence sends, so every frame keeps its order.
 */
export class Presence<M extends PresenceMember> implements BusListener {
  private readonly entries = new Map<string, Entry<M>>();
  private readonly remote = new Map<string, RemoteEntry>();
  private entered = 0;
  /** Users gone offline this turn, not told yet (`flushOffline`). */
  private goneOffline: string[] = [];

  constructor(private readonly bus: ClusterBus = LOCAL_BUS) {
    bus.listen(this);
  }

  /** The online member here for a name key, if any. */
  find(key: string): Entry<M> | undefined {
    return this.entries.get(key);
  }

  /** The other node a name key is online on, if it is online elsewhere. */
  nodeOf(key: string): string | undefined {
    return this.remote.get(key)?.node;
  }

  /** Canonical names of everyone online, on every node. */
  names(): string[] {
    const names: string[] = [];
    for (const entry of this.entries.values()) names.push(entry.user);
    for (const entry of this.remote.values()) names.push(entry.user);
    return names;
  }

  /**
   * The device keys of the people online, here and on the other nodes (the bus carries each session's
   * key with its presence), by canonical name.
   */
  keys(): Map<string, PublicIdentity> {
    const keys = new Map<string, PublicIdentity>();
    for (const entry of this.entries.values()) if (entry.identity) keys.set(entry.user, entry.identity);
    for (const entry of this.remote.values()) if (entry.identity) keys.set(entry.user, entry.identity);
    return keys;
  }

  /** Users online on this node. */
  get size(): number {
    return this.entries.size;
  }

  /** Users online on every node. */
  get clusterSize(): number {
    return this.entries.size + this.remote.size;
  }

  /**
   * Adds `member` as `user` and tells everyone else. The key must be free here (see `leave`); a
   * session on another node is taken over (that node closes it when the bus tells it).
   */
  enter(key: string, user: string, member: M, identity?: PublicIdentity): void {
    if (this.entries.has(key)) throw new TypeError(`presence: ${key} is already online`);
    // Told before `member` is in: it is welcomed with the list as it is now, and hears only what follows.
    this.flushOffline();
    const elsewhere = this.remote.get(key);
    if (elsewhere) {
      this.remote.delete(key);
      this.wentOffline(elsewhere.user);
      this.flushOffline();
    }
    this.entries.set(key, { user, member, identity, seq: ++this.entered });
    this.broadcast({ type: 'user-online', user }, member, identity);
    this.bus.online(key, user, identity);
  }

  /** Removes `member` if it is the one online under `key`, and tells everyone else. */
  leave(key: string, member: M): void {
    const entry = this.entries.get(key);
    if (entry?.member !== member) return;
    this.entries.delete(key);
    this.wentOffline(entry.user);
    this.bus.offline(key, entry.user, entry.identity);
  }

  /** Sends `frame` to whoever of `keys` is online, here and on the other nodes, serialized once. */
  announceTo(keys: readonly string[], frame: ServerFrame): void {
    const text = JSON.stringify(frame);
    this.announceHere(keys, encodeTextFrame(text), text);
    this.bus.announce(keys, text);
  }

  /**
   * Sends a relayed frame to `key` on the node it is online on; false if it is not online elsewhere
   * or the bus shed it (too much already on its way).
   */
  relayRemote(key: string, frame: string): boolean {
    const node = this.nodeOf(key);
    return node !== undefined && this.bus.relay(node, key, frame);
  }

  /** Forgets everyone without announcing it: the server is shutting down and every socket is closing. */
  clear(): void {
    this.entries.clear();
    this.remote.clear();
    this.goneOffline = [];
  }

  remoteOnline(key: string, entry: RemoteEntry): void {
    // Newest session wins across nodes: the bus only reports a login elsewhere newer than ours.
    this.entries.get(key)?.member.replace();
    const before = this.remote.get(key);
    if (before) this.wentOffline(before.user);
    this.remote.set(key, entry);
    this.broadcast({ type: 'user-online', user: entry.user }, null, entry.identity);
  }

  remoteOffline(key: string, node: string): void {
    const entry = this.remote.get(key);
    if (entry?.node !== node) return;
    this.remote.delete(key);
    this.wentOffline(entry.user);
  }

  remoteSnapshot(entries: ReadonlyMap<string, RemoteEntry>, mark: number): void {
    for (const [key, entry] of this.remote) {
      const now = entries.get(key);
      if (now && sameSession(now, entry)) continue;
      this.remote.delete(key);
      this.wentOffline(entry.user);
    }
    for (const [key, entry] of entries) {
      if (this.remote.has(key)) continue;
      const here = this.entries.get(key);
      // A session that entered after the snapshot was asked for is newer than what it shows.
      if (here && here.seq > mark) continue;
      here?.member.replace();
      this.remote.set(key, entry);
      this.broadcast({ type: 'user-online', user: entry.user }, null, entry.identity);
    }
  }

  deliver(key: string, frame: string): void {
    const member = this.entries.get(key)?.member;
    if (member?.socket.readyState === WebSocket.OPEN) member.forward(frame);
  }

  announced(keys: readonly string[], frame: string): void {
    this.announceHere(keys, encodeTextFrame(frame), frame);
  }

  localUsers(): Array<[key: string, user: string, identity: PublicIdentity | undefined]> {
    return [...this.entries].map(([key, entry]) => [key, entry.user, entry.identity]);
  }

  mark(): number {
    return this.entered;
  }

  /** Sends `bytes` (the frame `text`) to whoever of `keys` is here; older clients get no `group-log`. */
  private announceHere(keys: readonly string[], bytes: Buffer, text: string): void {
    this.flushOffline();
    // Older clients parse strictly: a frame type they do not know would be a bad frame to them.
    const groupLog = text.startsWith(GROUP_LOG_PREFIX);
    for (const key of keys) {
      const member = this.entries.get(key)?.member;
      if (member && !(groupLog && member.wantsGroupLog === false)) member.announce(bytes);
    }
  }

  /**
   * Sends `frame` to everyone here but `except`. With `identity` (a `user-online`), clients that take
   * keys get it in the frame; older clients parse strictly and get the frame without it.
   */
  private broadcast(frame: ServerFrame, except: M | null, identity?: PublicIdentity): void {
    this.flushOffline();
    // Serialized and framed once per variant; every recipient of a variant gets the same bytes.
    const bytes = encodeTextFrame(JSON.stringify(frame));
    const keyed = identity ? encodeTextFrame(JSON.stringify({ ...frame, identity })) : bytes;
    for (const { member } of this.entries.values()) {
      if (member !== except) member.announce(member.wantsKeys === true ? keyed : bytes);
    }
  }

  /** `user` went offline: told with the others of this turn, at its end or before the next frame. */
  private wentOffline(user: string): void {
    this.goneOffline.push(user);
    if (this.goneOffline.length === 1) setImmediate(() => this.flushOffline());
  }

  /** Tells everyone here who went offline since the last flush: in pieces, or one frame each to older clients. */
  private flushOffline(): void {
    const users = this.goneOffline;
    if (users.length === 0) return;
    this.goneOffline = [];
    // Each form framed once, and only if someone takes it; every recipient gets the same bytes.
    let batched: Buffer[] | undefined;
    let single: Buffer[] | undefined;
    for (const { member } of this.entries.values()) {
      const frames =
        member.wantsUsersOffline === true
          ? (batched ??= usersOfflineFrames(users))
          : (single ??= userOfflineFrames(users));
      for (const bytes of frames) member.announce(bytes);
    }
  }
}
