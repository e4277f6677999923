/**
 * A `welcome`'s online list within the 64 KiB frame limit: as many names as fit go in the welcome,
 * the rest follow at once in `online-more` frames of at most `MAX_FRAME_BYTES` each (50,000 names
 * online take ~10 of them). A client that did not announce `Capability.OnlinePieces` gets the rest
 * as `user-online` frames instead, which every client version handles.
 */
import {
  MAX_FRAME_BYTES,
  type OnlineMoreFrame,
  type ServerFrame,
  type WelcomeFrame,
} from '../../shared/protocol.js';

/** The size of a name in a JSON array, the comma included (string length, as clients measure it). */
function cost(name: string): number {
  return JSON.stringify(name).length + 1;
}

/** `welcome` (whose `online` is empty) with as much of `online` as fits, and the frames with the rest. */
export function splitOnline(
  welcome: WelcomeFrame,
  online: readonly string[],
  pieces: boolean,
): ServerFrame[] {
  let room = MAX_FRAME_BYTES - JSON.stringify({ ...welcome, more: true }).length;
  let fitting = 0;
  while (fitting < online.length && cost(online[fitting]!) <= room) room -= cost(online[fitting++]!);
  if (fitting === online.length) return [{ ...welcome, online: [...online] }];
  const rest = online.slice(fitting);
  if (!pieces) {
    return [
      { ...welcome, online: online.slice(0, fitting) },
      ...rest.map((user) => ({ type: 'user-online', user }) as const),
    ];
  }
  const frames: ServerFrame[] = [{ ...welcome, online: online.slice(0, fitting), more: true }];
  const empty = JSON.stringify({ type: 'online-more', users: [], last: false } satisfies OnlineMoreFrame);
  let piece: string[] = [];
  room = MAX_FRAME_BYTES - empty.length;
  for (const user of rest) {
    if (cost(user) > room) {
      frames.push({ type: 'online-more', users: piece, last: false });
      piece = [];
      room = MAX_FRAME_BYTES - empty.length;
    }
    piece.push(user);
    room -= cost(user);
  }
  frames.push({ type: 'online-more', users: piece, last: true });
  return frames;
}
