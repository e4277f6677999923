import assert from 'node:assert/strict';
import { setImmediate as turnEnds } from 'node:timers/promises';
import { test } from 'node:test';
import type { WebSocket } from 'ws';
import { Capability, MAX_FRAME_BYTES, PROTOCOL_VERSION, parseServerFrame } from '../../shared/protocol.js';
import type { ServerFrame } from '../../shared/protocol.js';
import { userOfflineFrames, usersOfflineFrames } from '../../signaling/ws/offline-frames.js';
import { Presence, type PresenceMember } from '../../signaling/ws/presence.js';
import { PASSWORD, startTestServer } from './harness.js';

const GROUP = `g${'a'.repeat(24)}`;

/** The text of an encoded server frame (a 2-, 4- or 10-byte header before it). */
function text(frame: Buffer): string {
  const length = frame[1]! & 0x7f;
  return frame.subarray(length < 126 ? 2 : length === 126 ? 4 : 10).toString('utf8');
}

/**
 * A member that records what presence queues for it. Presence itself is the real class; a member is
 * its port to a connection, and a recorder shows what each member was sent within one turn, which a
 * socket cannot (the server's outbox joins a turn's frames into one write).
 */
class Recorder implements PresenceMember {
  readonly socket = undefined as unknown as WebSocket; // only `deliver` reads it; not used here
  readonly frames: ServerFrame[] = [];
  constructor(readonly wantsUsersOffline: boolean) {}
  announce(frame: Buffer): void {
    this.frames.push(parseServerFrame(text(frame)));
  }
  forward(): void {}
  replace(): void {}
}

const names = (count: number, prefix = 'person'): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

test('users gone offline are packed in frames within the frame limit, every name once, in order', () => {
  const users = names(12_000, 'someone-with-a-long-name');
  const frames = usersOfflineFrames(users);
  assert.ok(frames.length > 1 && frames.length < 10, `${frames.length} frames`);
  const told: string[] = [];
  for (const frame of frames) {
    const raw = text(frame);
    assert.ok(raw.length <= MAX_FRAME_BYTES, `${raw.length} characters`);
    const parsed = parseServerFrame(raw);
    assert.equal(parsed.type, 'users-offline');
    if (parsed.type === 'users-offline') told.push(...parsed.users);
  }
  assert.deepEqual(told, users);
  assert.deepEqual(
    userOfflineFrames(['ada', 'bo']).map((frame) => JSON.parse(text(frame)) as unknown),
    [
      { type: 'user-offline', user: 'ada' },
      { type: 'user-offline', user: 'bo' },
    ],
  );
});

test('a users-offline frame without names, or with something else than names, is refused', () => {
  assert.throws(() => parseServerFrame('{"type":"users-offline","users":[]}'), /users/);
  assert.throws(() => parseServerFrame('{"type":"users-offline","users":[3]}'), /users/);
  assert.throws(() => parseServerFrame('{"type":"users-offline","users":["a"],"more":1}'));
});

test('a dead node’s users reach each member in one frame; older clients get one frame each', async () => {
  const presence = new Presence<Recorder>();
  const batched = new Recorder(true);
  const older = new Recorder(false);
  presence.enter('ada', 'ada', batched);
  presence.enter('bo', 'bo', older);
  const gone = names(5);
  for (const user of gone) presence.remoteOnline(user, { user, node: 'b' });
  await turnEnds();
  batched.frames.length = 0;
  older.frames.length = 0;
  // The sweeper took node b's users: the bus reports each, in one turn.
  for (const user of gone) presence.remoteOffline(user, 'b');
  assert.deepEqual(batched.frames, [], 'told at the end of the turn, not one by one');
  await turnEnds();
  assert.deepEqual(batched.frames, [{ type: 'users-offline', users: gone }]);
  assert.deepEqual(
    older.frames,
    gone.map((user) => ({ type: 'user-offline', user })),
  );
  assert.deepEqual(presence.names().sort(), ['ada', 'bo']);
});

test('an offline waiting for the end of the turn goes out before any later frame, and not to who entered after', async () => {
  const presence = new Presence<Recorder>();
  const ada = new Recorder(true);
  presence.enter('ada', 'ada', ada);
  presence.remoteOnline('cy', { user: 'cy', node: 'b' });
  await turnEnds();
  ada.frames.length = 0;
  // cy's session on node b ends and a new one starts on node c, in one turn: offline, then online.
  presence.remoteOffline('cy', 'b');
  presence.remoteOnline('cy', { user: 'cy', node: 'c' });
  presence.remoteOffline('dee', 'b'); // not online anywhere: nothing to tell
  const late = new Recorder(true);
  presence.remoteOffline('cy', 'c');
  presence.enter('eve', 'eve', late);
  presence.leave('eve', late);
  presence.announceTo(['ada'], { type: 'group-removed', group: GROUP });
  assert.deepEqual(ada.frames, [
    { type: 'users-offline', users: ['cy'] },
    { type: 'user-online', user: 'cy' },
    { type: 'users-offline', users: ['cy'] },
    { type: 'user-online', user: 'eve' },
    { type: 'users-offline', users: ['eve'] },
    { type: 'group-removed', group: GROUP },
  ]);
  await turnEnds();
  assert.deepEqual(late.frames, [], 'eve is welcomed with the list as it is when she enters');
});

test('over a real socket: a client that announced the capability hears users-offline, others user-offline', async (t) => {
  const server = await startTestServer(t);
  const ada = await server.connect();
  ada.send({
    type: 'register',
    version: PROTOCOL_VERSION,
    username: 'ada',
    password: PASSWORD,
    capabilities: [Capability.UsersOffline],
  });
  await ada.expect('welcome');
  const cy = await server.join('cy');
  const bo = await server.join('bo');
  await ada.expect('user-online');
  await ada.expect('user-online');
  await cy.client.expect('user-online');
  bo.client.ws.close();
  assert.deepEqual(await ada.expect('users-offline'), { type: 'users-offline', users: ['bo'] });
  assert.deepEqual(await cy.client.expect('user-offline'), { type: 'user-offline', user: 'bo' });
});
