import { mkdirSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { pino } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, IceServerList, MAX_FRAME_BYTES, type IceServer } from '../shared/protocol.js';
import { AccountService } from './auth/account-service.js';
import { DEFAULT_AUTH_LIMITS, LoginGuard, type AuthLimits } from './auth/login-guard.js';
import { ensureDemoAccounts } from './auth/demo-accounts.js';
import { DEFAULT_SCRYPT_PARAMS, checkScryptParams } from './auth/password-hash.js';
import { systemClock, type Clock } from './clock.js';
import { ensureDemoGroups } from './groups/demo-groups.js';
import { GroupService } from './groups/group-service.js';
import { LOCAL_BUS } from './cluster/bus.js';
import { RedisBus, type RedisBusOptions } from './cluster/redis-bus.js';
import { createRequestHandler } from './http/request-handler.js';
import { InFlight } from './limits/in-flight.js';
import type { LimitSettings } from './limits/limiter.js';
import { SharedLimiter } from './limits/shared-limiter.js';
import type { RateLimit } from './limits/token-bucket.js';
import type { Logger } from './logger.js';
import { NO_METRICS } from './metrics/connection-metrics.js';
import { createMetricsEndpoint } from './metrics/metrics-endpoint.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import { timedStore } from './metrics/timed-store.js';
import { openPostgresStore } from './store/postgres-store.js';
import { createFrontDoor } from './tls/front-door.js';
import type { TlsCredentials } from './tls/tls-credentials.js';
import { systemTimers, type Timers } from './turn/ice-refresh.js';
import { IceServerSource, type TurnSettings } from './turn/ice-servers.js';
import { SQLITE_FILE_NAME, openSqliteAccountStore } from './store/sqlite-account-store.js';
import type { Store } from './store/store.js';
import { ClientConnection } from './ws/client-connection.js';
import type { ConnectionContext } from './ws/connection-context.js';
import { Heartbeat } from './ws/heartbeat.js';
import { clientAddress, originAllowed } from './ws/upgrade-guard.js';
import { Presence } from './ws/presence.js';
import { BatchScheduler } from './ws/outbox.js';

export interface ServerOptions {
  /** Default `127.0.0.1` (the CLI's default is `0.0.0.0`, see config.ts). */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Directory of the SQLite file, created if missing. Ignored when `store` or `databaseUrl` is given. */
  dataDir?: string;
  /** A `postgres://` URL: accounts, sessions and groups live there instead of in SQLite. */
  databaseUrl?: string;
  /** A `redis://` URL: this server is one node of a cluster sharing presence, relay and limits there. */
  redisUrl?: string;
  /** Liveness and sweeping of a cluster's nodes (tests shorten them); see cluster/redis-bus.ts. */
  cluster?: Pick<RedisBusOptions, 'heartbeatMs' | 'aliveTtlMs' | 'sweepMs' | 'prefix' | 'relayBacklogBytes'>;
  /** Serves `GET /metrics` to requests bearing this token (`Authorization: Bearer …`); off without it. */
  metricsToken?: string;
  /** A store to use instead of opening one; the caller keeps ownership (it is not closed). */
  store?: Store;
  iceServers?: readonly IceServer[];
  /** TURN servers sharing a secret with Parley: each user gets a credential of their own. */
  turn?: TurnSettings;
  /** Serve HTTPS and WSS (plain HTTP on the port is redirected). Default: plain HTTP. */
  tls?: TlsCredentials;
  /** For TURN credential refreshes; tests inject their own. */
  timers?: Timers;
  /** The built client to serve; without it only `/healthz` and `/ws` answer. */
  clientDir?: string;
  /** Default: silent. */
  logger?: Logger;
  /** Default 5000: a dead client is dropped within two intervals. */
  heartbeatIntervalMs?: number;
  /** scrypt N (a power of two). Default 2^15; tests and benchmarks lower it. */
  scryptCost?: number;
  /** How long an unused session lasts. Default 30 days. */
  sessionTtlMs?: number;
  /** How long a session lasts at most, however often it is resumed. Default 90 days. */
  sessionMaxAgeMs?: number;
  /** Origins besides the server's own whose pages may open a WebSocket. Default none. */
  allowedOrigins?: readonly string[];
  /** Proxy addresses whose `X-Forwarded-For` names the client. Default none. */
  trustProxy?: readonly string[];
  /** Open WebSockets per client address. Default 50. */
  maxConnectionsPerAddress?: number;
  /** A socket that has not logged in by then is closed. Default 10 s. */
  loginTimeoutMs?: number;
  /** Groups one user may be in. Default 200. */
  maxGroupsPerUser?: number;
  /** Signals one connection may relay to one recipient. Default 20/s, burst 60. */
  pairRelayRateLimit?: RateLimit;
  /** Relayed signals per connection. Default 100/s, burst 200. */
  relayRateLimit?: RateLimit;
  /** All other frames per connection (logins, bad frames…). Default 10/s, burst 30. */
  controlRateLimit?: RateLimit;
  /** Bytes a client may fall behind before it is dropped. Default 4 MiB. */
  maxQueuedBytes?: number;
  /** Login, registration and scrypt limits; see auth/login-guard.ts for the defaults. */
  authLimits?: Partial<AuthLimits>;
  clock?: Clock;
  /** Create the demo accounts and groups (see auth/demo-accounts.ts, groups/demo-groups.ts) if missing. */
  demoAccounts?: boolean;
}

export interface RunningServer {
  /** `http://host:port` (`https:` with TLS), with the real port. */
  url: string;
  host: string;
  port: number;
  /** Closes every WebSocket with 1001, then the HTTP server, then the store (if it opened it). */
  close(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUSEKEEPING_INTERVAL_MS = 10 * 60 * 1000;
/** How long shutdown waits for clients to answer the close handshake before cutting them off. */
const CLOSE_GRACE_MS = 1000;

/** `http://host:port` (or `https:`), with brackets around an IPv6 host. */
export function formatUrl(host: string, port: number, scheme: 'http' | 'https' = 'http'): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function openStore(options: ServerOptions, logger: Logger): Promise<{ store: Store; owned: boolean }> {
  if (options.store) return { store: options.store, owned: false };
  if (options.databaseUrl !== undefined) {
    const onIdleError = (error: Error) => logger.error({ err: error.message }, 'database connection lost');
    return { store: await openPostgresStore({ url: options.databaseUrl, onIdleError }), owned: true };
  }
  if (options.dataDir === undefined) return { store: openSqliteAccountStore(':memory:'), owned: true };
  mkdirSync(options.dataDir, { recursive: true });
  return { store: openSqliteAccountStore(join(options.dataDir, SQLITE_FILE_NAME)), owned: true };
}

/** Starts a Parley signaling server and resolves once it listens. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? pino({ level: 'silent' });
  const scrypt = { ...DEFAULT_SCRYPT_PARAMS, cost: options.scryptCost ?? DEFAULT_SCRYPT_PARAMS.cost };
  checkScryptParams(scrypt);
  const iceServers = IceServerList.parse(options.iceServers ?? []);

  const opened = await openStore(options, logger);
  const { owned } = opened;
  const { metricsToken } = options;
  const metrics =
    metricsToken === undefined
      ? undefined
      : new ServerMetrics({ node: () => presence.size, cluster: () => presence.clusterSize });
  const store = metrics ? timedStore(opened.store, metrics.storeSeconds) : opened.store;
  const bus =
    options.redisUrl === undefined
      ? undefined
      : await RedisBus.connect({
          url: options.redisUrl,
          logger,
          ...options.cluster,
          metrics: metrics?.cluster,
        }).catch(async (error: unknown) => {
          if (owned) await store.close();
          throw error;
        });
  const limiter =
    bus && ((settings: LimitSettings, name: string) => new SharedLimiter(bus.redis, name, settings));
  const guard = new LoginGuard({ ...DEFAULT_AUTH_LIMITS, ...options.authLimits }, clock, limiter);
  const accounts = await AccountService.create({
    store,
    guard,
    clock,
    scrypt,
    sessionTtlMs: options.sessionTtlMs ?? 30 * DAY_MS,
    sessionMaxAgeMs: options.sessionMaxAgeMs ?? 90 * DAY_MS,
  });
  const groups = new GroupService({ store, clock, maxGroupsPerUser: options.maxGroupsPerUser ?? 200 });
  if (options.demoAccounts) {
    await ensureDemoAccounts(accounts, logger);
    await ensureDemoGroups(groups, logger);
  }
  await accounts.pruneSessions();

  const presence: Presence<ClientConnection> = new Presence(bus ?? LOCAL_BUS);
  const context: ConnectionContext = {
    accounts,
    // The untimed store: timed-store.ts wraps a fixed list of operations, which predates device keys.
    deviceKeys: opened.store,
    groups,
    presence,
    ice: new IceServerSource(iceServers, options.turn, clock),
    timers: options.timers ?? systemTimers,
    logger,
    clock,
    relayRateLimit: options.relayRateLimit ?? { perSecond: 100, burst: 200 },
    controlRateLimit: options.controlRateLimit ?? { perSecond: 10, burst: 30 },
    pairRelayRateLimit: options.pairRelayRateLimit ?? { perSecond: 20, burst: 60 },
    loginTimeoutMs: options.loginTimeoutMs ?? 10_000,
    maxQueuedBytes: options.maxQueuedBytes ?? 4 * 1024 * 1024,
    batches: new BatchScheduler(),
    metrics: metrics ?? NO_METRICS,
  };

  let ready = true;
  const door = createFrontDoor(
    createRequestHandler({
      clientDir: options.clientDir,
      isReady: () => ready,
      logger,
      metrics: metrics && createMetricsEndpoint(metrics, metricsToken!),
    }),
    options.tls,
  );
  const http = door.web;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  const heartbeat = new Heartbeat(wss.clients, options.heartbeatIntervalMs ?? 5000, () =>
    logger.info('heartbeat missed; dropping connection'),
  );
  let nextId = 1;
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const trustedProxies = new Set(options.trustProxy ?? []);
  // Open connections per address, so one address cannot hold thousands of sockets.
  const perAddress = new InFlight(options.maxConnectionsPerAddress ?? 50);
  const refuseUpgrade = (socket: Duplex, status: string): void => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== '/ws' || !ready) {
      socket.end(
        `HTTP/1.1 ${ready ? '404 Not Found' : '503 Service Unavailable'}\r\nConnection: close\r\n\r\n`,
      );
      return;
    }
    if (!originAllowed(req, allowedOrigins)) {
      logger.warn({ origin: req.headers.origin }, 'WebSocket from a foreign origin refused');
      return refuseUpgrade(socket, '403 Forbidden');
    }
    const address = clientAddress(req, trustedProxies);
    if (!perAddress.tryEnter(address)) {
      logger.warn({ address }, 'too many connections from one address');
      return refuseUpgrade(socket, '429 Too Many Requests');
    }
    // Counted until the TCP socket is gone, whether the upgrade completes or not.
    socket.once('close', () => perAddress.leave(address));
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      heartbeat.watch(ws);
      new ClientConnection(ws, socket, address, context, nextId++);
    });
  });
  http.on('clientError', (error, socket) => {
    logger.debug({ err: error.message }, 'bad HTTP request');
    socket.destroy();
  });

  const housekeeping = setInterval(() => {
    guard.sweep();
    accounts
      .pruneSessions()
      .catch((error: unknown) => logger.error({ err: String(error) }, 'session pruning failed'));
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      door.listener.once('error', reject);
      door.listener.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        door.listener.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    heartbeat.stop();
    clearInterval(housekeeping);
    metrics?.close();
    await bus?.close();
    if (owned) await store.close();
    throw error;
  }

  const address = door.listener.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  logger.info({ host, port: address.port }, 'listening');

  let closing: Promise<void> | undefined;
  async function shutdown(): Promise<void> {
    ready = false;
    heartbeat.stop();
    clearInterval(housekeeping);
    // Everyone is leaving at once: announcing each departure to the rest would be N² frames for nothing.
    presence.clear();
    const sockets = [...wss.clients];
    await Promise.all(sockets.map((socket) => closeGracefully(socket)));
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await door.close();
    // After the sockets: this node's users leave the cluster's presence in one step.
    await bus?.close();
    metrics?.close();
    if (owned) await store.close();
    logger.info('closed');
  }

  return {
    url: formatUrl(host, address.port, door.scheme),
    host,
    port: address.port,
    close: () => (closing ??= shutdown()),
  };
}

function closeGracefully(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === socket.CLOSED) return resolve();
    const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(CloseCode.GoingAway, 'server shutting down');
  });
}
