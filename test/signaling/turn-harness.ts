/**
 * A real coturn (`turnserver`) for tests, configured from deploy/turnserver.conf — the file
 * docs/deploy.md shows — with its placeholders filled in and loopback-only test settings added.
 * A machine without coturn fails the test that needs it, with the command that installs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stunBinding } from './turn-allocate.js';

export const TURNSERVER = '/usr/bin/turnserver';
export const TURN_TEMPLATE = fileURLToPath(new URL('../../deploy/turnserver.conf', import.meta.url));
const HOST = '127.0.0.1';
/**
 * Relay ports per server, one per allocation. An allocation outlives the browser context that made
 * it (Chromium does not release it on close; coturn keeps it for its lifetime, 10 minutes), and each
 * ICE restart makes a new one on both sides: a file of relay e2e tests holds dozens at once. With 8,
 * a test after the relay-restart test found the range used up (TURN 508) and could not connect.
 */
const RELAY_PORTS = 64;

export interface Coturn {
  host: string;
  port: number;
  realm: string;
  /** The filled-in configuration, for failure messages. */
  config: string;
  /** Stops it like a crash (SIGKILL: every allocation gone) and starts it again on the same ports. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 for both TCP and UDP at this moment. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer().listen(0, HOST, () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
      server.on('error', reject);
    });
    if (await udpFree(port)) return port;
  }
  throw new Error('no free port found on 127.0.0.1');
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, HOST, () => socket.close(() => resolve(true)));
  });
}

/** A run of `RELAY_PORTS` UDP ports, all free now, in the range coturn's own default uses. */
async function freeRelayRange(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const start = 49152 + Math.floor(Math.random() * (65535 - 49152 - RELAY_PORTS));
    const ports = Array.from({ length: RELAY_PORTS }, (_, i) => start + i);
    if ((await Promise.all(ports.map(udpFree))).every(Boolean)) return start;
  }
  throw new Error('no free relay port range found on 127.0.0.1');
}

/**
 * The documented configuration for a test: placeholders filled, the TLS lines dropped (the test
 * speaks plain turn: over UDP), one `static-auth-secret` per secret (how the docs rotate one), and
 * loopback-only settings appended.
 */
export function fillTemplate(
  template: string,
  values: {
    port: number;
    minPort: number;
    maxPort: number;
    realm: string;
    secrets: readonly string[];
    dir: string;
  },
): string {
  const lines = template
    .split('\n')
    .filter((line) => !/^(cert|pkey)=/.test(line))
    .flatMap((line) =>
      line === 'static-auth-secret=@SECRET@'
        ? values.secrets.map((secret) => `static-auth-secret=${secret}`)
        : [line],
    )
    .map((line) =>
      line
        .replace('@PORT@', String(values.port))
        .replace('@TLS_PORT@', String(values.port + 1))
        .replace('@MIN_PORT@', String(values.minPort))
        .replace('@MAX_PORT@', String(values.maxPort))
        .replace('@REALM@', values.realm),
    );
  const left = lines.filter((line) => !line.startsWith('#') && /@[A-Z_]+@/.test(line));
  if (left.length > 0)
    throw new Error(`deploy/turnserver.conf has placeholders the test does not fill: ${left.join(', ')}`);
  return [
    ...lines,
    '# Test only: loopback, no TLS, files in the temporary folder.',
    `listening-ip=${HOST}`,
    `relay-ip=${HOST}`,
    'no-tls',
    'no-dtls',
    // coturn 4.6.1 stops serving a relay port for good after one send to an unreachable peer fails;
    // the tests' peers are on loopback, which the documented configuration denies.
    `allowed-peer-ip=${HOST}`,
    // Both browsers of an e2e test relay to each other's relay address, which is on loopback too.
    'allow-loopback-peers',
    `pidfile=${join(values.dir, 'turnserver.pid')}`,
    `userdb=${join(values.dir, 'turndb')}`,
    'log-file=stdout',
    'simple-log',
    '',
  ].join('\n');
}

/** Starts coturn in the foreground and resolves once it answers a STUN Binding request. */
export async function startCoturn(secrets: readonly string[]): Promise<Coturn> {
  if (!existsSync(TURNSERVER)) {
    throw new Error(
      `${TURNSERVER} is missing: this test runs a real coturn. Install it with \`apt-get install coturn\`.`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'parley-coturn-'));
  const port = await freePort();
  const minPort = await freeRelayRange();
  const realm = 'parley.test';
  const config = fillTemplate(await readFile(TURN_TEMPLATE, 'utf8'), {
    port,
    minPort,
    maxPort: minPort + RELAY_PORTS - 1,
    realm,
    secrets,
    dir,
  });
  const configPath = join(dir, 'turnserver.conf');
  await writeFile(configPath, config);

  let running = await launch(configPath, port, config).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const stop = async (): Promise<void> => {
    await running.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const restart = async (): Promise<void> => {
    await running.stop('SIGKILL');
    running = await launch(configPath, port, config);
  };
  return { host: HOST, port, realm, config, restart, stop };
}

/** One turnserver process from `configPath`, once it answers a STUN Binding request on `port`. */
async function launch(
  configPath: string,
  port: number,
  config: string,
): Promise<{ stop(signal?: NodeJS.Signals): Promise<void> }> {
  const child: ChildProcess = spawn(TURNSERVER, ['-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-4000)));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(killer);
  };

  try {
    // Bounded by stunBinding's retries (~3 s); a coturn that exits meanwhile fails at once.
    await Promise.race([
      stunBinding(HOST, port),
      exited.then(() => {
        throw new Error('turnserver exited');
      }),
    ]);
  } catch (error) {
    await stop();
    throw new Error(`coturn did not start: ${(error as Error).message}\n${output}\nconfig:\n${config}`, {
      cause: error,
    });
  }
  return { stop };
}

/** A secret as `static-auth-secret` takes it: no spaces or `#`. */
export function newSecret(): string {
  return randomBytes(24).toString('hex');
}
