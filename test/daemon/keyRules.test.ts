import { strict as assert } from 'node:assert';
import { authorizationFor, parseAuthorization } from '../../daemon/keys/authorization';
import { allowListEntryProblem, compileAllowList } from '../../daemon/keys/ipAllowList';
import { deriveState, effectiveStatus, isRetrievable, nextStatus } from '../../daemon/keys/keyState';
import { retire } from '../../daemon/keys/rotation';
import { checkKey, type VerifiableKey } from '../../daemon/keys/verifyRules';
import { KeysmithError } from '../../daemon/errors';
import { statusOf } from '../../daemon/http/errorStatus';
import type { KeyRecord } from '../../daemon/store/types';

const at = (iso: string) => new Date(iso);
const baseKey: VerifiableKey = {
  status: 'active',
  startsAt: '2030-01-01T00:00:00.000Z',
  expiresAt: '2030-12-31T00:00:00.000Z',
  permissions: [],
  companies: [],
  ipAllowList: [],
};
const allowAll = (_clientIp: string) => true;

describe('key state rules', () => {
  it('derives scheduled before startsAt and expired from expiresAt on', () => {
    assert.equal(deriveState(baseKey, at('2029-12-31T23:59:59Z')), 'scheduled');
    assert.equal(deriveState(baseKey, at('2030-06-01T00:00:00Z')), 'active');
    assert.equal(deriveState(baseKey, at('2030-12-31T00:00:00Z')), 'expired');
  });

  it('keeps inactive and revoked over the dates', () => {
    assert.equal(deriveState({ ...baseKey, status: 'inactive' }, at('2031-06-01T00:00:00Z')), 'inactive');
    assert.equal(deriveState({ ...baseKey, status: 'revoked' }, at('2029-06-01T00:00:00Z')), 'revoked');
  });

  it('counts a rotated key as revoked once its grace period is over', () => {
    const inGrace = { ...baseKey, graceUntil: '2030-06-01T01:00:00.000Z' };
    assert.equal(effectiveStatus(inGrace, at('2030-06-01T00:59:59Z')), 'active');
    assert.equal(effectiveStatus(inGrace, at('2030-06-01T01:00:00Z')), 'revoked');
  });

  it('allows active <-> inactive, makes revoked final, and treats a repeat as a no-op target', () => {
    const now = at('2030-06-01T00:00:00Z');
    assert.equal(nextStatus(baseKey, 'deactivate', now), 'inactive');
    assert.equal(nextStatus({ ...baseKey, status: 'inactive' }, 'reactivate', now), 'active');
    assert.equal(nextStatus(baseKey, 'revoke', now), 'revoked');
    assert.equal(nextStatus({ ...baseKey, status: 'revoked' }, 'revoke', now), 'revoked');
    for (const transition of ['reactivate', 'deactivate'] as const) {
      assert.throws(
        () => nextStatus({ ...baseKey, status: 'revoked' }, transition, now),
        (error: unknown) => error instanceof KeysmithError && statusOf(error) === 409 && error.code === 'KEY_REVOKED',
      );
    }
  });

  it('makes test-environment and imported keys retrievable, generated production keys never', () => {
    assert.equal(isRetrievable({ environment: 'test', origin: 'generated' }), true);
    assert.equal(isRetrievable({ environment: 'production', origin: 'imported' }), true);
    assert.equal(isRetrievable({ environment: 'production', origin: 'generated' }), false);
  });

  it('retires an old key at once, or after the grace period', () => {
    const now = at('2030-06-01T00:00:00Z');
    const old = baseKey as KeyRecord;
    assert.deepEqual(retire(old, 'key_new', 0, now), {
      rotatedTo: 'key_new',
      status: 'revoked',
      revokedAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    assert.equal(retire(old, 'key_new', 3600, now).graceUntil, '2030-06-01T01:00:00.000Z');
    assert.equal(retire(old, 'key_new', 3600, now).status, undefined);
  });
});

describe('verify rules', () => {
  const now = at('2030-06-01T00:00:00Z');
  const check = (
    key: Partial<VerifiableKey>,
    request: { method?: string; company?: string; clientIp?: string } = {},
    ipAllowed = allowAll,
  ) => checkKey({ ...baseKey, ...key }, { ...request, now, ipAllowed });

  it('returns the code of the first failing rule', () => {
    assert.equal(check({}), undefined);
    assert.equal(check({ status: 'revoked' }), 'REVOKED');
    assert.equal(check({ status: 'inactive' }), 'INACTIVE');
    assert.equal(check({ startsAt: '2031-01-01T00:00:00Z' }), 'NOT_YET_VALID');
    assert.equal(check({ expiresAt: '2030-05-01T00:00:00Z' }), 'EXPIRED');
  });

  it('checks an asked method against the granted permissions', () => {
    assert.equal(check({ permissions: ['payroll.read'] }, { method: 'payroll.read' }), undefined);
    assert.equal(check({ permissions: ['payroll.read'] }, { method: 'payroll.write' }), 'FORBIDDEN_METHOD');
    assert.equal(check({ permissions: [] }, { method: 'anything' }), undefined);
  });

  it('requires a listed company when the key is restricted to companies', () => {
    assert.equal(check({ companies: ['ACME'] }, { company: 'ACME' }), undefined);
    assert.equal(check({ companies: ['ACME'] }, { company: 'Globex' }), 'FORBIDDEN_COMPANY');
    assert.equal(check({ companies: ['ACME'] }), 'FORBIDDEN_COMPANY');
  });

  it('requires an allowed client IP when the key has an allow-list', () => {
    const list = ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7'];
    const allowed = compileAllowList(list);
    assert.equal(check({ ipAllowList: list }, { clientIp: '10.1.2.3' }, allowed), undefined);
    assert.equal(check({ ipAllowList: list }, { clientIp: '11.1.2.3' }, allowed), 'IP_NOT_ALLOWED');
    assert.equal(check({ ipAllowList: list }, {}, allowed), 'IP_NOT_ALLOWED');
  });
});

describe('IP allow-lists', () => {
  it('matches addresses, CIDR ranges and IPv4-mapped IPv6', () => {
    const allowed = compileAllowList(['10.0.0.0/8', '2001:db8::/32', '203.0.113.7', '::ffff:192.0.2.1']);
    assert.ok(allowed('10.255.0.1'));
    assert.ok(allowed('::ffff:10.0.0.1'));
    assert.ok(allowed('2001:db8:1::5'));
    assert.ok(allowed('203.0.113.7'));
    assert.ok(allowed('192.0.2.1'));
    assert.ok(!allowed('203.0.113.8'));
    assert.ok(!allowed('2001:db9::1'));
    assert.ok(!allowed('not an ip'));
  });

  it('explains entries that are not addresses or have a bad prefix', () => {
    assert.equal(allowListEntryProblem('10.0.0.0/8'), undefined);
    assert.equal(allowListEntryProblem('::1'), undefined);
    assert.match(allowListEntryProblem('10.0.0.0/33')!, /IPv4 accepts \/0 to \/32/);
    assert.match(allowListEntryProblem('2001:db8::/129')!, /IPv6 accepts \/0 to \/128/);
    assert.match(allowListEntryProblem('example.com')!, /not an IP address or CIDR range/);
    assert.match(allowListEntryProblem('10.0.0.1/8/2')!, /not an IP address/);
  });
});

describe('authorization headers', () => {
  it('builds Basic base64(reference:secret), Bearer secret, and none for pair', () => {
    assert.equal(authorizationFor('basic', 'ref', 'sec'), `Basic ${Buffer.from('ref:sec').toString('base64')}`);
    assert.equal(authorizationFor('bearer', 'ref', 'sec'), 'Bearer sec');
    assert.equal(authorizationFor('pair', 'ref', 'sec'), undefined);
  });

  it('reads secrets back out of headers and flags odd ones', () => {
    assert.deepEqual(parseAuthorization(`Basic ${Buffer.from('ref:se:c').toString('base64')}`), { reference: 'ref', secret: 'se:c' });
    assert.deepEqual(parseAuthorization('Bearer abc'), { secret: 'abc' });
    for (const odd of ['Bearer', 'Bearer ', 'Token abc', 'Basic !!!', `Basic ${Buffer.from('nocolon').toString('base64')}`]) {
      assert.deepEqual(parseAuthorization(odd), { malformed: true }, odd);
    }
  });
});
