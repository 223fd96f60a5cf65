import { strict as assert } from 'node:assert';
import { ManualClock } from '../../daemon/keys/clock';
import type { KeyCreated, KeyView } from '../../daemon/protocol';
import { useTestDaemon } from '../support/hooks';

const HOUR = 3_600_000;

describe('keys API', () => {
  let clock: ManualClock;
  const daemon = useTestDaemon(() => ({ clock: (clock = new ManualClock('2030-01-15T09:00:00.000Z')) }), 'each');
  const create = async (body: Record<string, unknown>) => {
    const response = await daemon.request<KeyCreated>('POST', '/v1/keys', {
      serviceId: 'cloudmc',
      environment: 'test',
      name: 'app',
      ...body,
    });
    assert.equal(response.status, 201, response.text);
    return response.body;
  };

  describe('POST /v1/keys', () => {
    it('creates a key and returns it once with its secret, reference and authorization header', async () => {
      const created = await create({ serviceId: 'payline', environment: 'production', name: 'Boutique', organization: 'ACME SAS' });
      assert.match(created.secret.secret, /^pay_live_[0-9A-Za-z]{38}$/);
      assert.equal(
        created.secret.authorization,
        `Basic ${Buffer.from(`${created.secret.reference}:${created.secret.secret}`).toString('base64')}`,
      );
      assert.equal(created.key.masked, `****${created.secret.secret.slice(-4)}`);
      assert.equal(created.key.createdBy, 'tester');
      assert.equal(created.key.state, 'active');
      assert.equal(created.key.retrievable, false);
      assert.equal(created.key.organization, 'ACME SAS');
      assert.equal(created.key.expiresAt, '2031-01-15T09:00:00.000Z', 'Payline keys default to 365 days');
      assert.equal((created.key as unknown as Record<string, unknown>).secretHash, undefined);
      assert.equal((created.key as unknown as Record<string, unknown>).sealed, undefined);
    });

    it('gives pair-scheme keys no authorization header and bearer keys a Bearer one', async () => {
      const pair = await create({ serviceId: 'cegid-loop-standard' });
      assert.equal(pair.secret.authorization, undefined);
      const bearer = await create({ serviceId: 'ingeneo', permissions: ['payroll.read'], companies: ['ACME'] });
      assert.equal(bearer.secret.authorization, `Bearer ${bearer.secret.secret}`);
      assert.deepEqual(bearer.key.permissions, ['payroll.read']);
      assert.deepEqual(bearer.key.companies, ['ACME']);
    });

    it('refuses a disabled built-in service until it is enabled', async () => {
      const refused = await daemon.request('POST', '/v1/keys', { serviceId: 'cegid-loop-cabinet', environment: 'test', name: 'cab' });
      assert.equal(refused.status, 400);
      assert.match(refused.body.error.details.serviceId, /disabled \(requires a Cabinet subscription\)/);
      assert.equal((await daemon.request('PATCH', '/v1/services/cegid-loop-cabinet', { enabled: true })).status, 200);
      const created = await create({ serviceId: 'cegid-loop-cabinet' });
      assert.match(created.secret.secret, /^loopcab_test_/);
    });
  });

  describe('GET /v1/keys/:id and PATCH', () => {
    it('reads one key and 404s an unknown id', async () => {
      const { key } = await create({});
      assert.deepEqual((await daemon.request('GET', `/v1/keys/${key.id}`)).body, key);
      const missing = await daemon.request('GET', '/v1/keys/key_nope');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'NOT_FOUND');
    });

    it('renames, changes dates and restrictions, and clears the expiry with null', async () => {
      const { key } = await create({ serviceId: 'ingeneo', expiresAt: '2030-06-01' });
      const patched = await daemon.request<KeyView>('PATCH', `/v1/keys/${key.id}`, {
        name: '  Paie\u0301 export ',
        permissions: ['payroll.read'],
        ipAllowList: ['10.0.0.0/8'],
        organization: 'Org',
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.name, 'Paié export', 'trimmed and NFC-normalised');
      assert.deepEqual(patched.body.ipAllowList, ['10.0.0.0/8']);
      const cleared = await daemon.request<KeyView>('PATCH', `/v1/keys/${key.id}`, { expiresAt: null, organization: null });
      assert.equal(cleared.body.expiresAt, undefined);
      assert.equal(cleared.body.organization, undefined);
    });

    it('refuses a start date after the existing expiry', async () => {
      const { key } = await create({ expiresAt: '2030-06-01T00:00:00Z' });
      const refused = await daemon.request('PATCH', `/v1/keys/${key.id}`, { startsAt: '2030-07-01T00:00:00Z' });
      assert.equal(refused.status, 400);
      assert.match(refused.body.error.details.startsAt, /expiresAt must be after startsAt/);
    });

    it('refuses to change a revoked key', async () => {
      const { key } = await create({});
      await daemon.request('POST', `/v1/keys/${key.id}/revoke`);
      const refused = await daemon.request('PATCH', `/v1/keys/${key.id}`, { name: 'x' });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'KEY_REVOKED');
    });
  });

  describe('state transitions', () => {
    it('deactivates, reactivates and revokes; revoked is final', async () => {
      const { key } = await create({});
      const step = async (action: string, status: number) => {
        const response = await daemon.request('POST', `/v1/keys/${key.id}/${action}`);
        assert.equal(response.status, status, `${action}: ${response.text}`);
        return response.body;
      };
      assert.equal((await step('deactivate', 200)).state, 'inactive');
      assert.equal((await step('deactivate', 200)).state, 'inactive', 'repeating is harmless');
      assert.equal((await step('reactivate', 200)).state, 'active');
      const revoked = await step('revoke', 200);
      assert.equal(revoked.state, 'revoked');
      assert.equal(revoked.revokedAt, '2030-01-15T09:00:00.000Z');
      assert.equal((await step('reactivate', 409)).error.code, 'KEY_REVOKED');
      assert.equal((await step('deactivate', 409)).error.code, 'KEY_REVOKED');
      assert.equal((await step('revoke', 200)).state, 'revoked');
    });

    it('derives scheduled and expired from the dates as the clock moves', async () => {
      const { key } = await create({ startsAt: '2030-02-01T00:00:00Z', expiresAt: '2030-03-01T00:00:00Z' });
      const state = async () => (await daemon.request<KeyView>('GET', `/v1/keys/${key.id}`)).body.state;
      assert.equal(await state(), 'scheduled');
      clock.set('2030-02-15T00:00:00Z');
      assert.equal(await state(), 'active');
      clock.set('2030-03-01T00:00:00Z');
      assert.equal(await state(), 'expired');
    });

    it('deletes only revoked keys', async () => {
      const { key } = await create({});
      const refused = await daemon.request('DELETE', `/v1/keys/${key.id}`);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'KEY_NOT_REVOKED');
      await daemon.request('POST', `/v1/keys/${key.id}/revoke`);
      assert.equal((await daemon.request('DELETE', `/v1/keys/${key.id}`)).status, 204);
      assert.equal((await daemon.request('GET', `/v1/keys/${key.id}`)).status, 404);
    });
  });

  describe('POST /v1/keys/:id/regenerate', () => {
    it('creates a successor with the same settings and revokes the old key at once', async () => {
      const old = await create({
        serviceId: 'ingeneo',
        environment: 'production',
        name: 'Welyb',
        permissions: ['payroll.read'],
        companies: ['ACME'],
        ipAllowList: ['10.0.0.0/8'],
        organization: 'Org',
      });
      const response = await daemon.request('POST', `/v1/keys/${old.key.id}/regenerate`);
      assert.equal(response.status, 201, response.text);
      const { key, secret, previous } = response.body;
      assert.notEqual(secret.secret, old.secret.secret);
      for (const field of ['serviceId', 'environment', 'name', 'permissions', 'companies', 'ipAllowList', 'organization']) {
        assert.deepEqual(key[field], (old.key as unknown as Record<string, unknown>)[field], field);
      }
      assert.equal(key.rotatedFrom, old.key.id);
      assert.equal(previous.rotatedTo, key.id);
      assert.equal(previous.state, 'revoked');
      const verifyOld = await daemon.request('POST', '/v1/verify', { key: old.secret.secret, company: 'ACME', clientIp: '10.0.0.1' });
      assert.equal(verifyOld.body.code, 'REVOKED');
      const verifyNew = await daemon.request('POST', '/v1/verify', { key: secret.secret, company: 'ACME', clientIp: '10.0.0.1' });
      assert.equal(verifyNew.body.valid, true);
    });

    it('keeps the old key valid until graceUntil, then counts it as revoked', async () => {
      const old = await create({});
      const response = await daemon.request('POST', `/v1/keys/${old.key.id}/regenerate`, { graceSeconds: 3600 });
      assert.equal(response.body.previous.graceUntil, '2030-01-15T10:00:00.000Z');
      assert.equal(response.body.previous.state, 'active');
      assert.equal((await daemon.request('POST', '/v1/verify', { key: old.secret.secret })).body.valid, true);
      clock.advance(HOUR);
      assert.equal((await daemon.request('POST', '/v1/verify', { key: old.secret.secret })).body.code, 'REVOKED');
      assert.equal((await daemon.request('GET', `/v1/keys/${old.key.id}`)).body.state, 'revoked');
      assert.equal((await daemon.request('DELETE', `/v1/keys/${old.key.id}`)).status, 204, 'a key past its grace counts as revoked');
    });

    it('refuses graceSeconds outside 0..86400, revoked keys and keys already regenerated', async () => {
      const old = await create({});
      for (const graceSeconds of [-1, 86_401, 1.5, '60']) {
        const refused = await daemon.request('POST', `/v1/keys/${old.key.id}/regenerate`, { graceSeconds });
        assert.equal(refused.status, 400);
        assert.match(refused.body.error.details.graceSeconds, /0 to 86400/);
      }
      assert.equal((await daemon.request('POST', `/v1/keys/${old.key.id}/regenerate`, { graceSeconds: 60 })).status, 201);
      const again = await daemon.request('POST', `/v1/keys/${old.key.id}/regenerate`);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'ALREADY_ROTATED');
      const other = await create({});
      await daemon.request('POST', `/v1/keys/${other.key.id}/revoke`);
      assert.equal((await daemon.request('POST', `/v1/keys/${other.key.id}/regenerate`)).body.error.code, 'KEY_REVOKED');
    });
  });

  describe('POST /v1/keys/:id/reveal', () => {
    it('shows a test key again, with its authorization header, and audits the reveal', async () => {
      const created = await create({ serviceId: 'payline', environment: 'test' });
      assert.equal(created.key.retrievable, true);
      const revealed = await daemon.request('POST', `/v1/keys/${created.key.id}/reveal`);
      assert.equal(revealed.status, 200);
      assert.deepEqual(revealed.body.secret, created.secret);
      const audit = await daemon.request('GET', `/v1/audit?keyId=${created.key.id}`);
      assert.equal(audit.body.items[0].action, 'key.revealed');
      assert.equal(audit.body.items[0].actor, 'tester');
    });

    it('answers 409 NOT_RETRIEVABLE for a production key generated here', async () => {
      const created = await create({ environment: 'production' });
      const refused = await daemon.request('POST', `/v1/keys/${created.key.id}/reveal`);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'NOT_RETRIEVABLE');
    });

    it('answers 409 KEY_REVOKED for a revoked test key, and audits no reveal', async () => {
      const created = await create({ serviceId: 'payline', environment: 'test' });
      await daemon.request('POST', `/v1/keys/${created.key.id}/revoke`);
      const refused = await daemon.request('POST', `/v1/keys/${created.key.id}/reveal`);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'KEY_REVOKED');
      assert.equal(refused.text.includes(created.secret.secret), false);
      const audit = await daemon.request('GET', `/v1/audit?keyId=${created.key.id}`);
      assert.equal(
        audit.body.items.some((event: { action: string }) => event.action === 'key.revealed'),
        false,
      );
    });
  });

  describe('POST /v1/keys/import', () => {
    it('stores an outside production key sealed and retrievable, and verifies it', async () => {
      const response = await daemon.request('POST', '/v1/keys/import', {
        serviceId: 'payline',
        environment: 'production',
        name: 'From Payline',
        secret: 'PaylineGivenKey123qV8',
        reference: '12345678901234',
      });
      assert.equal(response.status, 201, response.text);
      const key: KeyView = response.body.key;
      assert.equal(key.origin, 'imported');
      assert.equal(key.retrievable, true);
      assert.equal(key.masked, '****3qV8');
      assert.equal(key.reference, '12345678901234');
      assert.equal(response.text.includes('PaylineGivenKey123qV8'), false, 'the import answer does not echo the secret');
      const revealed = await daemon.request('POST', `/v1/keys/${key.id}/reveal`);
      assert.equal(revealed.body.secret.secret, 'PaylineGivenKey123qV8');
      const authorization = `Basic ${Buffer.from('12345678901234:PaylineGivenKey123qV8').toString('base64')}`;
      assert.equal(revealed.body.secret.authorization, authorization);
      assert.equal((await daemon.request('POST', '/v1/verify', { authorization })).body.valid, true);
    });

    it('stores a secret imported by concurrent requests only once', async () => {
      const body = { serviceId: 'cloudmc', environment: 'test', name: 'race', secret: 'cloudmc-raced-secret-1' };
      const statuses = (await Promise.all(Array.from({ length: 10 }, () => daemon.request('POST', '/v1/keys/import', body)))).map(
        (r) => r.status,
      );
      assert.deepEqual(statuses.sort(), [201, ...Array(9).fill(409)]);
      assert.equal((await daemon.request('GET', '/v1/keys?q=race')).body.total, 1);
    });

    it('refuses the same secret twice', async () => {
      const body = { serviceId: 'cloudmc', environment: 'test', name: 'a', secret: 'cloudmc-secret-1234' };
      assert.equal((await daemon.request('POST', '/v1/keys/import', body)).status, 201);
      const again = await daemon.request('POST', '/v1/keys/import', { ...body, name: 'b' });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'DUPLICATE_SECRET');
    });
  });
});
