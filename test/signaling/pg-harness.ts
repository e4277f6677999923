/**
 * A real PostgreSQL server for tests: its own cluster in a temporary directory, on a free loopback
 * port, started once per test file and removed afterwards. Each test takes a fresh database from it.
 *
 * Needs Debian's `postgresql` package (the server binaries under /usr/lib/postgresql/N/bin); without
 * them the suite fails rather than skips, so a machine that lacks them cannot pass by testing less.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const POSTGRES_ROOT = '/usr/lib/postgresql';
/** initdb refuses to run as root; as root, the cluster belongs to this system user. */
const SYSTEM_USER = 'postgres';

export interface PostgresServer {
  /** A URL of the server's `postgres` database, for administration. */
  readonly adminUrl: string;
  /** Creates an empty database (to the store: an empty schema of one database) and resolves its URL. */
  freshDatabase(): Promise<string>;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
}

/** The newest installed PostgreSQL's bin directory; throws a message that says what to install. */
function findBinaries(): string {
  const versions = existsSync(POSTGRES_ROOT)
    ? readdirSync(POSTGRES_ROOT)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(POSTGRES_ROOT, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      `PostgreSQL server binaries (initdb, pg_ctl) not found in ${POSTGRES_ROOT}/*/bin: ` +
        'install Debian\'s "postgresql" package (apt-get install postgresql) to run the PostgreSQL tests',
    );
  }
  return join(POSTGRES_ROOT, newest, 'bin');
}

/** A free loopback port (closed again, so a server can listen on it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts a throwaway PostgreSQL server. Durability is switched off: the data dies with the test. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findBinaries();
  const asRoot = process.getuid?.() === 0;
  const exec = (program: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', SYSTEM_USER, '--', join(bin, program), ...args])
      : run(join(bin, program), args);

  const dir = await mkdtemp(join(tmpdir(), 'parley-pg-'));
  const data = join(dir, 'data');
  let started = false;
  try {
    if (asRoot) await run('chown', [SYSTEM_USER, dir]);
    await exec('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    await exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', settings, 'start']);
    started = true;

    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    let databases = 0;
    return {
      adminUrl,
      async freshDatabase() {
        // A schema, not a database: CREATE DATABASE costs a checkpoint, a schema a catalog row. The
        // URL puts it first on the search path, so to the store it is an empty database.
        const schema = `parley_${++databases}`;
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        try {
          await admin.query(`CREATE SCHEMA ${schema}`);
        } finally {
          await admin.end();
        }
        return `${adminUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      },
      async stop() {
        await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (started) await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
