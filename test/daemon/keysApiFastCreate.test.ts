// POST /v1/keys is served ahead of Express (daemon/http/fastCreate.ts); any other spelling of the path,
// `/v1/keys/` here, still goes through Express to the same command. Each request below is sent both
// ways: the answers must be the same (status, headers, body), refusals and successes alike.
import { strict as assert } from 'node:assert';
import type { KeyCreated, TokenCreated } from '../../daemon/protocol';
import { send, type Answer, type SendOptions } from '../support/http';
import { useTestDaemon } from '../support/hooks';

const FAST = '/v1/keys';
const EXPRESS = '/v1/keys/';

/** Headers that differ between any two answers (the time) or name the key made (its length). */
const VARYING = new Set(['date', 'content-length']);
const headersOf = (answer: Answer) => Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !VARYING.has(name)));

describe('POST /v1/keys fast path', () => {
  const daemon = useTestDaemon();
  const both = async (options: SendOptions): Promise<[Answer, Answer]> => [
    await send(daemon, 'POST', FAST, options),
    await send(daemon, 'POST', EXPRESS, options),
  ];
  const sameRefusal = async (options: SendOptions, status: number, code: string) => {
    const [fast, viaExpress] = await both(options);
    assert.equal(viaExpress.status, status, viaExpress.text);
    assert.equal(viaExpress.body.error.code, code);
    assert.equal(fast.status, viaExpress.status, fast.text);
    assert.deepEqual(fast.body, viaExpress.body);
    assert.deepEqual(headersOf(fast), headersOf(viaExpress));
  };

  it('creates the same key both ways, with the same headers and fields', async () => {
    const json = { serviceId: 'ingeneo', environment: 'test', name: 'fast', permissions: ['payroll.read'], organization: 'ACME' };
    const [fast, viaExpress] = await both({ json });
    assert.equal(viaExpress.status, 201, viaExpress.text);
    assert.equal(fast.status, 201, fast.text);
    assert.deepEqual(headersOf(fast), headersOf(viaExpress));
    const created = [fast.body as KeyCreated, viaExpress.body as KeyCreated];
    const unique = new Set([
      'id',
      'reference',
      'masked',
      'hint',
      'secret',
      'authorization',
      'createdAt',
      'updatedAt',
      'startsAt',
      'expiresAt',
    ]);
    const shape = (value: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unique.has(k) ? typeof v : v]));
    assert.deepEqual(shape(created[0]!.key as never), shape(created[1]!.key as never));
    assert.deepEqual(shape(created[0]!.secret as never), shape(created[1]!.secret as never));
    assert.notEqual(created[0]!.key.id, created[1]!.key.id);
    // Both stored, each with its event.
    for (const { key } of created) {
      assert.equal((await daemon.request('GET', `/v1/keys/${key.id}`)).status, 200);
      const audit = await daemon.request('GET', `/v1/audit?keyId=${key.id}`);
      assert.deepEqual(
        audit.body.items.map((event: { action: string }) => event.action),
        ['key.created'],
      );
    }
  });

  it('refuses a missing, unknown or verify-only token the same way', async () => {
    const json = { serviceId: 'payline', environment: 'test', name: 'x' };
    await sameRefusal({ json, token: null }, 401, 'UNAUTHORIZED');
    await sameRefusal({ json, token: 'not-a-token' }, 401, 'UNAUTHORIZED');
    const verifyToken = (await daemon.request<TokenCreated>('POST', '/v1/tokens', { name: 'shop', role: 'verify' })).body.token;
    await sameRefusal({ json, token: verifyToken }, 403, 'FORBIDDEN_TOKEN');
  });

  it('refuses a foreign Host or an Origin the same way', async () => {
    const json = { serviceId: 'payline', environment: 'test', name: 'x' };
    await sameRefusal({ json, headers: { host: 'evil.example' } }, 403, 'FORBIDDEN_HOST');
    await sameRefusal({ json, headers: { origin: 'https://evil.example' } }, 403, 'FORBIDDEN_ORIGIN');
  });

  it('refuses bodies that are not JSON, too large, malformed or with forbidden keys the same way', async () => {
    await sameRefusal({ raw: 'name=x', contentType: 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await sameRefusal({ raw: '{"serviceId": ' }, 400, 'MALFORMED_JSON');
    await sameRefusal({ raw: '{"__proto__": {"x": 1}}' }, 400, 'FORBIDDEN_KEY');
    await sameRefusal({ raw: JSON.stringify({ name: 'x'.repeat(70_000) }) }, 413, 'PAYLOAD_TOO_LARGE');
    await sameRefusal({ raw: JSON.stringify({ name: 'x'.repeat(70_000) }), chunked: true }, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers invalid fields, no body, an unknown or a disabled service the same way', async () => {
    await sameRefusal({ json: { serviceId: 'payline', environment: 'staging', name: 'x', extra: 1 } }, 400, 'VALIDATION_FAILED');
    await sameRefusal({}, 400, 'VALIDATION_FAILED');
    await sameRefusal({ json: { serviceId: 'nope', environment: 'test', name: 'x' } }, 400, 'VALIDATION_FAILED');
    const disabled = await daemon.request('PATCH', '/v1/services/cloudmc', { enabled: false, disabledReason: 'contract ended' });
    assert.equal(disabled.status, 200, disabled.text);
    const [fast, viaExpress] = await both({ json: { serviceId: 'cloudmc', environment: 'test', name: 'x' } });
    assert.ok(viaExpress.status >= 400, viaExpress.text);
    assert.equal(fast.status, viaExpress.status);
    assert.deepEqual(fast.body, viaExpress.body);
  });
});
