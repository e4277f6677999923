import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { CloseCode } from '../../shared/protocol.js';
import { DEMO_PASSWORD } from '../../signaling/auth/demo-accounts.js';
import { TestClient } from './harness.js';
import { bundleServer, root } from './server-bundle.js';

/** Inside the repo so the bundle's bare imports resolve from node_modules, as dist/server/main.js's do. */
const bundleDir = join(root, 'node_modules', '.cache', `parley-main-test-${process.pid}`);
const bundle = join(bundleDir, 'main.mjs');

// Bundled once: the process under test is what `npm start` runs.
before(() => bundleServer(bundle));
after(() => rm(bundleDir, { recursive: true, force: true }));

interface Run {
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
  /** Resolves the first stdout line. */
  firstLine: Promise<string>;
  kill(signal: NodeJS.Signals): void;
}

/** Runs the bundled server with `env` added. */
function run(t: TestContext, env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, [bundle, ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', PARLEY_SCRYPT_COST: '16', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let lineFound: (line: string) => void = () => undefined;
  const result: Run = {
    stdout: '',
    stderr: '',
    exit: once(child, 'exit').then(([code]) => code as number | null),
    firstLine: new Promise((resolve, reject) => {
      lineFound = resolve;
      child.on('exit', () => reject(new Error(`exited before printing a line; stderr: ${result.stderr}`)));
    }),
    kill: (signal) => child.kill(signal),
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    result.stdout += chunk;
    const newline = result.stdout.indexOf('\n');
    if (newline !== -1) lineFound(result.stdout.slice(0, newline));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (result.stderr += chunk));
  // A test that expects an exit does not read firstLine; its rejection is not an error then.
  result.firstLine.catch(() => undefined);
  return result;
}

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-main-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('the server process prints one listening line, serves, and exits 0 on SIGTERM', async (t) => {
  const dataDir = join(await tempDir(t), 'nested', 'data');
  const server = run(t, { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }, ['--demo']);
  const line = await server.firstLine;
  const match = /^Parley listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
  assert.ok(match, line);
  const port = Number(match[1]);
  assert.notEqual(port, 0);
  assert.ok((await stat(join(dataDir, 'parley.sqlite'))).isFile());

  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(await health.text(), 'ok');

  const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
  client.sendRaw('not json');
  await client.expectError('ERR_BAD_FRAME');
  client.login('asuna', DEMO_PASSWORD);
  const welcome = await client.expect('welcome');

  server.kill('SIGTERM');
  assert.equal((await client.closed).code, CloseCode.GoingAway);
  assert.equal(await server.exit, 0);
  assert.equal(server.stdout, `${line}\n`);
  const logs = server.stderr
    .trim()
    .split('\n')
    .map((entry) => JSON.parse(entry) as { msg: string; level: number });
  assert.ok(logs.some((entry) => entry.msg === 'logged in'));
  assert.ok(logs.some((entry) => entry.msg === 'frame is not valid JSON' && entry.level === 40));
  assert.ok(!server.stderr.includes(DEMO_PASSWORD));
  assert.ok(!server.stderr.includes(welcome.token));
});

test('prints HOST 0.0.0.0 as it is, and SIGINT stops the server cleanly too', async (t) => {
  const server = run(t, { PORT: '0', HOST: '0.0.0.0', DATA_DIR: await tempDir(t) });
  assert.match(await server.firstLine, /^Parley listening on http:\/\/0\.0\.0\.0:\d+$/);
  server.kill('SIGINT');
  assert.equal(await server.exit, 0);
});

test('invalid configuration exits 1 with the problems on stderr', async (t) => {
  const server = run(t, { PORT: 'eighty', ICE_SERVERS: '[oops', DATA_DIR: await tempDir(t) }, ['--bogus']);
  assert.equal(await server.exit, 1);
  assert.equal(server.stdout, '');
  assert.match(server.stderr, /PORT must be an integer/);
  assert.match(server.stderr, /ICE_SERVERS is not valid JSON/);
  assert.match(server.stderr, /unknown argument "--bogus"/);
});

test('a port already in use exits 1 with a clear message', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const { port } = blocker.address() as { port: number };
  const server = run(t, { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: await tempDir(t) });
  assert.equal(await server.exit, 1);
  assert.equal(server.stdout, '');
  assert.match(server.stderr, /cannot start: .*EADDRINUSE/);
});

test('DATABASE_URL is used: an unreachable PostgreSQL exits 1 with a clear message', async (t) => {
  const server = run(t, {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: await tempDir(t),
    DATABASE_URL: 'postgres://parley:hunter2@127.0.0.1:1/parley',
  });
  assert.equal(await server.exit, 1);
  assert.equal(server.stdout, '');
  assert.match(server.stderr, /cannot start: .*ECONNREFUSED/);
  assert.doesNotMatch(server.stderr, /hunter2/);
});

test('METRICS_TOKEN turns GET /metrics on, for requests bearing it', async (t) => {
  const token = 'main-process-metrics-token';
  const server = run(t, { PORT: '0', HOST: '127.0.0.1', DATA_DIR: await tempDir(t), METRICS_TOKEN: token });
  const url = (await server.firstLine).replace('Parley listening on ', '');
  assert.equal((await fetch(`${url}/metrics`)).status, 401);
  const reply = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(reply.status, 200);
  assert.match(await reply.text(), /^parley_users_online 0$/m);
  server.kill('SIGTERM');
  assert.equal(await server.exit, 0);
});
