import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from './temp-dir.js';
import { ensureSelfSigned, SELF_SIGNED_DIR, SELF_SIGNED_KEY_FILE } from '../../signaling/tls/self-signed.js';
import type { LocalNames } from '../../signaling/tls/local-names.js';
import { ManualClock } from './harness.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const NAMES: LocalNames = { dns: ['localhost', 'parley-box'], ips: ['127.0.0.1', '192.0.2.7', '::1'] };

test('makes a certificate for every name and address, with a private key only its owner reads', async (t) => {
  const dir = await tempDir(t, 'parley-cert');
  const made = await ensureSelfSigned(dir, NAMES, new ManualClock(Date.now()));
  assert.equal(made.created, true);
  const cert = new X509Certificate(made.cert);
  assert.equal(
    cert.subjectAltName,
    'DNS:localhost, DNS:parley-box, IP Address:127.0.0.1, IP Address:192.0.2.7, IP Address:0:0:0:0:0:0:0:1',
  );
  assert.ok(cert.checkPrivateKey(createPrivateKey(made.key)));
  assert.equal((await stat(join(dir, SELF_SIGNED_DIR, SELF_SIGNED_KEY_FILE))).mode & 0o777, 0o600);
});

test('reuses the kept certificate while the names are the same and it is far from expiry', async (t) => {
  const dir = await tempDir(t, 'parley-cert');
  const clock = new ManualClock(Date.now());
  const first = await ensureSelfSigned(dir, NAMES, clock);
  clock.advance(300 * DAY_MS);
  const again = await ensureSelfSigned(dir, { dns: [...NAMES.dns], ips: [...NAMES.ips] }, clock);
  assert.deepEqual([again.created, again.cert, again.key], [false, first.cert, first.key]);
});

test('makes a new one when it is about to expire', async (t) => {
  const dir = await tempDir(t, 'parley-cert');
  const clock = new ManualClock(Date.now());
  const first = await ensureSelfSigned(dir, NAMES, clock);
  clock.advance(340 * DAY_MS);
  const renewed = await ensureSelfSigned(dir, NAMES, clock);
  assert.equal(renewed.created, true);
  assert.notEqual(renewed.cert, first.cert);
});

test('makes a new one when an address is added or gone', async (t) => {
  const dir = await tempDir(t, 'parley-cert');
  const clock = new ManualClock(Date.now());
  await ensureSelfSigned(dir, NAMES, clock);
  const added = await ensureSelfSigned(dir, { ...NAMES, ips: [...NAMES.ips, '198.51.100.4'] }, clock);
  assert.equal(added.created, true);
  assert.equal(new X509Certificate(added.cert).checkIP('198.51.100.4'), '198.51.100.4');
  const gone = await ensureSelfSigned(dir, NAMES, clock);
  assert.equal(gone.created, true);
});
