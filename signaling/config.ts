import { IceServerList, type IceServer } from '../shared/protocol.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';
import type { TurnSettings } from './turn/ice-servers.js';
import { parseTurnSettings } from './turn/turn-config.js';

/** The server's configuration, from the environment and the command line. */
export interface ServerConfig {
  /** `HOST`, default `0.0.0.0`. */
  host: string;
  /** `PORT`, default 8080; 0 picks a free port. */
  port: number;
  /** `DATA_DIR`, default `./data`: holds the SQLite database. */
  dataDir: string;
  /** `DATABASE_URL`: a `postgres://` URL; accounts, sessions and groups then live there, not in SQLite. */
  databaseUrl: string | undefined;
  /** `REDIS_URL`: a `redis://` URL; this server is then one node of a cluster (see cluster/redis-bus.ts). */
  redisUrl: string | undefined;
  /** `METRICS_TOKEN`: serves `GET /metrics` to requests bearing it; without it there is no `/metrics`. */
  metricsToken: string | undefined;
  /** `ICE_SERVERS`: a JSON array of RTCIceServer objects, default `[]`. */
  iceServers: IceServer[];
  /** `CLIENT_DIR`: the built client, default `dist/client` next to the server bundle. */
  clientDir: string;
  /** `LOG_LEVEL`, default `info`. */
  logLevel: LogLevel;
  /** `PARLEY_SCRYPT_COST`: scrypt N, a power of two, default 32768. Lower only for tests and benchmarks. */
  scryptCost: number;
  /** `PARLEY_HEARTBEAT_MS`: ping interval, default 5000; a client that misses a ping is dropped at the next. */
  heartbeatIntervalMs: number;
  /** `--demo` or `PARLEY_DEMO=1`: create the demo accounts. */
  demo: boolean;
  /** `TURN_URLS`, `TURN_SECRET`, `TURN_SECRET_OLD`, `TURN_TTL_S` (see turn/turn-config.ts). */
  turn?: TurnSettings;
  /**
   * `TLS_CERT` and `TLS_KEY` (PEM paths), or `--self-signed` (a certificate kept in `DATA_DIR`);
   * undefined serves plain HTTP (behind a TLS proxy, or on one machine).
   */
  tls?: { kind: 'files'; certPath: string; keyPath: string } | { kind: 'self-signed' };
  /** `ALLOWED_ORIGINS`: comma-separated origins, besides the server's own, whose pages may connect. */
  allowedOrigins: string[];
  /** `TRUST_PROXY`: comma-separated proxy addresses whose `X-Forwarded-For` is believed. */
  trustProxy: string[];
  /** `PARLEY_MAX_CONNECTIONS_PER_ADDRESS`, default 50. */
  maxConnectionsPerAddress: number;
  /** `PARLEY_LOGIN_TIMEOUT_MS`: a socket not logged in by then is closed, default 10000. */
  loginTimeoutMs: number;
  /** `PARLEY_REGISTRATIONS_PER_HOUR`: per address, default 20. */
  registrationsPerHour: number;
  /** `PARLEY_MAX_GROUPS_PER_USER`, default 200. */
  maxGroupsPerUser: number;
}

/** Every problem found in the configuration, each a sentence naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

const FLAGS = ['--demo', '--self-signed'];

/** Long enough that guessing it over HTTP is hopeless. */
const MIN_METRICS_TOKEN_LENGTH = 16;

/** Whether `value` is a URL with one of `protocols` (`'redis:'`…). */
function isUrlOf(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function integer(value: string): number | null {
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

/**
 * Reads the configuration. Collects every problem before failing, so one run shows them all.
 * Throws `ConfigError`.
 */
export function parseConfig(
  env: Environment,
  argv: readonly string[],
  defaultClientDir: string,
): ServerConfig {
  const problems: string[] = [];
  const set = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  };

  for (const arg of argv) {
    if (!FLAGS.includes(arg))
      problems.push(`unknown argument ${JSON.stringify(arg)} (known: ${FLAGS.join(', ')})`);
  }

  let port = 8080;
  const rawPort = set('PORT');
  if (rawPort !== undefined) {
    const parsed = integer(rawPort);
    if (parsed === null || parsed > 65535)
      problems.push(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(rawPort)}`);
    else port = parsed;
  }

  let iceServers: IceServer[] = [];
  const rawIce = set('ICE_SERVERS');
  if (rawIce !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(rawIce);
    } catch {
      problems.push(
        'ICE_SERVERS is not valid JSON (expected an array like [{"urls":"stun:stun.example.org"}])',
      );
    }
    if (json !== undefined) {
      const result = IceServerList.safeParse(json);
      if (result.success) iceServers = result.data;
      else {
        const issue = result.error.issues[0];
        problems.push(
          `ICE_SERVERS is not a list of ICE servers (${issue?.path.join('.') || 'value'}: ${issue?.message})`,
        );
      }
    }
  }

  let logLevel: LogLevel = 'info';
  const rawLevel = set('LOG_LEVEL');
  if (rawLevel !== undefined) {
    const level = LOG_LEVELS.find((known) => known === rawLevel.trim().toLowerCase());
    if (level) logLevel = level;
    else problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(rawLevel)}`);
  }

  let scryptCost = 2 ** 15;
  const rawCost = set('PARLEY_SCRYPT_COST');
  if (rawCost !== undefined) {
    const parsed = integer(rawCost);
    if (parsed === null || parsed < 2 || parsed > 2 ** 20 || !Number.isInteger(Math.log2(parsed))) {
      problems.push(
        `PARLEY_SCRYPT_COST must be a power of two from 2 to 1048576, got ${JSON.stringify(rawCost)}`,
      );
    } else scryptCost = parsed;
  }

  let heartbeatIntervalMs = 5000;
  const rawHeartbeat = set('PARLEY_HEARTBEAT_MS');
  if (rawHeartbeat !== undefined) {
    const parsed = integer(rawHeartbeat);
    if (parsed === null || parsed < 100 || parsed > 600_000) {
      problems.push(
        `PARLEY_HEARTBEAT_MS must be an integer from 100 to 600000, got ${JSON.stringify(rawHeartbeat)}`,
      );
    } else heartbeatIntervalMs = parsed;
  }

  // Neither value is echoed in a problem: the URL may hold a password, and the token is a secret.
  const databaseUrl = set('DATABASE_URL')?.trim();
  if (databaseUrl !== undefined && !isUrlOf(databaseUrl, ['postgres:', 'postgresql:'])) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  const redisUrl = set('REDIS_URL')?.trim();
  if (redisUrl !== undefined && !isUrlOf(redisUrl, ['redis:', 'rediss:'])) {
    problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  }

  const metricsToken = set('METRICS_TOKEN')?.trim();
  if (
    metricsToken !== undefined &&
    (metricsToken.length < MIN_METRICS_TOKEN_LENGTH || /\s/.test(metricsToken))
  ) {
    problems.push(`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters without spaces`);
  }
  const bounded = (name: string, fallback: number, min: number, max: number): number => {
    const raw = set(name);
    if (raw === undefined) return fallback;
    const parsed = integer(raw);
    if (parsed !== null && parsed >= min && parsed <= max) return parsed;
    problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return fallback;
  };
  const maxConnectionsPerAddress = bounded('PARLEY_MAX_CONNECTIONS_PER_ADDRESS', 50, 1, 1_000_000);
  const loginTimeoutMs = bounded('PARLEY_LOGIN_TIMEOUT_MS', 10_000, 100, 600_000);
  const registrationsPerHour = bounded('PARLEY_REGISTRATIONS_PER_HOUR', 20, 1, 1_000_000);
  const maxGroupsPerUser = bounded('PARLEY_MAX_GROUPS_PER_USER', 200, 1, 100_000);
  const list = (name: string): string[] =>
    (set(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const allowedOrigins = list('ALLOWED_ORIGINS');
  for (const origin of allowedOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      problems.push(
        `ALLOWED_ORIGINS holds ${JSON.stringify(origin)}, not an origin like https://chat.example.org`,
      );
    }
  }
  const trustProxy = list('TRUST_PROXY');

  const rawDemo = set('PARLEY_DEMO');
  if (rawDemo !== undefined && !['0', '1', 'true', 'false'].includes(rawDemo.trim())) {
    problems.push(`PARLEY_DEMO must be 1 or 0, got ${JSON.stringify(rawDemo)}`);
  }
  const demo = argv.includes('--demo') || rawDemo?.trim() === '1' || rawDemo?.trim() === 'true';

  const turn = parseTurnSettings(set, problems);

  const certPath = set('TLS_CERT')?.trim();
  const keyPath = set('TLS_KEY')?.trim();
  let tls: ServerConfig['tls'];
  if ((certPath === undefined) !== (keyPath === undefined)) {
    problems.push('TLS_CERT and TLS_KEY must be set together (PEM files: the certificate chain and its key)');
  } else if (certPath !== undefined && keyPath !== undefined) {
    if (argv.includes('--self-signed'))
      problems.push('--self-signed and TLS_CERT/TLS_KEY exclude each other');
    tls = { kind: 'files', certPath, keyPath };
  } else if (argv.includes('--self-signed')) tls = { kind: 'self-signed' };

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: set('HOST')?.trim() ?? '0.0.0.0',
    port,
    dataDir: set('DATA_DIR') ?? './data',
    databaseUrl,
    redisUrl,
    metricsToken,
    iceServers,
    clientDir: set('CLIENT_DIR') ?? defaultClientDir,
    logLevel,
    scryptCost,
    heartbeatIntervalMs,
    demo,
    // Only when set, so a plain configuration reads as before.
    ...(turn && { turn }),
    ...(tls && { tls }),
    allowedOrigins,
    trustProxy,
    maxConnectionsPerAddress,
    loginTimeoutMs,
    registrationsPerHour,
    maxGroupsPerUser,
  };
}
