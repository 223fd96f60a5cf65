// A create on a team store is one statement (issue #11): the key, its `key.created` event and the check
// of its service under a share lock commit together, or nothing does. A service disable still open in
// another session (psql) is waited for and then seen; an audit log that refuses the event refuses the
// key with it.
import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import type { TestDaemon } from '../support/inProcessDaemon';
import { sharedPostgresServer, withClient } from '../support/postgresServer';
import { memberDatabase } from '../support/teamStore';
import { startMemberDaemon, until } from './support';

const keyNamed = (url: string, name: string) =>
  withClient(url, async (client) => (await client.query<{ id: string }>('SELECT id FROM keys WHERE name = $1', [name])).rows);

describe('team store: a create is one statement with its event and its service check', function () {
  this.timeout(60_000);
  let url: string;
  let daemon: TestDaemon;

  beforeEach(async () => {
    url = await memberDatabase(await sharedPostgresServer(), 'create_statement');
    daemon = await startMemberDaemon(url);
  });
  afterEach(async () => {
    await daemon?.stop();
  });

  it('refuses a create sent while a service disable is uncommitted in psql, once the disable commits: no key stored', async () => {
    const psql = new Client({ connectionString: url });
    await psql.connect();
    try {
      await psql.query('BEGIN');
      await psql.query("UPDATE services SET enabled = false, disabled_reason = 'contract ended' WHERE id = 'cloudmc'");
      // The daemon's catalogue still shows the service enabled: the disable is not committed yet.
      let answered = false;
      const answer = daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'raced' }).finally(() => {
        answered = true;
      });
      // The create reaches the service row and waits on the disable's lock (or, without a lock, is
      // already answered: then it did not wait, and the assertions below catch it).
      await until(
        'the create waits on the open disable, or is answered',
        async () =>
          answered ||
          (await psql.query<{ waiting: number }>('SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted')).rows[0]!.waiting > 0,
        10_000,
      );
      await psql.query('COMMIT');
      const refused = await answer;
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.error.code, 'VALIDATION_FAILED');
      assert.match(refused.body.error.details.serviceId, /disabled or deleted meanwhile; nothing was stored/);
    } finally {
      await psql.end();
    }
    assert.deepEqual(await keyNamed(url, 'raced'), [], 'a key was stored on a service disabled before it committed');
    const events = await withClient(
      url,
      async (client) => (await client.query("SELECT 1 FROM audit WHERE action = 'key.created'")).rowCount,
    );
    assert.equal(events, 0, 'an event was written for a key that was not stored');
  });

  it('holds the service row from the check until the create commits: a disable waits for it', async () => {
    const psql = new Client({ connectionString: url });
    await psql.connect();
    try {
      // The check a create runs in its statement, held open here: the daemon's disable must wait for it.
      await psql.query('BEGIN');
      await psql.query("SELECT keysmith_service_enabled('cloudmc')");
      const disable = daemon.request('PATCH', '/v1/services/cloudmc', { enabled: false, disabledReason: 'later' });
      await until(
        'the disable waits on the create',
        async () =>
          (
            await withClient(url, (client) =>
              client.query<{ waiting: number }>('SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted'),
            )
          ).rows[0]!.waiting > 0,
        10_000,
      );
      await psql.query('COMMIT');
      assert.equal((await disable).status, 200);
    } finally {
      await psql.end();
    }
  });

  it('refuses the key when the audit log refuses its event, and stores neither', async () => {
    // The schema's owner (here the test member) makes every append to the audit log fail, as a full
    // disk or a broken trigger would.
    await withClient(url, async (client) => {
      await client.query(`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is unavailable'; END $$`);
      await client.query('CREATE TRIGGER refuse_audit BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION refuse_audit()');
    });
    const refused = await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'production', name: 'unaudited' });
    assert.equal(refused.status, 500, refused.text);
    assert.equal(refused.body.secret, undefined);
    assert.deepEqual(await keyNamed(url, 'unaudited'), [], 'a key was stored without its event');
    await withClient(url, (client) => client.query('DROP TRIGGER refuse_audit ON audit'));
    const created = await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'production', name: 'audited' });
    assert.equal(created.status, 201, created.text);
    const events = await daemon.request('GET', `/v1/audit?keyId=${created.body.key.id}`);
    assert.deepEqual(
      events.body.items.map((event: { action: string }) => event.action),
      ['key.created'],
    );
  });
});
