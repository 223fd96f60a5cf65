// The team store for test daemons: a fresh PostgreSQL database per daemon, owned by a login role named
// like the test actor (`tester`), so the migrations run as that member and the daemon acts as it, as a
// team member's daemon would. KEYSMITH_TEST_STORE=postgres puts every test daemon (inProcessDaemon.ts,
// childDaemon.ts) on one; test/team/ uses it directly.
//
//   const url = await memberDatabase(await sharedPostgresServer(), 'keys');   // postgres://tester:…@…/keys_3
//   await startTestDaemon({ storeUrl: url, env: teamDaemonEnv() });
import type { Client } from 'pg';
import { MASTER_KEY_ENV } from '../../daemon/keys/masterKey';
import { openPostgresStore } from '../../daemon/store/postgres/postgresStore';
import { openEmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import type { Store } from '../../daemon/store/repositories';
import type { StoreData } from '../../daemon/store/types';
import { sharedPostgresServer, withClient, type PostgresServer } from './postgresServer';

/** The member every test daemon connects as: the actor the embedded suites expect too. */
export const TEST_MEMBER = 'tester';
/** A fixed master key (32 zero-to-31 bytes, base64): team daemons must share one and never create it. */
export const TEST_MASTER_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64');

export type TestStoreKind = 'embedded' | 'postgres';

/** KEYSMITH_TEST_STORE: `postgres` runs the test daemons on a team store; unset or `embedded`, on lowdb. */
export function testStoreKind(env: NodeJS.ProcessEnv = process.env): TestStoreKind {
  const kind = env.KEYSMITH_TEST_STORE || 'embedded';
  if (kind !== 'embedded' && kind !== 'postgres') throw new Error(`KEYSMITH_TEST_STORE must be "embedded" or "postgres", not "${kind}"`);
  return kind;
}

/** The environment a team daemon needs: the team's master key. */
export function teamDaemonEnv(): Record<string, string> {
  return { [MASTER_KEY_ENV]: TEST_MASTER_KEY };
}

const memberPasswords = new WeakMap<PostgresServer, Promise<string>>();
const templates = new WeakMap<PostgresServer, Promise<string>>();
let databases = 0;
const TEMPLATE = 'keysmith_member_template';

/** Creates the `tester` login role on `server`, once per server; resolves to its password. */
function memberPassword(server: PostgresServer): Promise<string> {
  let password = memberPasswords.get(server);
  if (!password) {
    // Derived from the superuser's (random per server): nothing to keep, never the same twice.
    // CREATEROLE as a schema owner has it (docs/team.md): the first migration makes the group roles.
    const chosen = `m-${server.password}`;
    password = asSuperuser(server, (client) => client.query(`CREATE ROLE ${TEST_MEMBER} LOGIN CREATEROLE PASSWORD '${chosen}'`)).then(
      () => chosen,
    );
    memberPasswords.set(server, password);
  }
  return password;
}

/** The database of each data dir a test gave: a daemon restarted on its data dir finds its keys again. */
const databaseOfDataDir = new Map<string, string>();

/**
 * The team store of a test daemon under KEYSMITH_TEST_STORE=postgres: the database its data dir had, or
 * a fresh one on the shared server (`dataDir` undefined: a throwaway data dir, never restarted).
 */
export async function testDatabaseFor(dataDir: string | undefined): Promise<string> {
  const known = dataDir === undefined ? undefined : databaseOfDataDir.get(dataDir);
  if (known) return known;
  const url = await memberDatabase(await sharedPostgresServer(), 'daemon');
  if (dataDir !== undefined) databaseOfDataDir.set(dataDir, url);
  return url;
}

/**
 * A fresh database owned by `tester`, its URL as `tester`. It is a copy of a template the store's
 * migrations ran on once, as `tester` (the daemon finds its schema current): migrating every test
 * daemon's database doubled the time of a suite. `migrated: false` gives an empty one, for the tests of
 * a first start.
 */
export async function memberDatabase(server: PostgresServer, label: string, options: { migrated?: boolean } = {}): Promise<string> {
  const password = await memberPassword(server);
  const template = options.migrated === false ? 'template1' : await migratedTemplate(server, password);
  databases += 1;
  const name = `${label.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${databases}`;
  await asSuperuser(server, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template} OWNER ${TEST_MEMBER}`));
  return memberUrl(server, name, password);
}

function migratedTemplate(server: PostgresServer, password: string): Promise<string> {
  let template = templates.get(server);
  if (!template) {
    template = (async () => {
      await asSuperuser(server, (client) => client.query(`CREATE DATABASE ${TEMPLATE} OWNER ${TEST_MEMBER}`));
      // Opened and closed: the migrations run as the member, and no connection stays (a template in use cannot be copied).
      const store = await openPostgresStore({ url: memberUrl(server, TEMPLATE, password) });
      await store.close();
      // The schema's owner is not a member and writes no keys (docs/team.md): `tester` joins as an owner,
      // as the first owner of a team does. Group roles are cluster-wide; the members row is per database.
      await asSuperuser(server, (client) => client.query(`GRANT keysmith_owner TO ${TEST_MEMBER}`), TEMPLATE);
      await asSuperuser(server, (client) => client.query(`INSERT INTO members (name) VALUES ('${TEST_MEMBER}')`), TEMPLATE);
      return TEMPLATE;
    })();
    templates.set(server, template);
  }
  return template;
}

export function memberUrl(server: PostgresServer, database: string, password: string): string {
  return `postgres://${TEST_MEMBER}:${encodeURIComponent(password)}@${server.host}:${server.port}/${database}`;
}

async function asSuperuser<T>(server: PostgresServer, work: (client: Client) => Promise<T>, database?: string): Promise<T> {
  const url = new URL(server.url);
  if (database !== undefined) url.pathname = `/${database}`;
  return withClient(url.toString(), work);
}

/** Every row of every table of the store's database, as text (bytea as hex): what a dump would hold. */
export function tableContents(url: string): Promise<Array<readonly [string, string]>> {
  return withClient(url, async (client) => {
    const { rows: tables } = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    const contents: Array<readonly [string, string]> = [];
    for (const { name } of tables) {
      const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`);
      contents.push([`table ${name}`, rows.map((row) => row.row).join('\n')] as const);
    }
    return contents;
  });
}

/**
 * A store for a suite that hands its daemon the store (to stub a repository): the embedded one in
 * `dataDir`, or under KEYSMITH_TEST_STORE=postgres a fresh database as `tester`.
 */
export async function openTestStore(dataDir: string, initialData: () => StoreData): Promise<Store> {
  if (testStoreKind() === 'embedded') return openEmbeddedStore({ dataDir, initialData });
  return openPostgresStore({ url: await memberDatabase(await sharedPostgresServer(), 'store'), usageFlushMs: 20 });
}

/** The keys table's ids and secret hashes, read straight from the database. */
export function storedKeys(url: string): Promise<Array<{ id: string; secretHash: string }>> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ id: string; secret_hash: string }>('SELECT id, secret_hash FROM keys');
    return rows.map((row) => ({ id: row.id, secretHash: row.secret_hash }));
  });
}

/**
 * Drops a database `testDatabaseFor(undefined)` made, once its daemon stopped: a full API run makes a
 * few hundred of them (~1 GB on disk if kept until the server goes).
 */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await asSuperuser(await sharedPostgresServer(), (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
