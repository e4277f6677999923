import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createFrontDoor } from '../../signaling/tls/front-door.js';
import { localNames } from '../../signaling/tls/local-names.js';
import { makeSelfSigned } from '../../signaling/tls/self-signed.js';

/** Sends raw bytes to a door with TLS and returns all it answers. */
async function exchange(raw: string): Promise<string> {
  const tls = await makeSelfSigned({ dns: ['localhost'], ips: ['127.0.0.1'] }, Date.now());
  const door = createFrontDoor((_req, res) => res.end('served'), tls);
  door.listener.listen(0, '127.0.0.1');
  await once(door.listener, 'listening');
  try {
    const socket = connect((door.listener.address() as AddressInfo).port, '127.0.0.1');
    socket.end(raw);
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    await once(socket, 'close');
    return answer;
  } finally {
    await door.close();
  }
}

test('plain HTTP without a usable Host gets a page saying to use https://', async () => {
  const answer = await exchange('GET / HTTP/1.0\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 400 /);
  assert.match(answer, /speaks HTTPS only: open it with https:\/\//);
});

test('a Host that is not a host name is not echoed into a redirect', async () => {
  const answer = await exchange('GET / HTTP/1.1\r\nHost: evil.example/path@x\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 400 /);
  assert.doesNotMatch(answer, /Location/i);
});

test('a plain ws:// upgrade on the TLS port is told to use wss://', async () => {
  const answer = await exchange(
    'GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
  );
  assert.match(answer, /^HTTP\/1\.1 426 /);
});

test('the names for a certificate include localhost and the loopback addresses', () => {
  const names = localNames();
  assert.ok(names.dns.includes('localhost'));
  assert.ok(names.ips.includes('127.0.0.1') && names.ips.includes('::1'));
  assert.ok(!names.ips.some((ip) => /^fe[89ab]/i.test(ip)), 'link-local IPv6 needs a zone id');
});
