import type { WebSocket } from 'ws';
import type { ServerFrame } from '../../shared/protocol.js';
import { encodeTextFrame } from './outbox.js';

/** What presence needs of a connection: its socket, and a way to send it an announcement. */
export interface PresenceMember {
  readonly socket: WebSocket;
  /** Queues an encoded WebSocket frame (see `encodeTextFrame`), batched with others of this turn. */
  announce(frame: Buffer): void;
}

interface Entry<M extends PresenceMember> {
  user: string;
  member: M;
}

/**
 * Who is online: at most one connection per account, by name key. Changes are announced as deltas
 * (`user-online` / `user-offline`), each serialized once and sent as the same bytes to everyone.
 */
export class Presence<M extends PresenceMember> {
  private readonly entries = new Map<string, Entry<M>>();

  /** The online member for a name key, if any. */
  find(key: string): Entry<M> | undefined {
    return this.entries.get(key);
  }

  /** Canonical names of everyone online. */
  names(): string[] {
    const names: string[] = [];
    for (const entry of this.entries.values()) names.push(entry.user);
    return names;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Adds `member` as `user` and tells everyone else. The key must be free (see `leave`). */
  enter(key: string, user: string, member: M): void {
    if (this.entries.has(key)) throw new TypeError(`presence: ${key} is already online`);
    this.entries.set(key, { user, member });
    this.broadcast({ type: 'user-online', user }, member);
  }

  /** Removes `member` if it is the one online under `key`, and tells everyone else. */
  leave(key: string, member: M): void {
    const entry = this.entries.get(key);
    if (entry?.member !== member) return;
    this.entries.delete(key);
    this.broadcast({ type: 'user-offline', user: entry.user }, member);
  }

  /** Sends `frame` to whoever of `keys` is online, serialized once. */
  announceTo(keys: Iterable<string>, frame: ServerFrame): void {
    const bytes = encodeTextFrame(JSON.stringify(frame));
    for (const key of keys) this.entries.get(key)?.member.announce(bytes);
  }

  /** Forgets everyone without announcing it: the server is shutting down and every socket is closing. */
  clear(): void {
    this.entries.clear();
  }

  private broadcast(frame: ServerFrame, except: M): void {
    // Serialized and framed once; every recipient gets the same bytes.
    const bytes = encodeTextFrame(JSON.stringify(frame));
    for (const { member } of this.entries.values()) {
      if (member !== except) member.announce(bytes);
    }
  }
}
