// Field values a person or a script can get wrong: each is refused with a 400 whose details name the
// field, nothing is stored, and the daemon keeps serving. Names are NFC-normalised (the same name typed
// on macOS and Linux is one name) and refused when they hide bidi overrides or zero-width characters.
import assert from 'node:assert/strict';
import type { KeyCreate } from '../../daemon/protocol';
import { countKeys, createKey, DISABLED_SERVICE, expectStillServing, validKeyBody } from './support/api';
import { expectApiError, expectFieldRefused } from './support/expectations';
import { send } from '../support/http';
import { useTestDaemon } from '../support/hooks';

type Case = [label: string, body: Record<string, unknown>, field: string];

const refusedCreates: Case[] = [
  ['an empty name', { name: '' }, 'name'],
  ['a name of spaces only', { name: '   ' }, 'name'],
  ['a name of 10,000 characters', { name: 'n'.repeat(10_000) }, 'name'],
  ['a name with a right-to-left override', { name: 'invoice\u202Etxt.exe' }, 'name'],
  ['a name with a zero-width space', { name: 'pay\u200Bline' }, 'name'],
  ['a name with a zero-width joiner', { name: 'pay\u200Dline' }, 'name'],
  ['a name with a byte-order mark inside', { name: 'pay\uFEFFline' }, 'name'],
  ['a name with a word joiner', { name: 'pay\u2060line' }, 'name'],
  ['a name with a left-to-right isolate', { name: '\u2066payline' }, 'name'],
  ['a name with a newline', { name: 'two\nlines' }, 'name'],
  ['a name that is not a string', { name: 42 }, 'name'],
  ['a start date that does not parse', { startsAt: 'next tuesday' }, 'startsAt'],
  ['an impossible calendar date', { startsAt: '2026-02-30' }, 'startsAt'],
  ['an end date that does not parse', { expiresAt: '2026-13-01' }, 'expiresAt'],
  ['an end before the start', { startsAt: '2027-06-01T00:00:00Z', expiresAt: '2027-05-31T23:59:59Z' }, 'expiresAt'],
  ['an end equal to the start', { startsAt: '2027-06-01T00:00:00Z', expiresAt: '2027-06-01T00:00:00Z' }, 'expiresAt'],
  ['an end in year 10000', { expiresAt: '+010000-01-01T00:00:00Z' }, 'expiresAt'],
  ['an end in year 10000 written plainly', { expiresAt: '10000-01-01' }, 'expiresAt'],
  ['an unknown service', { serviceId: 'no-such-service' }, 'serviceId'],
  ['a disabled service', { serviceId: DISABLED_SERVICE }, 'serviceId'],
  ['an unknown environment', { environment: 'staging' }, 'environment'],
  ['a permission the service does not offer', { permissions: ['employees.read', 'employees.delete'] }, 'permissions'],
  ['a permission that is not a string', { permissions: [{ method: 'employees.read' }] }, 'permissions'],
  ['a permission list of 3,000 entries', { permissions: Array.from({ length: 3000 }, (_, i) => `method${i}.read`) }, 'permissions'],
  ['an address that is not an IP', { ipAllowList: ['not-an-ip'] }, 'ipAllowList'],
  ['an IPv4 CIDR prefix over 32', { ipAllowList: ['10.0.0.0/33'] }, 'ipAllowList'],
  ['an IPv4 address with an octet over 255', { ipAllowList: ['10.0.0.256'] }, 'ipAllowList'],
  ['an IPv6 CIDR prefix over 128', { ipAllowList: ['2001:db8::/129'] }, 'ipAllowList'],
  ['a CIDR with two prefixes', { ipAllowList: ['10.0.0.0/8/16'] }, 'ipAllowList'],
  ['an unknown field', { owner: 'mallory' }, 'owner'],
];

describe('reliability: bad field values', function () {
  const daemon = useTestDaemon({ defaults: 'daemon' });

  for (const [label, overrides, field] of refusedCreates) {
    it(`refuses a key with ${label}, naming ${field}, storing nothing`, async function () {
      const before = await countKeys(daemon);
      const answer = await send(daemon, 'POST', '/v1/keys', { json: { ...validKeyBody(), ...overrides } });
      expectFieldRefused(answer, field);
      assert.equal(await countKeys(daemon), before, 'a refused create stored a key');
      await expectStillServing(daemon);
    });
  }

  it('refuses a 100 KB permission list with 413, storing nothing', async function () {
    const before = await countKeys(daemon);
    const permissions = Array.from({ length: 6000 }, (_, i) => `employees.read${i}`);
    const body = { ...validKeyBody(), permissions };
    assert.ok(JSON.stringify(body).length > 100_000);
    expectApiError(await send(daemon, 'POST', '/v1/keys', { json: body }), 413);
    assert.equal(await countKeys(daemon), before);
    await expectStillServing(daemon);
  });

  it('stores names that differ only in NFC/NFD as the same NFC name', async function () {
    const composed = 'Caf\u00e9 cr\u00e8me'; // é and è precomposed (NFC)
    const decomposed = composed.normalize('NFD');
    assert.notEqual(composed, decomposed);
    const first = await createKey(daemon, { name: composed });
    const second = await createKey(daemon, { name: decomposed });
    assert.equal(first.key.name, composed);
    assert.equal(second.key.name, composed, 'the NFD name was stored as typed, not normalised');
    const found = await send(daemon, 'GET', `/v1/keys?q=${encodeURIComponent(decomposed)}&pageSize=100`);
    const ids = found.body.items.map((k: { id: string }) => k.id);
    assert.ok(ids.includes(first.key.id) && ids.includes(second.key.id), 'searching by the NFD name finds both keys');
  });

  it('stores a name with surrounding spaces or a leading byte-order mark trimmed', async function () {
    assert.equal((await createKey(daemon, { name: '  padded  ' })).key.name, 'padded');
    assert.equal((await createKey(daemon, { name: '\uFEFFpasted from a file' })).key.name, 'pasted from a file');
  });

  it('refuses a rename to a name with a bidi override or zero-width character, keeping the old name', async function () {
    const { key } = await createKey(daemon, { name: 'clean name' });
    for (const name of ['evil\u202Egnp.exe', 'zero\u200Bwidth', '\u2066isolate\u2069', '']) {
      expectFieldRefused(await send(daemon, 'PATCH', `/v1/keys/${key.id}`, { json: { name } }), 'name');
    }
    assert.equal((await send(daemon, 'GET', `/v1/keys/${key.id}`)).body.name, 'clean name');
  });

  it('refuses a PATCH moving the end before the stored start, changing nothing', async function () {
    const { key } = await createKey(daemon, { startsAt: '2027-01-01T00:00:00Z', expiresAt: '2028-01-01T00:00:00Z' });
    expectFieldRefused(await send(daemon, 'PATCH', `/v1/keys/${key.id}`, { json: { expiresAt: '2026-06-01T00:00:00Z' } }), 'expiresAt');
    const after = (await send(daemon, 'GET', `/v1/keys/${key.id}`)).body;
    assert.equal(after.expiresAt, '2028-01-01T00:00:00.000Z');
  });

  it('refuses bad values on import, update and service creation too, naming the field', async function () {
    const { key } = await createKey(daemon, { name: 'target of patches' });
    const cases: Array<[string, string, Partial<KeyCreate> | Record<string, unknown>, string]> = [
      ['POST', '/v1/keys/import', { ...validKeyBody(), secret: '' }, 'secret'],
      ['POST', '/v1/keys/import', { ...validKeyBody(), name: 'x\u202Ey', secret: 'imported-secret-value-123' }, 'name'],
      ['PATCH', `/v1/keys/${key.id}`, { ipAllowList: ['300.1.1.1'] }, 'ipAllowList'],
      ['PATCH', `/v1/keys/${key.id}`, { permissions: ['payroll.delete'] }, 'permissions'],
      ['PATCH', `/v1/keys/${key.id}`, { startsAt: 'yesterday' }, 'startsAt'],
      ['POST', `/v1/keys/${key.id}/regenerate`, { graceSeconds: 86_401 }, 'graceSeconds'],
      ['POST', `/v1/keys/${key.id}/regenerate`, { graceSeconds: -1 }, 'graceSeconds'],
      ['POST', '/v1/services', { name: '', prefix: 'abc' }, 'name'],
      ['POST', '/v1/services', { name: 'Bad prefix', prefix: 'Has_Underscore' }, 'prefix'],
      ['POST', '/v1/tokens', { name: 'x', role: 'admin' }, 'role'],
    ];
    const before = await countKeys(daemon);
    const servicesBefore = (await send(daemon, 'GET', '/v1/services')).text;
    for (const [method, path, json, field] of cases) {
      expectFieldRefused(await send(daemon, method, path, { json }), field);
    }
    assert.equal(await countKeys(daemon), before);
    assert.equal((await send(daemon, 'GET', '/v1/services')).text, servicesBefore);
    const after = (await send(daemon, 'GET', `/v1/keys/${key.id}`)).body;
    assert.equal(after.status, 'active');
    assert.deepEqual(after.ipAllowList, []);
    await expectStillServing(daemon);
  });
});
