// The served page tells the browser at once which chunks app.js imports (scripts/build.mjs): a
// `modulepreload` link for each, so they download beside app.js instead of after it was parsed.
// Read from a real server process serving the built client, as a browser would fetch it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { init, parse } from 'es-module-lexer';
import { ServerProcess } from './harness/server-process.js';

let server: ServerProcess | null = null;
before(async () => {
  server = await ServerProcess.start();
});
after(async () => {
  await server?.dispose();
});

async function served(path: string): Promise<string> {
  if (!server) throw new Error('the server is not running');
  const response = await fetch(new URL(path, server.url));
  assert.equal(response.status, 200, `${path} is served`);
  return response.text();
}

test('index.html preloads every chunk app.js imports, and only those', async () => {
  const html = await served('/');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((match) => match[1]);
  await init;
  const [imports] = parse(await served('/app.js'));
  // Static imports only (`d` is -1): the 简体中文 texts and the pure-JS crypto load on first use.
  const statics = imports
    .filter((entry) => entry.d === -1)
    .map((entry) => new URL(entry.n!, 'http://x/').pathname);
  assert.ok(statics.length > 0, 'app.js imports chunks (the build splits them out)');
  assert.deepEqual([...preloaded].sort(), [...statics].sort());
  assert.ok(
    html.indexOf('rel="modulepreload"') < html.indexOf('<script type="module" src="/app.js">'),
    'the links come before the script',
  );
  for (const path of preloaded) await served(path!);
});
