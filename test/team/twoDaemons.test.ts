// Two members' daemons on one team database (issue #11): each has its own data dir and in-memory verify
// index, fed by the store's change feed (LISTEN/NOTIFY). What one daemon does, the other sees: keys it
// creates verify there, revokes and regenerations are honoured within a second, concurrent edits of one
// key lose nothing, and a disabled service blocks creates everywhere.
import { strict as assert } from 'node:assert';
import { ManualClock } from '../../daemon/keys/clock';
import type { KeyCreated, TokenCreated } from '../../daemon/protocol';
import type { TestDaemon } from '../support/inProcessDaemon';
import { sharedPostgresServer } from '../support/postgresServer';
import { RawConnection } from '../support/rawConnection';
import { memberDatabase } from '../support/teamStore';
import { Delays, startMemberDaemon, until } from './support';

describe('team store: two daemons on one database', function () {
  this.timeout(60_000);
  let a: TestDaemon;
  let b: TestDaemon;
  let clock: ManualClock;
  const delays = new Delays();

  beforeEach(async () => {
    const url = await memberDatabase(await sharedPostgresServer(), 'two_daemons');
    clock = new ManualClock('2030-01-15T09:00:00.000Z');
    a = await startMemberDaemon(url, clock);
    b = await startMemberDaemon(url, clock);
  });
  afterEach(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });
  after(() => console.log(`      measured:\n${delays.summary().replace(/^/gm, '        ')}`));

  const create = async (daemon: TestDaemon, name: string, fields: Record<string, unknown> = {}) => {
    const created = await daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name, ...fields });
    assert.equal(created.status, 201, created.text);
    return created.body;
  };
  const verifyToken = async (daemon: TestDaemon) =>
    (await daemon.request<TokenCreated>('POST', '/v1/tokens', { name: 'shop', role: 'verify' })).body.token;
  /** B's answer to an app server: TCP verify with a verify token. */
  const verifyOn = async (daemon: TestDaemon, token: string, key: string) => {
    const answer = await daemon.tcpRequest('POST', '/v1/verify', { key }, { token });
    assert.equal(answer.status, 200, answer.text);
    return answer.body as { valid: boolean; code?: string; keyId?: string };
  };

  it('a key created on A verifies on B over TCP with a token from A or B', async () => {
    for (const daemon of [a, b]) assert.equal(daemon.server.core.context.store.description.startsWith('postgres://'), true);
    const tokenFromA = await verifyToken(a);
    const tokenFromB = await verifyToken(b);
    for (let round = 0; round < 5; round++) {
      const key = await create(a, `from A ${round}`);
      delays.add(
        'key created on A → valid on B',
        await until('B verifies the new key', async () => (await verifyOn(b, tokenFromB, key.secret.secret)).valid),
      );
      delays.add(
        'verify token created on A → accepted by B',
        await until(
          'B accepts the token made on A',
          async () => (await b.tcpRequest('POST', '/v1/verify', { key: key.secret.secret }, { token: tokenFromA })).status === 200,
        ),
      );
      assert.equal((await verifyOn(b, tokenFromA, key.secret.secret)).valid, true);
      const audit = (await a.request('GET', `/v1/audit?keyId=${key.key.id}`)).body.items as Array<{ action: string; actor: string }>;
      assert.deepEqual(
        audit.map((event) => [event.action, event.actor]),
        [['key.created', 'tester']],
      );
    }
  });

  it('refuses on B, within a second, a key revoked on A', async () => {
    const token = await verifyToken(b);
    for (let round = 0; round < 5; round++) {
      const key = await create(a, `revoked ${round}`);
      await until('B verifies the new key', async () => (await verifyOn(b, token, key.secret.secret)).valid);
      assert.equal((await a.request('POST', `/v1/keys/${key.key.id}/revoke`)).status, 200);
      const delay = await until(
        'B refuses the revoked key',
        async () => (await verifyOn(b, token, key.secret.secret)).code === 'REVOKED',
        1000,
      );
      delays.add('revoke on A → refused by B', delay);
    }
  });

  it('refuses on B, within a second, a verify token deleted on A, on the very connection that used it', async () => {
    // B remembers per connection the header it authenticated (daemon/http/connectionAuth.ts): the change
    // feed's deletion must reach that memory too, not only B's token table.
    const created = (await a.request<TokenCreated>('POST', '/v1/tokens', { name: 'leaving', role: 'verify' })).body;
    const key = await create(a, 'checked by a leaving app');
    // B learns of the token through the feed: wait for it on fresh connections (a refusal closes one).
    await until(
      'B accepts the token made on A',
      async () => (await b.tcpRequest('POST', '/v1/verify', { key: key.secret.secret }, { token: created.token })).status === 200,
    );
    const connection = await RawConnection.open(b.port);
    try {
      const verifyOnConnection = () =>
        connection.post('/v1/verify', { key: key.secret.secret }, { Authorization: `Bearer ${created.token}` });
      assert.equal((await verifyOnConnection()).status, 200);
      assert.equal((await verifyOnConnection()).status, 200);
      assert.equal((await a.request('DELETE', `/v1/tokens/${created.id}`)).status, 204);
      const delay = await until('B refuses the deleted token', async () => (await verifyOnConnection()).status === 401, 1000);
      delays.add('token deleted on A → refused by B on a kept-alive connection', delay);
    } finally {
      connection.close();
    }
  });

  it('loses no update when A and B patch different fields of one key at the same time, round after round', async () => {
    const key = await create(a, 'shared');
    await until('B sees the key', async () => (await b.request('GET', `/v1/keys/${key.key.id}`)).status === 200);
    for (let round = 0; round < 25; round++) {
      const [fromA, fromB] = await Promise.all([
        a.request('PATCH', `/v1/keys/${key.key.id}`, { name: `name ${round}` }),
        b.request('PATCH', `/v1/keys/${key.key.id}`, { organization: `org ${round}` }),
      ]);
      assert.equal(fromA.status, 200, fromA.text);
      assert.equal(fromB.status, 200, fromB.text);
      for (const daemon of [a, b]) {
        await until(`round ${round}: both changes on ${daemon === a ? 'A' : 'B'}`, async () => {
          const read = (await daemon.request('GET', `/v1/keys/${key.key.id}`)).body;
          return read.name === `name ${round}` && read.organization === `org ${round}`;
        });
      }
    }
    const updates = ((await a.request('GET', `/v1/audit?keyId=${key.key.id}&limit=1000`)).body.items as Array<{ action: string }>).filter(
      (event) => event.action === 'key.updated',
    );
    assert.equal(updates.length, 50);
  });

  it('honours on B a regeneration made on A: the successor verifies, the old secret until its grace ends', async () => {
    const token = await verifyToken(b);
    const old = await create(a, 'rotated');
    await until('B verifies the old key', async () => (await verifyOn(b, token, old.secret.secret)).valid);
    const regenerated = await a.request<KeyCreated>('POST', `/v1/keys/${old.key.id}/regenerate`, { graceSeconds: 60 });
    assert.equal(regenerated.status, 201, regenerated.text);
    delays.add(
      'regenerate on A → successor valid on B',
      await until('B verifies the successor', async () => (await verifyOn(b, token, regenerated.body.secret.secret)).valid),
    );
    assert.equal((await verifyOn(b, token, old.secret.secret)).valid, true, 'within its grace the old secret still works');
    clock.advance(61_000);
    assert.equal((await verifyOn(b, token, old.secret.secret)).code, 'REVOKED');
    assert.equal((await verifyOn(b, token, regenerated.body.secret.secret)).valid, true);
    assert.equal((await b.request('GET', `/v1/keys/${old.key.id}`)).body.rotatedTo, regenerated.body.key.id);
  });

  it('refuses a create on B as soon as A has disabled the service', async () => {
    await create(b, 'before');
    const disabled = await a.request('PATCH', '/v1/services/cloudmc', { enabled: false, disabledReason: 'contract ended' });
    assert.equal(disabled.status, 200, disabled.text);
    // No waiting: B's create checks the service in its transaction, not only in its cached catalogue.
    const refused = await b.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'after' });
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.body.error.details.serviceId, /disabled/);
    delays.add(
      'service disabled on A → shown disabled by B',
      await until('B lists the service disabled', async () =>
        (await b.request('GET', '/v1/services')).body.items.some((s: { id: string; enabled: boolean }) => s.id === 'cloudmc' && !s.enabled),
      ),
    );
    const names = ((await b.request('GET', '/v1/keys?serviceId=cloudmc')).body.items as Array<{ name: string }>).map((key) => key.name);
    assert.deepEqual(names, ['before']);
  });
});
