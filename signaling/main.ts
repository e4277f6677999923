/**
 * The server process (`npm start`): configuration from the environment, one line on stdout when
 * listening, JSON logs on stderr, and a clean exit on SIGINT/SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, parseConfig, type ServerConfig } from './config.js';
import { createLogger } from './logger.js';
import { formatUrl, startServer, type RunningServer } from './server.js';
import { loadTls, type LoadedTls } from './tls/load-tls.js';

// The server mostly holds idle sockets. With V8's default heap sizing, the garbage of a login storm
// (every login announced to everyone) leaves the heap several times its live size for good; sized for
// memory, it stays near it. Measured with bench/signaling.ts at 2,000 users: ~18 → ~5 KB of RSS per
// connection, for ~15% more server CPU per relayed signal (21 → 24 µs). V8 reads this flag at each
// GC, so setting it here, before the server allocates anything much, takes effect.
setFlagsFromString('--optimize-for-size');

function readConfig(): ServerConfig {
  try {
    return parseConfig(
      process.env,
      process.argv.slice(2),
      fileURLToPath(new URL('../client', import.meta.url)),
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`parley: ${error.message}\n`);
    process.exit(1);
  }
}

const config = readConfig();
const logger = createLogger(config.logLevel);

let server: RunningServer | undefined;
let stopRequested = false;

function stop(): void {
  if (!server) return;
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: String(error) }, 'shutdown failed');
      process.exit(1);
    },
  );
}

// Installed before anything is printed: whoever reads the listening line may signal at once, and a
// signal that arrives before a handler exists kills the process without a clean shutdown.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    stopRequested = true;
    stop();
  });
}

let tls: LoadedTls | undefined;
try {
  tls = await loadTls(config);
  server = await startServer({
    host: config.host,
    port: config.port,
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    metricsToken: config.metricsToken,
    iceServers: config.iceServers,
    turn: config.turn,
    tls: tls?.credentials,
    clientDir: config.clientDir,
    scryptCost: config.scryptCost,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    demoAccounts: config.demo,
    allowedOrigins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    loginTimeoutMs: config.loginTimeoutMs,
    authLimits: { registrationsPerAddress: { points: config.registrationsPerHour, windowMs: 3_600_000 } },
    maxGroupsPerUser: config.maxGroupsPerUser,
    logger,
  });
} catch (error) {
  // Start-up failures (port in use, unreadable DATA_DIR, a newer schema) are configuration problems too.
  process.stderr.write(`parley: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

if (stopRequested) stop();
else {
  const scheme = tls ? 'https' : 'http';
  process.stdout.write(`Parley listening on ${formatUrl(config.host, server.port, scheme)}\n`);
  for (const note of tls?.notes ?? []) process.stdout.write(`${note}\n`);
}
