// Request bodies that are not what the API accepts, sent to every endpoint that takes one: each gets a
// clear 4xx in the API's error shape, nothing is stored or changed, and the daemon keeps serving.
import assert from 'node:assert/strict';
import { createKey, expectStillServing } from './support/api';
import { expectApiError } from './support/expectations';
import { describeAnswer, send, type Target } from '../support/http';
import { useTestDaemon } from '../support/hooks';

const BODY_LIMIT = 64 * 1024;

/** What must not change when a request is refused. */
async function snapshot(target: Target, keyId: string): Promise<string> {
  const keys = await send(target, 'GET', '/v1/keys?pageSize=100&sort=createdAt&order=asc');
  const services = await send(target, 'GET', '/v1/services');
  const key = await send(target, 'GET', `/v1/keys/${keyId}`);
  const { lastUsedAt: _a, lastUsedIp: _b, useCount: _c, ...keyWithoutUse } = key.body;
  return JSON.stringify({
    total: keys.body.total,
    ids: keys.body.items.map((k: { id: string }) => k.id),
    services: services.body,
    key: keyWithoutUse,
  });
}

describe('reliability: bad request bodies', function () {
  const daemon = useTestDaemon({ defaults: 'daemon' });
  let keyId: string;
  let endpoints: Array<[method: string, path: string]>;

  before(async function () {
    keyId = (await createKey(daemon, { name: 'bystander' })).key.id;
    endpoints = [
      ['POST', '/v1/keys'],
      ['POST', '/v1/keys/import'],
      ['PATCH', `/v1/keys/${keyId}`],
      ['POST', `/v1/keys/${keyId}/regenerate`],
      ['POST', `/v1/keys/${keyId}/deactivate`],
      ['POST', `/v1/keys/${keyId}/reactivate`],
      ['POST', `/v1/keys/${keyId}/reveal`],
      ['POST', `/v1/keys/${keyId}/revoke`],
      ['POST', '/v1/services'],
      ['PATCH', '/v1/services/ingeneo'],
      ['POST', '/v1/tokens'],
      ['POST', '/v1/inject'],
      ['POST', '/v1/inject/preview'],
    ];
  });

  async function expectRefusedEverywhere(label: string, status: number, raw: string | Buffer, contentType?: string) {
    const before = await snapshot(daemon, keyId);
    const accepted: string[] = [];
    for (const [method, path] of endpoints) {
      const answer = await send(daemon, method, path, { raw, contentType });
      if (answer.status !== status) accepted.push(`${method} ${path.replace(keyId, ':id')} -> ${describeAnswer(answer)}`);
      else expectApiError(answer, status);
    }
    assert.deepEqual(accepted, [], `${label}: expected ${status} from every endpoint`);
    assert.equal(await snapshot(daemon, keyId), before, `${label} changed the store`);
    await expectStillServing(daemon);
  }

  it('answers 400 to malformed JSON', async function () {
    await expectRefusedEverywhere('malformed JSON', 400, '{"serviceId": "ingeneo", "name": ');
  });

  it('answers 400 to a bare JSON string body', async function () {
    await expectRefusedEverywhere('bare string', 400, '"hello"');
  });

  it('answers 400 to a null body', async function () {
    await expectRefusedEverywhere('null body', 400, 'null');
  });

  it('answers 400 to a JSON array body', async function () {
    await expectRefusedEverywhere('array body', 400, '[{"serviceId":"ingeneo"}]');
  });

  it('answers verify bodies that are JSON but not a verify request with 200 {valid:false, code:MALFORMED} (API.md: verify always answers 200)', async function () {
    for (const raw of [
      '"hello"',
      'null',
      '[{"key":"x"}]',
      '{}',
      '{"key":"a","authorization":"Bearer b"}',
      '{"key":42}',
      '{"key":"a","extra":1}',
    ]) {
      const answer = await send(daemon, 'POST', '/v1/verify', { raw });
      assert.equal(answer.status, 200, `verify ${raw}: ${describeAnswer(answer)}`);
      assert.deepEqual(answer.body, { valid: false, code: 'MALFORMED' }, `verify ${raw}`);
    }
    for (const [raw, status, contentType] of [
      ['{"key": ', 400],
      ['{"key":"x"}', 415, 'text/plain'],
      [JSON.stringify({ key: 'k'.repeat(BODY_LIMIT) }), 413],
    ] as const) {
      expectApiError(await send(daemon, 'POST', '/v1/verify', { raw, contentType }), status);
    }
    await expectStillServing(daemon);
  });

  it('answers 415 to text/plain, even when the text is valid JSON', async function () {
    await expectRefusedEverywhere(
      'text/plain',
      415,
      JSON.stringify({ serviceId: 'ingeneo', environment: 'test', name: 'x' }),
      'text/plain',
    );
  });

  it('answers 413 to a body over 64 KiB', async function () {
    const padding = 'a'.repeat(BODY_LIMIT);
    await expectRefusedEverywhere('65 KiB body', 413, JSON.stringify({ serviceId: 'ingeneo', environment: 'test', name: padding }));
  });

  it('answers 413 to a chunked body over 64 KiB sent without a Content-Length', async function () {
    const before = await snapshot(daemon, keyId);
    const raw = JSON.stringify({ serviceId: 'ingeneo', environment: 'test', name: 'c'.repeat(BODY_LIMIT + 1024) });
    for (const path of ['/v1/keys', '/v1/verify']) {
      expectApiError(await send(daemon, 'POST', path, { raw, chunked: true }), 413);
    }
    assert.equal(await snapshot(daemon, keyId), before);
    await expectStillServing(daemon);
  });

  it('answers 400 to JSON nested 10,000 deep (arrays and objects), without a stack overflow', async function () {
    const deepArray = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const deepObject = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    for (const nested of [deepArray, deepObject]) {
      const raw = `{"serviceId":"ingeneo","environment":"test","name":"deep","permissions":${nested}}`;
      assert.ok(raw.length < BODY_LIMIT);
      await expectRefusedEverywhere('deeply nested JSON', 400, raw);
      const verify = await send(daemon, 'POST', '/v1/verify', { raw: `{"key":${nested}}` });
      assert.ok(
        verify.status === 400 || (verify.status === 200 && verify.body.valid === false),
        `verify of nested JSON: ${describeAnswer(verify)}`,
      );
    }
    assert.ok(!daemon.logs.some((line) => /RangeError|call stack/i.test(line)), 'a stack overflow reached the log');
  });

  it('reads a body just under 64 KiB (and refuses it for its content, not its size)', async function () {
    const name = 'n'.repeat(BODY_LIMIT - 200);
    const answer = await send(daemon, 'POST', '/v1/keys', { json: { serviceId: 'ingeneo', environment: 'test', name } });
    expectApiError(answer, 400);
  });

  it('answers 400 to __proto__ and constructor keys, at the top and nested, and pollutes nothing', async function () {
    const bodies = [
      '{"__proto__": {"polluted": true}, "serviceId": "ingeneo", "environment": "test", "name": "p1"}',
      '{"constructor": {"prototype": {"polluted": true}}, "serviceId": "ingeneo", "environment": "test", "name": "p2"}',
      '{"serviceId": "ingeneo", "environment": "test", "name": "p3", "inject": [{"__proto__": {"polluted": true}, "file": ".env", "path": "K", "value": "secret"}]}',
      '{"serviceId": "ingeneo", "environment": "test", "name": "p4", "permissions": {"constructor": {"prototype": {"polluted": true}}}}',
    ];
    for (const raw of bodies) await expectRefusedEverywhere(`prototype keys ${raw.slice(0, 40)}`, 400, raw);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
  });
});
