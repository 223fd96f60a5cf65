// A throwaway PostgreSQL 15 for the store tests: its own cluster in a temp dir, on a free TCP port of
// 127.0.0.1 (password auth, scram, so role logins can be tested) with its unix socket in the temp dir
// (trust, for the superuser). Postgres refuses to run as root, and the tests run as root here and in
// CI: then every server binary runs as the `postgres` OS user, which owns the temp dir.
//
//   const server = await startPostgresServer();          // a server of its own (restart, stop, kill -9)
//   const url = await (await sharedPostgresServer()).createDatabase('keys_list');   // one per process
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { appendFile, chmod, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { makeTempDir, removeDir } from './tempDirs';

const run = promisify(execFile);

export interface PostgresServerOptions {
  /**
   * fsync on (default): a kill -9 or a power cut loses nothing committed, which the durability tests
   * rely on. Off only for suites that never kill the server and want speed.
   */
  fsync?: boolean;
}

export interface PostgresServer {
  /** The superuser `postgres` over TCP with its password, on the `postgres` database. */
  url: string;
  host: string;
  port: number;
  /** The superuser's password (for building role URLs in tests). */
  password: string;
  /** Creates an empty database and returns its superuser URL. */
  createDatabase(name: string): Promise<string>;
  /** A fast shutdown (connections are terminated, 57P01) and a start on the same port. */
  restart(): Promise<void>;
  /** A fast shutdown; the cluster stays, `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGKILL to the postmaster, as a crash would; `start()` recovers from the WAL. */
  kill9(): Promise<void>;
  /** Stops the server (if running) and removes its temp dir. */
  dispose(): Promise<void>;
}

const SUPERUSER = 'postgres';

/** Where initdb and pg_ctl are: KEYSMITH_PG_BIN, the Debian location of 15, or PATH. */
export function postgresBinDir(
  candidates: (string | undefined)[] = [process.env.KEYSMITH_PG_BIN, '/usr/lib/postgresql/15/bin'],
  searchPath = process.env.PATH ?? '',
): string {
  const hasServer = (dir: string) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'));
  for (const dir of [...candidates, ...searchPath.split(path.delimiter)]) {
    if (dir && hasServer(dir)) return dir;
  }
  // Never a skip: a store test that cannot run must fail, in CI and on a laptop.
  throw new Error(
    'The PostgreSQL store tests need a PostgreSQL 15 server (initdb, pg_ctl) and found none in KEYSMITH_PG_BIN, ' +
      '/usr/lib/postgresql/15/bin or PATH. Install it (Debian/Ubuntu: apt-get install postgresql) or set KEYSMITH_PG_BIN.' +
      (process.env.CI === 'true' ? ' CI=true: .ci/run installs it with the system packages; check that step.' : ''),
  );
}

const asRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a server binary: as the `postgres` OS user when we are root (postgres refuses root). */
async function runServerBinary(binary: string, args: string[]): Promise<string> {
  const [file, argv] = asRoot() ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  try {
    const { stdout } = await run(file, argv, { encoding: 'utf8', timeout: 60_000 });
    return stdout;
  } catch (error: any) {
    throw new Error(`${path.basename(binary)} ${args[0] ?? ''} failed: ${error.stderr || error.message}`, { cause: error });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = await makeTempDir('pg');
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const password = randomBytes(18).toString('base64url');
  const passwordFile = path.join(dir, 'pwfile');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (asRoot()) execFileSync('chown', ['-R', 'postgres:', dir]);
  else await chmod(dir, 0o700);

  await runServerBinary(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    SUPERUSER,
    '--pwfile',
    passwordFile,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  // Superuser on the socket without a password (setup by hand while debugging); every TCP login,
  // the superuser's included, with a scram password, as a team's daemons would connect.
  await writeFile(
    path.join(dataDir, 'pg_hba.conf'),
    ['local all postgres trust', 'local all all scram-sha-256', 'host all all 127.0.0.1/32 scram-sha-256', ''].join('\n'),
  );
  let port = 0;
  const configure = async () => {
    port = await freePort();
    await appendFile(
      path.join(dataDir, 'postgresql.conf'),
      [
        '',
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        `fsync = ${options.fsync === false ? 'off' : 'on'}`,
        'max_connections = 100',
        'shared_buffers = 16MB',
        "log_min_messages = 'warning'",
        '',
      ].join('\n'),
    );
  };
  await configure();
  if (asRoot()) execFileSync('chown', ['-R', 'postgres:', dir]);

  const pgCtl = (...args: string[]) => runServerBinary(path.join(bin, 'pg_ctl'), [...args, '-D', dataDir]);
  let running = false;
  const start = async () => {
    // A postmaster killed with -9 leaves backends exiting for a moment; their shared memory makes a start
    // refuse until they are gone, so a start is retried a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        await pgCtl('start', '-w', '-t', '60', '-l', logFile);
        break;
      } catch (error) {
        if (attempt >= 10)
          throw new Error(`${(error as Error).message}\n${await readFile(logFile, 'utf8').catch(() => '')}`, {
            cause: error,
          });
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    await pgCtl('stop', '-m', 'fast', '-w', '-t', '60');
    running = false;
  };
  const postmasterPid = async () => Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);

  await start();
  const host = '127.0.0.1';
  const urlFor = (database: string) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${host}:${port}/${database}`;

  // A test run that dies without its after-hooks must not leave a postmaster behind.
  const stopOnExit = () => {
    if (running)
      spawnSync(asRoot() ? 'runuser' : path.join(bin, 'pg_ctl'), [
        ...(asRoot() ? ['-u', 'postgres', '--', path.join(bin, 'pg_ctl')] : []),
        'stop',
        '-m',
        'immediate',
        '-D',
        dataDir,
      ]);
  };
  process.once('exit', stopOnExit);

  return {
    url: urlFor('postgres'),
    host,
    port,
    password,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database names in tests are plain identifiers: ${name}`);
      await withClient(urlFor('postgres'), (client) => client.query(`CREATE DATABASE ${name}`));
      return urlFor(name);
    },
    async restart() {
      await stop();
      await start();
    },
    stop,
    start,
    async kill9() {
      if (!running) return;
      // The whole server at once, as a crash of the machine would: the postmaster and every backend
      // (a backend outlives a killed postmaster until it notices, and would still answer meanwhile).
      const postmaster = await postmasterPid();
      const backends = childrenOf(postmaster);
      process.kill(postmaster, 'SIGKILL');
      for (const pid of backends) killIfAlive(pid);
      await waitUntilGone([postmaster, ...backends]);
      running = false;
    },
    async dispose() {
      process.removeListener('exit', stopOnExit);
      try {
        await stop();
      } finally {
        await removeDir(dir);
      }
    },
  };
}

/** The pids whose parent is `parent` (from /proc: Linux, where these tests run). */
function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function waitUntilGone(pids: number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  // A killed process stays a zombie until its parent reaps it; its /proc state is then Z.
  const alive = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  };
  while (pids.some(alive)) {
    if (Date.now() > deadline) throw new Error(`postgres processes ${pids.filter(alive).join(', ')} still alive 10 s after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One connection to `url` for `use`, closed after it whatever happens. */
export async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

let shared: Promise<PostgresServer> | undefined;
let databases = 0;

/**
 * The one server of this mocha process, started on first use and stopped by the root hook
 * (test/support/postgresRootHooks.ts). Suites that restart, stop or kill the server start their own.
 */
export function sharedPostgresServer(): Promise<PostgresServer> {
  shared ??= startPostgresServer({ fsync: false });
  return shared;
}

/** A fresh database on the shared server, named after `label`, for one suite. */
export async function createTestDatabase(label: string): Promise<string> {
  const server = await sharedPostgresServer();
  databases += 1;
  return server.createDatabase(`${label.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${databases}`);
}

export async function disposeSharedPostgresServer(): Promise<void> {
  const server = shared;
  shared = undefined;
  if (server) await (await server).dispose();
}
