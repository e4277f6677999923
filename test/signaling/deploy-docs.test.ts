/**
 * docs/deploy.md shows parts of the files in deploy/; a person copies the files. These keep the two
 * from drifting apart, and check that the example environment is one Parley starts with. (coturn
 * runs from deploy/turnserver.conf itself in coturn.test.ts and test/e2e/turn.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../signaling/config.js';

const read = (path: string): string =>
  readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const docs = read('docs/deploy.md');

/** The fenced blocks of docs/deploy.md tagged `lang`, each as its lines. */
function blocks(lang: string): string[][] {
  return [...docs.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((match) =>
    match[1]!.trimEnd().split('\n'),
  );
}

/** Whether `lines` occur in `file` one after the other, ignoring indentation. */
function containsRun(file: string, lines: readonly string[]): boolean {
  const fileLines = file.split('\n').map((line) => line.trim());
  const wanted = lines.map((line) => line.trim());
  return fileLines.some((_, start) => wanted.every((line, i) => fileLines[start + i] === line));
}

/** systemd's `EnvironmentFile`: `VAR=value` lines; blank lines and `#` comments skipped. */
function environmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const at = line.indexOf('=');
    assert.ok(at > 0, `not VAR=value: ${JSON.stringify(line)}`);
    env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

test('the Caddy and nginx configurations the docs show are the ones in deploy/', () => {
  // One server, and the two-node setup of section 7.
  const shown: Array<[string, string[]]> = [
    ['caddyfile', ['deploy/Caddyfile', 'deploy/Caddyfile.cluster']],
    ['nginx', ['deploy/nginx.conf', 'deploy/nginx-cluster.conf']],
  ];
  for (const [lang, paths] of shown) {
    const found = blocks(lang);
    assert.ok(found.length > 0, `docs/deploy.md shows no ${lang} block`);
    for (const block of found) {
      assert.ok(
        paths.some((path) => containsRun(read(path), block)),
        `none of ${paths.join(', ')} holds what the docs show:\n${block.join('\n')}`,
      );
    }
  }
});

test('the nginx WebSocket location passes the upgrade on over HTTP/1.1, for one node and for two', () => {
  for (const path of ['deploy/nginx.conf', 'deploy/nginx-cluster.conf']) {
    const nginx = read(path);
    for (const line of [
      'proxy_http_version 1.1;',
      'proxy_set_header Upgrade $http_upgrade;',
      'proxy_set_header Connection "upgrade";',
    ]) {
      assert.ok(containsRun(nginx, [line]), `${path} lacks ${line}`);
    }
  }
});

test('deploy/parley.env is an environment Parley starts with, and holds the TURN lines the docs show', () => {
  const env = environmentFile(read('deploy/parley.env'));
  const config = parseConfig(env, [], '/opt/parley/dist/client');
  assert.equal(config.dataDir, '/var/lib/parley');
  assert.ok(config.turn, 'no TURN settings in deploy/parley.env');
  const turnBlock = blocks('sh').find((block) => block.some((line) => line.startsWith('TURN_URLS=')));
  assert.ok(turnBlock, 'docs/deploy.md shows no TURN_URLS');
  for (const line of turnBlock.filter((line) => !line.includes('<'))) {
    assert.ok(containsRun(read('deploy/parley.env'), [line]), `deploy/parley.env lacks ${line}`);
  }
});

test("the docs' table names every placeholder of deploy/turnserver.conf", () => {
  const conf = read('deploy/turnserver.conf');
  const inFile = new Set(
    conf
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .flatMap((line) => line.match(/@[A-Z_]+@/g) ?? []),
  );
  const inTable = new Set(
    docs
      .split('\n')
      .filter((line) => line.startsWith('| `@'))
      .flatMap((line) => line.split('|')[1]!.match(/@[A-Z_]+@/g) ?? []),
  );
  assert.deepEqual([...inTable].sort(), [...inFile].sort());
  for (const line of ['use-auth-secret', 'realm=@REALM@', 'denied-peer-ip=10.0.0.0-10.255.255.255']) {
    assert.ok(containsRun(conf, [line]), `deploy/turnserver.conf lacks ${line}`);
  }
});
