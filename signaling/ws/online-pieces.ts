/**
 * A `welcome`'s online list within the 64 KiB frame limit: as many names as fit go in the welcome,
 * the rest follow at once in `online-more` frames of at most `MAX_FRAME_BYTES` each (50,000 names
 * online take ~10 of them). A client that did not announce `Capability.OnlinePieces` gets the rest
 * as `user-online` frames instead, which every client version handles.
 *
 * For a client that announced `Capability.IdentityKeys`, each frame also carries the device keys of
 * the names in it (`keys`), counted against the same limit: a key adds ~110 bytes (Ed25519) to
 * ~180 (P-256) to a name, so such a welcome holds a few hundred names and the rest follows.
 */
import type { PublicIdentity } from '../../shared/identity-protocol.js';
import {
  MAX_FRAME_BYTES,
  type OnlineKey,
  type OnlineMoreFrame,
  type ServerFrame,
  type WelcomeFrame,
} from '../../shared/protocol.js';

/** The device keys of people online, by canonical name (those without one are absent). */
export type OnlineKeys = ReadonlyMap<string, PublicIdentity>;

/** One frame's share of the list: its names and, when keys are sent, their keys. */
class Piece {
  readonly users: string[] = [];
  readonly keys: OnlineKey[] = [];
  room: number;

  constructor(
    empty: ServerFrame,
    private readonly identities: OnlineKeys | undefined,
  ) {
    this.room = MAX_FRAME_BYTES - JSON.stringify(empty).length;
  }

  /** Takes `user` if it fits; false when the frame is full (an empty piece fits any one entry). */
  add(user: string): boolean {
    const identity = this.identities?.get(user);
    const entry = identity ? { user, identity } : null;
    // The name in a JSON array with its comma; the key entry likewise (string length, as clients measure).
    const cost = JSON.stringify(user).length + 1 + (entry ? JSON.stringify(entry).length + 1 : 0);
    if (cost > this.room) return false;
    this.users.push(user);
    if (entry) this.keys.push(entry);
    this.room -= cost;
    return true;
  }

  /** The `keys` field, present only for a client that asked for keys. */
  keysField(): { keys?: OnlineKey[] } {
    return this.identities ? { keys: this.keys } : {};
  }
}

/**
 * `welcome` (whose `online` is empty) with as much of `online` as fits, and the frames with the rest.
 * `identities`: the keys to send along, for a client that asked for them (`Capability.IdentityKeys`).
 */
export function splitOnline(
  welcome: WelcomeFrame,
  online: readonly string[],
  pieces: boolean,
  identities?: OnlineKeys,
): ServerFrame[] {
  const keyed = identities ? { keys: [] } : {};
  const head = new Piece({ ...welcome, ...keyed, more: true }, identities);
  let next = 0;
  while (next < online.length && head.add(online[next]!)) next++;
  if (next === online.length) return [{ ...welcome, online: head.users, ...head.keysField() }];
  const rest = online.slice(next);
  if (!pieces) {
    return [
      { ...welcome, online: head.users, ...head.keysField() },
      ...rest.map((user) => {
        const identity = identities?.get(user);
        return { type: 'user-online', user, ...(identity ? { identity } : {}) } as const;
      }),
    ];
  }
  const frames: ServerFrame[] = [{ ...welcome, online: head.users, ...head.keysField(), more: true }];
  const emptyMore: OnlineMoreFrame = { type: 'online-more', users: [], last: false, ...keyed };
  let piece = new Piece(emptyMore, identities);
  for (const user of rest) {
    if (piece.add(user)) continue;
    frames.push({ type: 'online-more', users: piece.users, last: false, ...piece.keysField() });
    piece = new Piece(emptyMore, identities);
    piece.add(user);
  }
  frames.push({ type: 'online-more', users: piece.users, last: true, ...piece.keysField() });
  return frames;
}
