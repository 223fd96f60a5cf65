// The throwaway PostgreSQL of the store tests (test/support/postgresServer.ts): what the other suites
// take for granted about it, and the message when no server is installed.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { postgresBinDir, startPostgresServer, withClient, type PostgresServer } from '../support/postgresServer';
import { makeTempDir, removeDir } from '../support/tempDirs';

const query = (url: string, text: string): Promise<Record<string, unknown>[]> =>
  withClient(url, async (client) => (await client.query(text)).rows);

describe('PostgreSQL test server', function () {
  this.timeout(60_000);
  let server: PostgresServer;
  before(async () => {
    server = await startPostgresServer({ fsync: false });
  });
  after(() => server.dispose());

  it('listens on 127.0.0.1 at its port, with a scram password for TCP logins', async () => {
    assert.equal(server.host, '127.0.0.1');
    assert.deepEqual(await query(server.url, 'SELECT current_user AS role'), [{ role: 'postgres' }]);
    const url = new URL(server.url);
    url.password = 'not-the-password';
    await assert.rejects(query(url.toString(), 'SELECT 1'), /password authentication failed/);
    const [method] = await query(server.url, "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host'");
    assert.equal(method?.auth_method, 'scram-sha-256');
  });

  it('gives each suite its own database, and applies the fsync option', async () => {
    const url = await server.createDatabase('suite_one');
    assert.deepEqual(await query(url, 'SELECT current_database() AS db'), [{ db: 'suite_one' }]);
    assert.deepEqual(await query(server.url, 'SHOW fsync'), [{ fsync: 'off' }]);
  });

  it('runs the server as the postgres OS user when the tests run as root', async () => {
    const [row] = await query(server.url, "SELECT setting FROM pg_settings WHERE name = 'data_directory'");
    const owner = execFileSync('stat', ['-c', '%U', String(row?.setting)], { encoding: 'utf8' }).trim();
    const me = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
    assert.equal(owner, process.getuid?.() === 0 ? 'postgres' : me);
  });

  it('keeps what was committed across a kill -9 when fsync is on (the default)', async () => {
    const durable = await startPostgresServer();
    try {
      assert.deepEqual(await query(durable.url, 'SHOW fsync'), [{ fsync: 'on' }]);
      const url = await durable.createDatabase('crash');
      await query(url, 'CREATE TABLE t (n int); INSERT INTO t VALUES (42)');
      await durable.kill9();
      await assert.rejects(query(url, 'SELECT 1'), /ECONNREFUSED/);
      await durable.start();
      assert.deepEqual(await query(url, 'SELECT n FROM t'), [{ n: 42 }]);
    } finally {
      await durable.dispose();
    }
  });

  it('fails with a clear message, never a skip, when no PostgreSQL server is installed', async () => {
    const empty = await makeTempDir('no-pg');
    try {
      assert.throws(() => postgresBinDir([empty], empty), /PostgreSQL 15 server \(initdb, pg_ctl\).*apt-get install postgresql/);
      const ci = process.env.CI;
      process.env.CI = 'true';
      try {
        assert.throws(() => postgresBinDir([empty], empty), /CI=true: \.ci\/run installs it/);
      } finally {
        if (ci === undefined) delete process.env.CI;
        else process.env.CI = ci;
      }
    } finally {
      await removeDir(empty);
    }
  });
});
