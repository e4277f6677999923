import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLimiter } from '../../signaling/limits/limiter.js';
import {
  DEFAULT_SCRYPT_PARAMS,
  checkScryptParams,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../../signaling/auth/password-hash.js';
import { hashSessionToken, newSessionToken } from '../../signaling/auth/session-token.js';
import { TokenBucket } from '../../signaling/limits/token-bucket.js';
import { ManualClock } from './harness.js';

const cheap = { cost: 16, blockSize: 8, parallelization: 1 };

test('a password verifies against its own hash and no other', async () => {
  const hash = await hashPassword('correct horse', cheap);
  assert.match(hash, /^\$scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.equal(await verifyPassword('correct horse', hash), true);
  assert.equal(await verifyPassword('correct horsE', hash), false);
  assert.notEqual(await hashPassword('correct horse', cheap), hash, 'each hash has its own salt');
});

test('a password verifies whatever Unicode composition it was typed in', async () => {
  const hash = await hashPassword('caf\u00e9-latte', cheap);
  assert.equal(await verifyPassword('cafe\u0301-latte', hash), true);
});

test('the default parameters hash and verify (maxmem is large enough for N=2^15, r=8)', async () => {
  const hash = await hashPassword('correct horse', DEFAULT_SCRYPT_PARAMS);
  assert.match(hash, /^\$scrypt\$ln=15,r=8,p=1\$/);
  assert.equal(await verifyPassword('correct horse', hash), true);
});

test('a hash made with other parameters still verifies and asks to be rehashed', async () => {
  const hash = await hashPassword('correct horse', cheap);
  assert.equal(needsRehash(hash, cheap), false);
  assert.equal(needsRehash(hash, { ...cheap, cost: 32 }), true);
  assert.equal(await verifyPassword('correct horse', hash), true);
});

test('a malformed or tampered hash never verifies', async () => {
  for (const bad of [
    '',
    'plain',
    '$scrypt$ln=40,r=8,p=1$c2FsdA$aGFzaA',
    '$scrypt$ln=4,r=8,p=1$c2FsdA$',
    '$bcrypt$x',
  ]) {
    assert.equal(await verifyPassword('anything', bad), false, bad);
    assert.equal(needsRehash(bad, cheap), true);
  }
});

test('scrypt parameters are checked up front', () => {
  assert.throws(() => checkScryptParams({ ...cheap, cost: 1000 }), TypeError);
  assert.throws(() => checkScryptParams({ ...cheap, cost: 2 ** 21 }), TypeError);
  assert.throws(() => checkScryptParams({ ...cheap, blockSize: 0 }), TypeError);
  checkScryptParams(DEFAULT_SCRYPT_PARAMS);
});

test('session tokens are 32 random bytes, stored only as a SHA-256', () => {
  const token = newSessionToken();
  assert.equal(Buffer.from(token, 'base64url').length, 32);
  assert.notEqual(newSessionToken(), token);
  assert.equal(hashSessionToken(token), hashSessionToken(token));
  assert.notEqual(hashSessionToken(token), token);
  assert.equal(Buffer.from(hashSessionToken(token), 'base64url').length, 32);
});

test('a token bucket allows a burst, then refills at its rate', () => {
  const clock = new ManualClock();
  const bucket = new TokenBucket({ perSecond: 4, burst: 2 }, clock);
  assert.equal(bucket.take(), 0);
  assert.equal(bucket.take(), 0);
  assert.equal(bucket.take(), 250);
  clock.advance(100);
  assert.equal(bucket.take(), 150);
  clock.advance(150);
  assert.equal(bucket.take(), 0);
  clock.advance(10_000);
  assert.equal(bucket.take(), 0);
  assert.equal(bucket.take(), 0);
  assert.ok(bucket.take() > 0, 'refill stops at the burst size');
  assert.throws(() => new TokenBucket({ perSecond: 0, burst: 1 }, clock), TypeError);
});

test('a limiter counts before it decides, and a window or block ends by the clock', async () => {
  const clock = new ManualClock();
  const limiter = new MemoryLimiter({ points: 2, windowMs: 1000 }, clock);
  // Three calls made before any is awaited: the third is refused, counted like the others.
  const decisions = await Promise.all([limiter.consume('k'), limiter.consume('k'), limiter.consume('k')]);
  assert.deepEqual(
    decisions.map((decision) => decision.allowed),
    [true, true, false],
  );
  assert.equal(decisions[2]!.retryAfterMs, 1000);
  assert.equal((await limiter.consume('other')).allowed, true);
  clock.advance(1000);
  assert.equal((await limiter.consume('k')).allowed, true);
  await limiter.block('k', 5000);
  clock.advance(4999);
  // The window ended during the block: the count starts again, the block still holds.
  assert.deepEqual(await limiter.consume('k'), { allowed: false, count: 1, retryAfterMs: 1 });
  clock.advance(1);
  assert.equal((await limiter.consume('k')).allowed, true);
  await limiter.reset('k');
  assert.equal((await limiter.consume('k')).count, 1);
});

test('the limiter forgets keys whose window passed', async () => {
  const clock = new ManualClock();
  const limiter = new MemoryLimiter({ points: 5, windowMs: 1000 }, clock);
  for (let i = 0; i < 100; i++) await limiter.consume(`key${i}`);
  assert.equal(limiter.size, 100);
  clock.advance(1000);
  limiter.sweep();
  assert.equal(limiter.size, 0);
});
