import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig, type Environment } from '../../signaling/config.js';

const parse = (env: Environment, argv: string[] = []) => parseConfig(env, argv, '/srv/parley/client');

function problemsOf(env: Environment, argv: string[] = []): readonly string[] {
  try {
    parse(env, argv);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

test('defaults work on one machine', () => {
  assert.deepEqual(parse({}), {
    host: '0.0.0.0',
    port: 8080,
    dataDir: './data',
    databaseUrl: undefined,
    redisUrl: undefined,
    metricsToken: undefined,
    iceServers: [],
    clientDir: '/srv/parley/client',
    logLevel: 'info',
    scryptCost: 32768,
    heartbeatIntervalMs: 5000,
    demo: false,
    allowedOrigins: [],
    trustProxy: [],
    maxConnectionsPerAddress: 50,
    loginTimeoutMs: 10_000,
    registrationsPerHour: 20,
    maxGroupsPerUser: 200,
  });
});

test('reads every variable', () => {
  const config = parse({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: '/var/lib/parley',
    ICE_SERVERS: '[{"urls":["stun:a.example","turn:b.example"],"username":"u","credential":"c"}]',
    CLIENT_DIR: '/opt/client',
    LOG_LEVEL: 'DEBUG',
    PARLEY_SCRYPT_COST: '1024',
    PARLEY_DEMO: '1',
    PARLEY_HEARTBEAT_MS: '30000',
    DATABASE_URL: 'postgresql://parley:secret@db.internal:5432/parley',
    METRICS_TOKEN: ' 0123456789abcdef0123 ',
    REDIS_URL: 'redis://cache.internal:6379/0',
    ALLOWED_ORIGINS: 'https://chat.example.org, http://localhost:5173',
    TRUST_PROXY: '127.0.0.1,::1',
    PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '7',
    PARLEY_LOGIN_TIMEOUT_MS: '2000',
    PARLEY_REGISTRATIONS_PER_HOUR: '3',
    PARLEY_MAX_GROUPS_PER_USER: '9',
  });
  assert.deepEqual(config.allowedOrigins, ['https://chat.example.org', 'http://localhost:5173']);
  assert.deepEqual(config.trustProxy, ['127.0.0.1', '::1']);
  assert.equal(config.maxConnectionsPerAddress, 7);
  assert.equal(config.loginTimeoutMs, 2000);
  assert.equal(config.registrationsPerHour, 3);
  assert.equal(config.maxGroupsPerUser, 9);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 0);
  assert.equal(config.dataDir, '/var/lib/parley');
  assert.deepEqual(config.iceServers, [
    { urls: ['stun:a.example', 'turn:b.example'], username: 'u', credential: 'c' },
  ]);
  assert.equal(config.clientDir, '/opt/client');
  assert.equal(config.logLevel, 'debug');
  assert.equal(config.scryptCost, 1024);
  assert.equal(config.demo, true);
  assert.equal(config.heartbeatIntervalMs, 30000);
  assert.equal(config.databaseUrl, 'postgresql://parley:secret@db.internal:5432/parley');
  assert.equal(config.metricsToken, '0123456789abcdef0123');
  assert.equal(config.redisUrl, 'redis://cache.internal:6379/0');
});

test('--demo switches the demo accounts on', () => {
  assert.equal(parse({}, ['--demo']).demo, true);
  assert.equal(parse({ PARLEY_DEMO: '0' }).demo, false);
});

test('treats empty variables as unset', () => {
  assert.equal(parse({ PORT: '', HOST: ' ' }).port, 8080);
  assert.equal(parse({ HOST: ' ' }).host, '0.0.0.0');
});

const invalid: Array<[string, Environment, RegExp]> = [
  ['a port that is not a number', { PORT: 'eighty' }, /^PORT /],
  ['a negative port', { PORT: '-1' }, /^PORT /],
  ['a port above 65535', { PORT: '65536' }, /^PORT /],
  ['a fractional port', { PORT: '80.5' }, /^PORT /],
  ['ICE_SERVERS that is not JSON', { ICE_SERVERS: '[{urls:' }, /^ICE_SERVERS is not valid JSON/],
  ['ICE_SERVERS that is not an array', { ICE_SERVERS: '{"urls":"stun:x"}' }, /^ICE_SERVERS is not a list/],
  ['an ICE server without urls', { ICE_SERVERS: '[{"username":"u"}]' }, /^ICE_SERVERS is not a list/],
  ['REDIS_URL that is not a redis URL', { REDIS_URL: 'http://cache:6379' }, /^REDIS_URL /],
  ['an unknown log level', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL /],
  ['a scrypt cost that is not a power of two', { PARLEY_SCRYPT_COST: '1000' }, /^PARLEY_SCRYPT_COST /],
  ['a scrypt cost that is too large', { PARLEY_SCRYPT_COST: String(2 ** 21) }, /^PARLEY_SCRYPT_COST /],
  ['a heartbeat below 100 ms', { PARLEY_HEARTBEAT_MS: '10' }, /^PARLEY_HEARTBEAT_MS /],
  ['a heartbeat that is not a number', { PARLEY_HEARTBEAT_MS: '5s' }, /^PARLEY_HEARTBEAT_MS /],
  ['an unclear demo switch', { PARLEY_DEMO: 'yes please' }, /^PARLEY_DEMO /],
  ['a DATABASE_URL that is not a URL', { DATABASE_URL: 'localhost:5432' }, /^DATABASE_URL /],
  ['a DATABASE_URL of another database', { DATABASE_URL: 'mysql://db/parley' }, /^DATABASE_URL /],
  ['a short METRICS_TOKEN', { METRICS_TOKEN: 'secret' }, /^METRICS_TOKEN /],
  ['a METRICS_TOKEN with a space', { METRICS_TOKEN: 'correct horse battery staple' }, /^METRICS_TOKEN /],
  ['an origin with a path', { ALLOWED_ORIGINS: 'https://a.example/app' }, /^ALLOWED_ORIGINS /],
  [
    'no connections per address',
    { PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '0' },
    /^PARLEY_MAX_CONNECTIONS_PER_ADDRESS /,
  ],
  ['a login timeout in words', { PARLEY_LOGIN_TIMEOUT_MS: 'soon' }, /^PARLEY_LOGIN_TIMEOUT_MS /],
];

for (const [name, env, pattern] of invalid) {
  test(`rejects ${name}`, () => {
    const problems = problemsOf(env);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, pattern);
  });
}

test('rejects unknown arguments', () => {
  assert.match(problemsOf({}, ['--dmeo'])[0]!, /unknown argument "--dmeo"/);
});

test('never echoes a database URL or a metrics token in a problem', () => {
  const problems = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/x', METRICS_TOKEN: 'hunter3 x' });
  assert.equal(problems.length, 2);
  assert.doesNotMatch(problems.join('\n'), /hunter/);
});

test('reports every problem at once', () => {
  const problems = problemsOf({ PORT: 'x', LOG_LEVEL: 'y', ICE_SERVERS: 'z' });
  assert.equal(problems.length, 3);
});
