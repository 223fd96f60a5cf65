import { strict as assert } from 'node:assert';
import { useTestDaemon } from '../support/hooks';

describe('request validation', () => {
  const daemon = useTestDaemon();

  const valid = { serviceId: 'ingeneo', environment: 'test', name: 'Payroll sync' };
  /** Posts a key with `change` applied and returns the 400's details. */
  const refusedFields = async (change: Record<string, unknown>, urlPath = '/v1/keys') => {
    const response = await daemon.request('POST', urlPath, { ...valid, ...change });
    assert.equal(response.status, 400, `${JSON.stringify(change).slice(0, 80)} -> ${response.text}`);
    assert.equal(response.body.error.code, 'VALIDATION_FAILED');
    assert.match(response.body.error.message, /not valid/);
    return response.body.error.details as Record<string, string>;
  };

  it('refuses names that are empty, too long, or hold control, zero-width or bidi characters', async () => {
    for (const name of [
      '',
      '   ',
      'x'.repeat(201),
      'tab\there',
      'line\nbreak',
      'zero\u200Bwidth',
      'rtl\u202Eoverride',
      'isolate\u2066x',
      'inner\uFEFFbom',
      7,
      null,
    ]) {
      const details = await refusedFields({ name });
      assert.ok(details.name, JSON.stringify(name));
    }
  });

  it('trims surrounding spaces and a pasted byte-order mark', async () => {
    assert.equal((await daemon.request('POST', '/v1/keys', { ...valid, name: '\uFEFF  padded \n' })).body.key.name, 'padded');
  });

  it('NFC-normalises names (é typed as e + combining accent is stored as one character)', async () => {
    const response = await daemon.request('POST', '/v1/keys', { ...valid, name: 'Cafe\u0301' });
    assert.equal(response.body.key.name, 'Caf\u00e9');
    assert.equal((await daemon.request('POST', '/v1/keys', { ...valid, name: 'x'.repeat(200) })).status, 201);
  });

  it('refuses dates that are not ISO 8601, past year 9999, impossible, or an expiry not after the start', async () => {
    for (const startsAt of [
      'tomorrow',
      '2030-13-01',
      '2030-02-30',
      '+012030-01-01T00:00:00Z',
      '10000-01-01',
      '2030-01-01T10:00:00',
      '1/2/2030',
      20300101,
    ]) {
      const details = await refusedFields({ startsAt });
      assert.match(details.startsAt!, /ISO 8601/, String(startsAt));
    }
    const details = await refusedFields({ startsAt: '2030-05-01T00:00:00Z', expiresAt: '2030-05-01T00:00:00Z' });
    assert.match(details.expiresAt!, /after startsAt/);
    assert.equal(
      (await daemon.request('POST', '/v1/keys', { ...valid, startsAt: '9999-12-30', expiresAt: '9999-12-31T23:59:59.999+00:00' })).status,
      201,
    );
  });

  it('refuses an unknown service, a disabled one, and a wrong environment', async () => {
    // Says what is wrong and where to look, without repeating the id it received (it may be a pasted secret).
    const unknown = (await refusedFields({ serviceId: 'nope' })).serviceId!;
    assert.match(unknown, /no service has this id; GET \/v1\/services lists the catalogue/);
    assert.doesNotMatch(unknown, /nope/);
    assert.match((await refusedFields({ serviceId: 'cegid-loop-cabinet' })).serviceId!, /disabled/);
    assert.match((await refusedFields({ environment: 'staging' })).environment!, /"test" or "production"/);
  });

  it('refuses permissions not in the service list, and companies where the service has none', async () => {
    const details = await refusedFields({ permissions: ['payroll.read', 'root.everything'] });
    assert.match(details.permissions!, /1 permission\(s\) not offered by INGENEO; accepted: employees.read/);
    assert.doesNotMatch(details.permissions!, /root\.everything/, 'the received value is counted, not repeated');
    const cloud = await refusedFields({ serviceId: 'cloudmc', permissions: ['anything'] });
    assert.match(cloud.permissions!, /has no method permissions/);
    const companies = await refusedFields({ serviceId: 'cloudmc', companies: ['ACME'] });
    assert.match(companies.companies!, /no company restrictions/);
  });

  it('refuses invalid IPs and CIDR ranges, naming the entry', async () => {
    const details = await refusedFields({ ipAllowList: ['10.0.0.1', '300.1.1.1', '10.0.0.0/33', 'fe80::/200'] });
    assert.deepEqual(Object.keys(details).sort(), ['ipAllowList.1', 'ipAllowList.2', 'ipAllowList.3']);
    assert.match(details['ipAllowList.2']!, /\/0 to \/32/);
  });

  it('caps lists at 100 entries', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `10.0.${Math.floor(i / 250)}.${i % 250}`);
    assert.match((await refusedFields({ ipAllowList: many })).ipAllowList!, /at most 100/);
    assert.match((await refusedFields({ companies: many.map((_, i) => `Co ${i}`) })).companies!, /at most 100/);
    assert.match(
      (await refusedFields({ inject: many.map(() => ({ file: '.env', path: 'K', value: 'secret' })), workspace: '/tmp' })).inject!,
      /at most 100/,
    );
  });

  it('refuses unknown fields and names them', async () => {
    const details = await refusedFields({ colour: 'red', secretHash: 'abc' });
    assert.match(details.colour!, /not a field/);
    assert.match(details.secretHash!, /not a field/);
  });

  it('refuses a body that is not an object', async () => {
    for (const raw of ['[]', '"text"', '42', 'null']) {
      const response = await daemon.request('POST', '/v1/keys', undefined, { raw, headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 400, raw);
      assert.equal(response.body.error.code, 'VALIDATION_FAILED');
    }
    const empty = await daemon.request('POST', '/v1/keys');
    assert.equal(empty.status, 400);
  });

  it('requires workspace (an absolute path) with inject, and relative target files', async () => {
    assert.match(
      (await refusedFields({ inject: [{ file: '.env', path: 'API_KEY', value: 'secret' }] })).workspace!,
      /required with inject/,
    );
    assert.match((await refusedFields({ workspace: 'relative/dir' })).workspace!, /absolute/);
    const target = await refusedFields({ workspace: '/tmp/ws', inject: [{ file: '/etc/passwd', path: 'X', value: 'hash' }] });
    assert.match(target['inject.0.file']!, /relative to the workspace/);
    assert.match(target['inject.0.value']!, /secret, reference, authorization, pair/);
  });

  it('validates imports: secret length and characters, reference', async () => {
    const details = await refusedFields({ secret: 'short' }, '/v1/keys/import');
    assert.match(details.secret!, /at least 8/);
    assert.match((await refusedFields({ secret: 'has a space in it' }, '/v1/keys/import')).secret!, /spaces or control/);
    assert.match((await refusedFields({}, '/v1/keys/import')).secret!, /secret/);
  });

  it('never echoes a refused value back (it may be a secret)', async () => {
    const marker = 'sk_live_SHOULD_NOT_ECHO_1234567890';
    const response = await daemon.request('POST', '/v1/keys/import', { ...valid, secret: `${marker} x`, startsAt: marker });
    assert.equal(response.status, 400);
    assert.ok(!response.text.includes(`${marker} x`), response.text);
  });

  it('refuses bodies on action endpoints that take none', async () => {
    const { body } = await daemon.request('POST', '/v1/keys', valid);
    const response = await daemon.request('POST', `/v1/keys/${body.key.id}/revoke`, { reason: 'x' });
    assert.equal(response.status, 400);
    assert.match(response.body.error.details.reason, /not a field/);
    for (const action of ['revoke', 'regenerate', 'reveal']) {
      const nullBody = await daemon.request('POST', `/v1/keys/${body.key.id}/${action}`, undefined, {
        raw: 'null',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(nullBody.status, 400, `${action} with a null body`);
    }
  });
});
