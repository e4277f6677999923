import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from './temp-dir.js';
import type { TLSSocket } from 'node:tls';
import { ConfigError, parseConfig, type Environment } from '../../signaling/config.js';
import { startServer } from '../../signaling/server.js';
import { makeSelfSigned } from '../../signaling/tls/self-signed.js';
import { certificateFingerprint, readPemFiles } from '../../signaling/tls/tls-credentials.js';

function problemsOf(env: Environment, argv: string[] = []): readonly string[] {
  try {
    parseConfig(env, argv, '/srv/parley/client');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

test('reads TLS_CERT and TLS_KEY, or --self-signed', () => {
  const parse = (env: Environment, argv: string[] = []) => parseConfig(env, argv, '/c').tls;
  assert.deepEqual(parse({ TLS_CERT: '/etc/c.pem', TLS_KEY: '/etc/k.pem' }), {
    kind: 'files',
    certPath: '/etc/c.pem',
    keyPath: '/etc/k.pem',
  });
  assert.deepEqual(parse({}, ['--self-signed']), { kind: 'self-signed' });
  assert.equal(parse({}), undefined);
});

test('names TLS problems', () => {
  assert.deepEqual(problemsOf({ TLS_CERT: '/etc/c.pem' }), [
    'TLS_CERT and TLS_KEY must be set together (PEM files: the certificate chain and its key)',
  ]);
  assert.deepEqual(problemsOf({ TLS_CERT: '/c', TLS_KEY: '/k' }, ['--self-signed']), [
    '--self-signed and TLS_CERT/TLS_KEY exclude each other',
  ]);
});

test('TLS_CERT and TLS_KEY that cannot be used fail start-up naming the variable and path', async (t) => {
  const dir = await tempDir(t, 'parley-pem');
  await assert.rejects(
    readPemFiles(join(dir, 'none.pem'), join(dir, 'none.pem')),
    /TLS_CERT: cannot read .*none\.pem/,
  );
  await writeFile(join(dir, 'text.pem'), 'hello');
  const made = await makeSelfSigned({ dns: ['localhost'], ips: [] }, Date.now());
  await writeFile(join(dir, 'cert.pem'), made.cert);
  await assert.rejects(
    readPemFiles(join(dir, 'text.pem'), join(dir, 'cert.pem')),
    /TLS_CERT: .* holds no PEM certificate/,
  );
  await assert.rejects(
    readPemFiles(join(dir, 'cert.pem'), join(dir, 'cert.pem')),
    /TLS_KEY: .* holds no PEM private key/,
  );
});

test('a server given PEM files serves https with that certificate', async (t) => {
  const dir = await tempDir(t, 'parley-pem');
  const made = await makeSelfSigned({ dns: ['localhost'], ips: ['127.0.0.1'] }, Date.now());
  await writeFile(join(dir, 'cert.pem'), made.cert);
  await writeFile(join(dir, 'key.pem'), made.key);
  const server = await startServer({ tls: await readPemFiles(join(dir, 'cert.pem'), join(dir, 'key.pem')) });
  t.after(() => server.close());
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const fingerprint = await new Promise<string>((resolve, reject) => {
    get(`${server.url}/healthz`, { ca: made.cert }, (res) => {
      res.resume();
      assert.equal(res.statusCode, 200);
      resolve((res.socket as TLSSocket).getPeerX509Certificate()!.fingerprint256);
    }).on('error', reject);
  });
  assert.equal(fingerprint, certificateFingerprint(made.cert));
});
