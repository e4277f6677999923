/**
 * The users who went offline in one turn, framed for clients that take `users-offline`
 * (`Capability.UsersOffline`): as many names as fit the 64 KiB frame limit in each frame. When a node
 * dies its 5,000 users go offline together; told one by one, each of the 5,000 users of the node that
 * survives got 5,000 frames (25 million writes), and the last of them was told ~12 s late. Older
 * clients parse strictly and still get one `user-offline` each.
 */
import { MAX_FRAME_BYTES, type ServerFrame } from '../../shared/protocol.js';
import { encodeTextFrame } from './outbox.js';

const EMPTY_LENGTH = JSON.stringify({ type: 'users-offline', users: [] }).length;

/** `users` in `users-offline` frames of at most `MAX_FRAME_BYTES` (string length, as clients measure), encoded. */
export function usersOfflineFrames(users: readonly string[], maxLength = MAX_FRAME_BYTES): Buffer[] {
  const frames: Buffer[] = [];
  let piece: string[] = [];
  let room = maxLength - EMPTY_LENGTH;
  for (const user of users) {
    // The name in a JSON array with its comma. An empty piece takes any one name (names are short).
    const cost = JSON.stringify(user).length + 1;
    if (cost > room && piece.length > 0) {
      frames.push(encode(piece));
      piece = [];
      room = maxLength - EMPTY_LENGTH;
    }
    piece.push(user);
    room -= cost;
  }
  if (piece.length > 0) frames.push(encode(piece));
  return frames;
}

/** One `user-offline` frame per user, encoded, for clients without the capability. */
export function userOfflineFrames(users: readonly string[]): Buffer[] {
  return users.map((user) =>
    encodeTextFrame(JSON.stringify({ type: 'user-offline', user } satisfies ServerFrame)),
  );
}

function encode(users: string[]): Buffer {
  return encodeTextFrame(JSON.stringify({ type: 'users-offline', users } satisfies ServerFrame));
}
