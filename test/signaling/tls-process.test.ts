/**
 * `npm start -- --self-signed` as a person runs it: a real server process with a temporary DATA_DIR,
 * reached over https and wss with the certificate it made (read from DATA_DIR, as a browser that
 * accepted it would trust it).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test, type TestContext } from 'node:test';
import { tempDir } from './temp-dir.js';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { SELF_SIGNED_CERT_FILE, SELF_SIGNED_DIR } from '../../signaling/tls/self-signed.js';
import { HSTS_VALUE } from '../../signaling/tls/front-door.js';
import { PASSWORD, TestClient } from './harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 30_000;

interface Started {
  url: URL;
  /** Every stdout line up to and including the fingerprint. */
  lines: string[];
  fingerprint: string;
  stop(): Promise<void>;
}

/** Starts `signaling/main.ts --self-signed` and reads its lines up to the fingerprint. */
async function startSelfSigned(t: TestContext, dataDir: string, port = 0): Promise<Started> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'signaling', 'main.ts'), '--self-signed'],
    {
      cwd: root,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        PARLEY_SCRYPT_COST: '16',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines: string[] = [];
  const fingerprint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no fingerprint within ${START_TIMEOUT_MS} ms: ${stderr}`)),
      START_TIMEOUT_MS,
    );
    child.once('exit', () => reject(new Error(`the server exited: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const match = /^TLS certificate SHA-256 fingerprint: ([0-9A-F:]+)$/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]!);
    });
  });
  const listening = /^Parley listening on (https:\/\/\S+)$/.exec(lines[0] ?? '');
  assert.ok(listening, `the first line is not an https listening line: ${JSON.stringify(lines)}`);
  return {
    url: new URL(listening[1]!),
    lines,
    fingerprint,
    stop: async () => {
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0, stderr);
    },
  };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(send: typeof httpsRequest | typeof httpRequest, url: string, ca?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    send(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** The SHA-256 fingerprint of the certificate the server presents in its handshake. */
async function servedFingerprint(url: URL, ca: string): Promise<string> {
  const socket = tlsConnect({ host: url.hostname, port: Number(url.port), ca, servername: 'localhost' });
  await once(socket, 'secureConnect');
  const fingerprint = socket.getPeerX509Certificate()!.fingerprint256;
  socket.destroy();
  return fingerprint;
}

test('--self-signed serves https and wss on one port, redirects plain http, and keeps its certificate', async (t) => {
  const dataDir = await tempDir(t, 'parley-tls');
  const first = await startSelfSigned(t, dataDir);
  assert.match(first.lines[1] ?? '', /^Self-signed certificate \(new\) for .*localhost.*127\.0\.0\.1/);
  const pem = await readFile(join(dataDir, SELF_SIGNED_DIR, SELF_SIGNED_CERT_FILE), 'utf8');
  const cert = new X509Certificate(pem);
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(cert.checkIP('::1'), '::1');
  assert.equal(cert.checkHost('localhost'), 'localhost');
  assert.equal(first.fingerprint, cert.fingerprint256);
  assert.equal(await servedFingerprint(first.url, pem), first.fingerprint);

  const health = await get(httpsRequest, new URL('/healthz', first.url).href, pem);
  assert.deepEqual([health.status, health.body], [200, 'ok']);
  assert.equal(health.headers['strict-transport-security'], HSTS_VALUE);

  const plain = await get(httpRequest, `http://127.0.0.1:${first.url.port}/healthz?x=1`);
  assert.equal(plain.status, 308);
  assert.equal(plain.headers.location, `https://127.0.0.1:${first.url.port}/healthz?x=1`);

  const wss = `wss://127.0.0.1:${first.url.port}/ws`;
  const registering = await TestClient.connect(wss, { ca: pem });
  t.after(() => registering.ws.terminate());
  registering.register('dana');
  assert.equal((await registering.expect('welcome')).user, 'dana');
  registering.ws.close();
  const loggingIn = await TestClient.connect(wss, { ca: pem });
  t.after(() => loggingIn.ws.terminate());
  loggingIn.login('dana', PASSWORD);
  assert.equal((await loggingIn.expect('welcome')).user, 'dana');
  loggingIn.ws.close();
  await first.stop();

  const second = await startSelfSigned(t, dataDir, Number(first.url.port));
  assert.match(second.lines[1] ?? '', /^Self-signed certificate \(reused\)/);
  assert.equal(second.fingerprint, first.fingerprint);
  assert.equal(await servedFingerprint(second.url, pem), first.fingerprint);
  await second.stop();
});

test('a client that does not trust the certificate is refused', async (t) => {
  const server = await startSelfSigned(t, await tempDir(t, 'parley-tls'));
  await assert.rejects(get(httpsRequest, new URL('/healthz', server.url).href), /self-signed|self signed/);
  await server.stop();
});
