import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import {
  Capability,
  IceServersFrame,
  PROTOCOL_VERSION,
  parseServerFrame,
  type IceServer,
} from '../../shared/protocol.js';
import { ConfigError, parseConfig, type Environment } from '../../signaling/config.js';
import type { Timers } from '../../signaling/turn/ice-refresh.js';
import { IceServerSource, type TurnSettings } from '../../signaling/turn/ice-servers.js';
import { signTurnCredential } from '../../signaling/turn/turn-credentials.js';
import { ManualClock, PASSWORD, startTestServer } from './harness.js';

const TURN: TurnSettings = {
  urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349?transport=tcp'],
  secrets: ['north-wind-secret', 'old-secret'],
  ttlS: 3600,
};

/** Timers the test fires by hand, so a day-long TTL is tested without waiting. */
class ManualTimers implements Timers {
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  private next = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { callback, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Fires the one pending timer and returns the delay it was set for. */
  fire(): number {
    assert.equal(this.pending.size, 1, 'expected exactly one pending timer');
    const [id, timer] = [...this.pending][0]!;
    this.pending.delete(id);
    timer.callback();
    return timer.ms;
  }
}

test('signs the credential coturn expects: base64(HMAC-SHA1(secret, "<expiry>:<user>"))', () => {
  // Made once with: printf '%s' '1700000000:alice' | openssl dgst -sha1 -hmac 'north-wind-secret' -binary | base64
  assert.deepEqual(signTurnCredential('north-wind-secret', 'alice', 1_700_000_000), {
    username: '1700000000:alice',
    credential: 'r/l6ttQtMIfbS2lfULS0mDRRNUg=',
  });
});

test('signs with the newest secret during a rotation', () => {
  const clock = new ManualClock(1_700_000_000_000 - 3600_000);
  const grant = new IceServerSource([], TURN, clock).grantFor('alice');
  const turn = grant.iceServers[0]!;
  assert.equal(turn.username, '1700000000:alice');
  // The newest (first) secret's HMAC, not the old one's ('NxP/F5ItkmM8mlwX6/Iat/fdNco=', made as above).
  assert.equal(turn.credential, 'r/l6ttQtMIfbS2lfULS0mDRRNUg=');
});

test('a credential expires TURN_TTL_S after it is issued, and the refresh comes at 80 % of that', () => {
  const clock = new ManualClock();
  const source = new IceServerSource([{ urls: 'stun:stun.example.org' }], TURN, clock);
  const grant = source.grantFor('bob');
  assert.equal(grant.expiresAt, clock.now() + 3600_000);
  assert.equal(grant.iceServers[1]!.username, `${clock.now() / 1000 + 3600}:bob`);
  assert.equal(source.refreshDelayMs(grant), 2880_000);
  clock.advance(3000_000);
  const later = source.grantFor('bob');
  assert.equal(later.expiresAt, clock.now() + 3600_000);
  assert.notEqual(later.iceServers[1]!.credential, grant.iceServers[1]!.credential);
});

test('STUN-only setups get their servers as they are, with nothing to refresh', () => {
  const fixed: IceServer[] = [{ urls: 'stun:stun.example.org' }];
  const source = new IceServerSource(fixed, undefined, new ManualClock());
  assert.deepEqual(source.grantFor('alice'), { iceServers: fixed, expiresAt: null });
  assert.equal(source.refreshDelayMs(source.grantFor('alice')), null);
});

test('refuses ICE_SERVERS that leave no room for the TURN entry in a welcome', () => {
  const sixteen = Array.from({ length: 16 }, () => ({ urls: 'stun:stun.example.org' }));
  assert.throws(() => new IceServerSource(sixteen, TURN, new ManualClock()), /at most 15/);
  assert.doesNotThrow(() => new IceServerSource(sixteen.slice(1), TURN, new ManualClock()));
});

const parse = (env: Environment) => parseConfig(env, [], '/srv/parley/client');
function problemsOf(env: Environment): readonly string[] {
  try {
    parse(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

test('reads TURN_URLS, TURN_SECRET (newest first), TURN_SECRET_OLD and TURN_TTL_S', () => {
  assert.deepEqual(
    parse({
      TURN_URLS: ' turn:a.example:3478?transport=udp , turns:a.example:5349?transport=tcp',
      TURN_SECRET: 'new',
      TURN_SECRET_OLD: 'older,oldest',
      TURN_TTL_S: '600',
    }).turn,
    {
      urls: ['turn:a.example:3478?transport=udp', 'turns:a.example:5349?transport=tcp'],
      secrets: ['new', 'older', 'oldest'],
      ttlS: 600,
    },
  );
  assert.equal(parse({ TURN_URLS: 'turn:a.example', TURN_SECRET: 's' }).turn?.ttlS, 24 * 60 * 60);
  // The shortest allowed: what test/e2e/turn.test.ts watches expire.
  assert.equal(parse({ TURN_URLS: 'turn:a.example', TURN_SECRET: 's', TURN_TTL_S: '10' }).turn?.ttlS, 10);
  assert.equal(parse({}).turn, undefined);
});

test('names each TURN problem', () => {
  assert.deepEqual(problemsOf({ TURN_URLS: 'stun:a.example', TURN_TTL_S: '9' }), [
    "TURN_URLS is set but TURN_SECRET (coturn's static-auth-secret) is not",
    'TURN_URLS entries must start with turn: or turns:, got "stun:a.example"',
    'TURN_TTL_S must be an integer from 10 to 2592000 (30 days), got "9"',
  ]);
  assert.deepEqual(problemsOf({ TURN_SECRET: 's' }), ['TURN_SECRET is set but TURN_URLS is not']);
  assert.deepEqual(problemsOf({ TURN_SECRET_OLD: 's', TURN_URLS: 'turn:a' }), [
    "TURN_URLS is set but TURN_SECRET (coturn's static-auth-secret) is not",
  ]);
  assert.deepEqual(problemsOf({ TURN_TTL_S: '600' }), [
    'TURN_TTL_S is set but TURN_URLS and TURN_SECRET are not',
  ]);
});

/** A raw client: `ice-servers` is not in `ServerFrame` yet, so the shared TestClient would refuse it. */
async function signIn(url: string, capabilities?: string[]): Promise<{ ws: WebSocket; frames: unknown[] }> {
  const ws = new WebSocket(url);
  await once(ws, 'open');
  const frames: unknown[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  ws.send(
    JSON.stringify({
      type: 'register',
      version: PROTOCOL_VERSION,
      username: `u${Math.random().toString(36).slice(2, 8)}`,
      password: PASSWORD,
      ...(capabilities && { capabilities }),
    }),
  );
  await once(ws, 'message');
  return { ws, frames };
}

test('the welcome carries a TURN credential for the user, merged after ICE_SERVERS', async (t) => {
  const clock = new ManualClock();
  const server = await startTestServer(t, {
    iceServers: [{ urls: 'stun:stun.example.org' }],
    turn: TURN,
    clock,
    timers: new ManualTimers(),
  });
  const { client, welcome } = await server.join('carol');
  t.after(() => client.ws.terminate());
  const expiry = clock.now() / 1000 + 3600;
  assert.deepEqual(welcome.iceServers, [
    { urls: 'stun:stun.example.org' },
    { urls: [...TURN.urls], ...signTurnCredential('north-wind-secret', 'carol', expiry) },
  ]);
});

test('a client that announces ice-refresh gets fresh credentials at 80 % of the TTL until it closes', async (t) => {
  const clock = new ManualClock();
  const timers = new ManualTimers();
  const server = await startTestServer(t, { turn: TURN, clock, timers });
  const { ws, frames } = await signIn(server.wsUrl, [Capability.IceRefresh, 'some-future-feature']);
  t.after(() => ws.terminate());
  const welcome = parseServerFrame(JSON.stringify(frames[0]));
  assert.equal(welcome.type, 'welcome');

  clock.advance(2880_000);
  assert.equal(timers.fire(), 2880_000);
  await once(ws, 'message');
  const refresh = IceServersFrame.parse(frames[1]);
  assert.equal(refresh.iceServers[0]!.username?.split(':')[0], String(clock.now() / 1000 + 3600));
  // The next one is scheduled from the new credential's lifetime.
  assert.deepEqual(
    [...timers.pending.values()].map((timer) => timer.ms),
    [2880_000],
  );

  ws.close();
  await once(ws, 'close');
  await server.close();
  assert.equal(timers.pending.size, 0, 'the refresh timer outlives the connection');
});

test('a client that does not announce ice-refresh never gets the frame it would not understand', async (t) => {
  const timers = new ManualTimers();
  const server = await startTestServer(t, { turn: TURN, clock: new ManualClock(), timers });
  const { ws } = await signIn(server.wsUrl);
  t.after(() => ws.terminate());
  assert.equal(timers.pending.size, 0);
});

test('logging out stops the refresh', async (t) => {
  const timers = new ManualTimers();
  const server = await startTestServer(t, { turn: TURN, clock: new ManualClock(), timers });
  const { ws, frames } = await signIn(server.wsUrl, [Capability.IceRefresh]);
  t.after(() => ws.terminate());
  assert.equal(timers.pending.size, 1);
  ws.send(JSON.stringify({ type: 'logout' }));
  await once(ws, 'message');
  assert.deepEqual(frames[1], { type: 'logged-out' });
  assert.equal(timers.pending.size, 0);
});
