import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { CONTENT_SECURITY_POLICY, resolveStaticPath } from '../../signaling/http/static-files.js';
import { startTestServer } from './harness.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: `path` is sent exactly as given (fetch would normalize `..` away). */
function get(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function clientDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-client-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Parley</title>');
  await writeFile(join(dir, 'app.js'), 'console.log(1);');
  await writeFile(join(dir, 'app.js.map'), '{}');
  await writeFile(join(dir, 'style.css'), 'body{}');
  await writeFile(join(dir, 'icon.svg'), '<svg/>');
  await writeFile(join(dir, 'font.woff2'), 'x');
  await writeFile(join(dir, 'codec.wasm'), 'x');
  await writeFile(join(dir, '.secret'), 'hidden');
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'assets', 'logo.png'), 'png');
  // A file outside the client directory that traversal would reach.
  await writeFile(join(dir, '..', `outside-${process.pid}.txt`), 'outside');
  t.after(() => rm(join(dir, '..', `outside-${process.pid}.txt`), { force: true }));
  return dir;
}

test('GET /healthz answers 200 ok once the server listens', async (t) => {
  const server = await startTestServer(t);
  const reply = await get(server.port, '/healthz');
  assert.equal(reply.status, 200);
  assert.equal(reply.body, 'ok');
});

test('serves index.html for / with the security headers', async (t) => {
  const server = await startTestServer(t, { clientDir: await clientDir(t) });
  const reply = await get(server.port, '/');
  assert.equal(reply.status, 200);
  assert.equal(reply.body, '<!doctype html><title>Parley</title>');
  assert.equal(reply.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(reply.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((directive) => {
      const [name, ...values] = directive.trim().split(/\s+/);
      return [name!, values.join(' ')] as const;
    }),
  );
  // Sockets only to the server itself: not `ws:`/`wss:`, which would allow any host.
  assert.equal(directives.get('connect-src'), "'self'");
  assert.equal(directives.get('base-uri'), "'none'");
  assert.equal(directives.get('frame-ancestors'), "'none'");
  assert.equal(reply.headers['x-content-type-options'], 'nosniff');
  assert.equal(reply.headers['cache-control'], 'no-cache');
});

test('serves each asset with its content type', async (t) => {
  const server = await startTestServer(t, { clientDir: await clientDir(t) });
  const expected: Record<string, string> = {
    '/index.html': 'text/html; charset=utf-8',
    '/app.js': 'text/javascript; charset=utf-8',
    '/app.js.map': 'application/json; charset=utf-8',
    '/style.css': 'text/css; charset=utf-8',
    '/icon.svg': 'image/svg+xml',
    '/font.woff2': 'font/woff2',
    '/codec.wasm': 'application/wasm',
    '/assets/logo.png': 'image/png',
    '/app.js?v=2': 'text/javascript; charset=utf-8',
  };
  for (const [path, type] of Object.entries(expected)) {
    const reply = await get(server.port, path);
    assert.equal(reply.status, 200, path);
    assert.equal(reply.headers['content-type'], type, path);
  }
});

test('answers a repeated request with 304 when the ETag matches, and HEAD without a body', async (t) => {
  const server = await startTestServer(t, { clientDir: await clientDir(t) });
  const first = await get(server.port, '/app.js');
  const etag = String(first.headers.etag);
  const again = await get(server.port, '/app.js', { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.body, '');
  const head = await get(server.port, '/app.js', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], String('console.log(1);'.length));
  assert.equal(head.body, '');
});

test('answers 404 for missing files, directories and dot-files', async (t) => {
  const server = await startTestServer(t, { clientDir: await clientDir(t) });
  for (const path of ['/missing.js', '/assets', '/assets/', '/.secret', '/assets/%2esecret']) {
    assert.equal((await get(server.port, path)).status, 404, path);
  }
});

test('rejects path traversal in every spelling', async (t) => {
  const server = await startTestServer(t, { clientDir: await clientDir(t) });
  const name = `outside-${process.pid}.txt`;
  const cases: Array<[string, number]> = [
    [`/../${name}`, 400],
    [`/assets/../../${name}`, 400],
    [`/%2e%2e/${name}`, 400],
    [`/%2E%2E%2F${name}`, 400],
    [`/..%2f${name}`, 400],
    [`/..%5c${name}`, 400],
    [`//..//${name}`, 400],
    ['/%00index.html', 400],
    ['/%zz', 400],
    ['/./index.html', 400],
    // Decoded once only: this names a directory literally called "%2e%2e", which does not exist.
    [`/%252e%252e/${name}`, 404],
  ];
  for (const [path, status] of cases) {
    const reply = await get(server.port, path);
    assert.equal(reply.status, status, path);
    assert.notEqual(reply.body, 'outside', path);
  }
});

test('never maps a path outside the root, even one that starts with //', () => {
  assert.deepEqual(resolveStaticPath('/srv/client', '//etc/passwd'), { ok: false, status: 400 });
  assert.deepEqual(resolveStaticPath('/srv/client', 'index.html'), { ok: false, status: 400 });
  assert.deepEqual(resolveStaticPath('/srv/client', '/a/b.js?x=../..'), {
    ok: true,
    file: '/srv/client/a/b.js',
  });
  assert.deepEqual(resolveStaticPath('/srv/client', '/'), { ok: true, file: '/srv/client/index.html' });
});

test('answers other methods with 405', async (t) => {
  const server = await startTestServer(t, { clientDir: await clientDir(t) });
  const reply = await get(server.port, '/', { method: 'POST' });
  assert.equal(reply.status, 405);
  assert.equal(reply.headers.allow, 'GET, HEAD');
});

test('without a client directory, only /healthz and /ws answer', async (t) => {
  const server = await startTestServer(t);
  assert.equal((await get(server.port, '/')).status, 404);
});
