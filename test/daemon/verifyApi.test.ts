import { strict as assert } from 'node:assert';
import { ManualClock } from '../../daemon/keys/clock';
import { generateSecret } from '../../daemon/keys/keyFormat';
import type { KeyCreated, TokenCreated } from '../../daemon/protocol';
import { useTestDaemon } from '../support/hooks';

describe('POST /v1/verify', () => {
  let clock: ManualClock;
  const daemon = useTestDaemon(() => ({ clock: (clock = new ManualClock('2030-01-15T09:00:00.000Z')) }), 'each');
  let verifyToken: string;
  const create = async (body: Record<string, unknown> = {}) =>
    (await daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'ingeneo', environment: 'production', name: 'app', ...body })).body;
  // As an app server calls it: on the TCP port, with a verify-only token.
  const verify = (body: unknown) => daemon.tcpRequest('POST', '/v1/verify', body, { token: verifyToken });

  beforeEach(async () => {
    verifyToken = (await daemon.request<TokenCreated>('POST', '/v1/tokens', { name: 'shop-backend', role: 'verify' })).body.token;
  });

  it('answers valid with the key facts and records the use (time, client IP, count)', async () => {
    const { key, secret } = await create({ permissions: ['payroll.read'], organization: 'ACME' });
    const response = await verify({ key: secret.secret, method: 'payroll.read', clientIp: '::ffff:198.51.100.4' });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {
      valid: true,
      keyId: key.id,
      serviceId: 'ingeneo',
      environment: 'production',
      permissions: ['payroll.read'],
      organization: 'ACME',
    });
    await verify({ authorization: secret.authorization });
    await daemon.server.core.context.store.flush();
    const used = (await daemon.request('GET', `/v1/keys/${key.id}`)).body;
    assert.equal(used.useCount, 2);
    assert.equal(used.lastUsedAt, '2030-01-15T09:00:00.000Z');
    assert.equal(used.lastUsedIp, '127.0.0.1', 'without clientIp, the caller address');
  });

  it('returns each failure code for the reason a person must fix', async () => {
    const restricted = await create({ permissions: ['payroll.read'], companies: ['ACME'], ipAllowList: ['10.0.0.0/8'] });
    const ok = { key: restricted.secret.secret, method: 'payroll.read', company: 'ACME', clientIp: '10.1.1.1' };
    assert.equal((await verify(ok)).body.valid, true);
    assert.equal((await verify({ ...ok, method: 'payroll.write' })).body.code, 'FORBIDDEN_METHOD');
    assert.equal((await verify({ ...ok, company: 'Globex' })).body.code, 'FORBIDDEN_COMPANY');
    assert.equal((await verify({ ...ok, clientIp: '192.168.1.1' })).body.code, 'IP_NOT_ALLOWED');
    assert.equal((await verify({ key: generateSecret('ing', 'production') })).body.code, 'UNKNOWN');

    const scheduled = await create({ startsAt: '2030-02-01T00:00:00Z' });
    assert.equal((await verify({ key: scheduled.secret.secret })).body.code, 'NOT_YET_VALID');
    const expiring = await create({ expiresAt: '2030-01-16T00:00:00Z' });
    clock.set('2030-01-16T00:00:00Z');
    assert.equal((await verify({ key: expiring.secret.secret })).body.code, 'EXPIRED');
    const paused = await create();
    await daemon.request('POST', `/v1/keys/${paused.key.id}/deactivate`);
    assert.equal((await verify({ key: paused.secret.secret })).body.code, 'INACTIVE');
    await daemon.request('POST', `/v1/keys/${paused.key.id}/revoke`);
    assert.equal((await verify({ key: paused.secret.secret })).body.code, 'REVOKED');
  });

  it('answers 200 MALFORMED for bodies that are not one key or one authorization', async () => {
    const { secret } = await create();
    for (const body of [
      {},
      { key: '' },
      { key: 1 },
      { key: secret.secret, authorization: secret.authorization },
      { authorization: 'Token x' },
      { key: secret.secret, extra: 1 },
      { key: secret.secret, clientIp: 'nowhere' },
      [],
      'text',
    ]) {
      const response = await verify(body);
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.deepEqual(response.body, { valid: false, code: 'MALFORMED' }, JSON.stringify(body));
    }
  });

  it('refuses a Basic header whose reference does not belong to the secret', async () => {
    const created = await daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'payline', environment: 'test', name: 'p' });
    const forged = `Basic ${Buffer.from(`someone_else:${created.body.secret.secret}`).toString('base64')}`;
    assert.equal((await verify({ authorization: forged })).body.code, 'UNKNOWN');
    assert.equal((await verify({ authorization: created.body.secret.authorization })).body.valid, true);
  });

  it('audits failures as one event per key and code per window, with a count', async () => {
    const { key, secret } = await create();
    await daemon.request('POST', `/v1/keys/${key.id}/deactivate`);
    for (let i = 0; i < 25; i += 1) await verify({ key: secret.secret });
    for (let i = 0; i < 3; i += 1) await verify({ key: 'nope-nope-nope' });
    const events = (await daemon.request('GET', '/v1/audit')).body.items.filter(
      (event: { action: string }) => event.action === 'verify.failed',
    );
    assert.equal(events.length, 2);
    const inactive = events.find((event: { keyId?: string }) => event.keyId === key.id);
    assert.deepEqual([inactive.details.code, inactive.details.count, inactive.actor], ['INACTIVE', 25, 'token:shop-backend']);
    const unknown = events.find((event: { keyId?: string }) => event.keyId === undefined);
    assert.deepEqual([unknown.details.code, unknown.details.count], ['UNKNOWN', 3]);
  });
});

describe('verify-only tokens', () => {
  const daemon = useTestDaemon({}, 'each');

  it('are shown once, listed without the token, and stop working once deleted', async () => {
    const created = await daemon.request<TokenCreated>('POST', '/v1/tokens', { name: 'ci', role: 'verify' });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^ksv_/);
    const list = await daemon.request('GET', '/v1/tokens');
    assert.deepEqual(list.body.items, [{ id: created.body.id, name: 'ci', role: 'verify', createdAt: created.body.createdAt }]);
    assert.equal(list.text.includes(created.body.token), false);
    const token = created.body.token;
    assert.equal((await daemon.request('POST', '/v1/verify', { key: 'x-x-x-x-x' }, { token })).status, 200);
    assert.equal((await daemon.request('DELETE', `/v1/tokens/${created.body.id}`)).status, 204);
    assert.equal((await daemon.request('POST', '/v1/verify', { key: 'x-x-x-x-x' }, { token })).status, 401);
    assert.equal((await daemon.request('DELETE', `/v1/tokens/${created.body.id}`)).status, 404);
  });

  it('may call POST /v1/verify only: every other endpoint answers 403', async () => {
    const { token } = (await daemon.request<TokenCreated>('POST', '/v1/tokens', { name: 'app', role: 'verify' })).body;
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', '/v1/keys'],
      ['POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'x' }],
      ['GET', '/v1/services'],
      ['GET', '/v1/tokens'],
      ['POST', '/v1/tokens', { name: 'more', role: 'verify' }],
      ['GET', '/v1/audit'],
      ['POST', '/v1/keys/key_x/reveal'],
      ['POST', '/v1/inject/preview', {}],
      ['GET', '/v1/nowhere'],
    ];
    for (const [method, urlPath, body] of attempts) {
      const response = await daemon.request(method, urlPath, body, { token });
      assert.equal(response.status, 403, `${method} ${urlPath}`);
      assert.equal(response.body.error.code, 'FORBIDDEN_TOKEN');
    }
  });

  it('refuses a role other than verify', async () => {
    const response = await daemon.request('POST', '/v1/tokens', { name: 'root', role: 'admin' });
    assert.equal(response.status, 400);
    assert.match(response.body.error.details.role, /"verify"/);
  });
});
