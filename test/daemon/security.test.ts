import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { startTestDaemon, type TestDaemon } from '../helpers/testDaemon';

describe('security at the edge', () => {
  let daemon: TestDaemon;
  let sandbox: sinon.SinonSandbox;
  before(async () => {
    daemon = await startTestDaemon();
  });
  after(async () => {
    await daemon.stop();
  });
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => {
    sandbox.restore();
  });

  // Both the Express app and the verify fast path must refuse the same requests the same way.
  const paths: Array<[string, string, unknown]> = [['GET', '/v1/keys', undefined], ['POST', '/v1/verify', { key: 'abc-abc-abc' }]];

  it('listens on 127.0.0.1 only', () => {
    const address = daemon.server.server.address();
    assert.ok(address && typeof address === 'object');
    assert.equal(address.address, '127.0.0.1');
  });

  it('answers 403 to a Host other than 127.0.0.1:<port> or localhost:<port> (DNS rebinding)', async () => {
    for (const [method, urlPath, body] of paths) {
      for (const host of ['evil.example', `evil.example:${daemon.port}`, '127.0.0.1', `127.0.0.1:${daemon.port + 1}`, `[::1]:${daemon.port}`]) {
        const response = await daemon.request(method, urlPath, body, { headers: { host } });
        assert.equal(response.status, 403, `${urlPath} Host ${host}`);
        assert.equal(response.body.error.code, 'FORBIDDEN_HOST');
      }
      const localhost = await daemon.request(method, urlPath, body, { headers: { host: `localhost:${daemon.port}` } });
      assert.equal(localhost.status, 200);
    }
    const health = await daemon.request('GET', '/v1/health', undefined, { token: null, headers: { host: 'evil.example' } });
    assert.equal(health.status, 403, 'even the public health endpoint');
  });

  it('answers 403 to any request carrying an Origin header, and never sends CORS headers', async () => {
    for (const [method, urlPath, body] of paths) {
      for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${daemon.port}`]) {
        const response = await daemon.request(method, urlPath, body, { headers: { origin } });
        assert.equal(response.status, 403, `${urlPath} Origin ${origin}`);
        assert.equal(response.body.error.code, 'FORBIDDEN_ORIGIN');
        assert.ok(Object.keys(response.headers).every((name) => !name.startsWith('access-control-')));
      }
    }
    const preflight = await daemon.request('OPTIONS', '/v1/keys', undefined, { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 403);
    assert.ok(Object.keys(preflight.headers).every((name) => !name.startsWith('access-control-')));
  });

  it('answers 401 to missing, wrong or odd bearer tokens', async () => {
    for (const [method, urlPath, body] of paths) {
      const variants: Array<Record<string, string>> = [
        {}, { authorization: `Bearer ${daemon.token}x` }, { authorization: `bearer ${daemon.token}` },
        { authorization: `Bearer  ${daemon.token}` }, { authorization: 'Bearer' }, { authorization: `Basic ${daemon.token}` },
        { authorization: `Bearer ${'a'.repeat(5000)}` }, { authorization: `Bearer ${daemon.token.slice(0, -1)}` },
      ];
      for (const headers of variants) {
        const response = await daemon.request(method, urlPath, body, { token: null, headers });
        assert.equal(response.status, 401, `${urlPath} ${JSON.stringify(headers).slice(0, 60)}`);
        assert.equal(response.body.error.code, 'UNAUTHORIZED');
      }
    }
    assert.equal((await daemon.request('GET', '/v1/health', undefined, { token: null })).status, 200);
  });

  it('accepts only JSON bodies (415 otherwise) up to 64 KiB (413 beyond)', async () => {
    for (const [method, urlPath] of [['POST', '/v1/keys'], ['POST', '/v1/verify']] as const) {
      const form = await daemon.request(method, urlPath, undefined, { raw: 'key=abc', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(form.status, 415, urlPath);
      const untyped = await daemon.request(method, urlPath, undefined, { raw: '{"key":"abc"}' });
      assert.equal(untyped.status, 415, urlPath);
      const big = JSON.stringify({ name: 'x'.repeat(70 * 1024) });
      const tooLarge = await daemon.request(method, urlPath, undefined, { raw: big, headers: { 'content-type': 'application/json' } });
      assert.equal(tooLarge.status, 413, urlPath);
      assert.equal(tooLarge.body.error.code, 'PAYLOAD_TOO_LARGE');
      // Without a Content-Length the limit is enforced while reading.
      const chunked = await daemon.request(method, urlPath, undefined, {
        raw: big, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      assert.equal(chunked.status, 413, `${urlPath} chunked`);
    }
  });

  it('answers 400 to malformed JSON', async () => {
    for (const urlPath of ['/v1/keys', '/v1/verify']) {
      const response = await daemon.request('POST', urlPath, undefined, { raw: '{"name": ', headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 400, urlPath);
      assert.equal(response.body.error.code, 'MALFORMED_JSON');
    }
  });

  it('refuses __proto__, constructor and prototype keys at any depth, however they are spelled', async () => {
    const bodies = [
      '{"__proto__": {"admin": true}}',
      '{"serviceId": "cloudmc", "nested": {"deep": [{"constructor": {"prototype": {}}}]}}',
      '{"\\u005f_proto__": {}}',
      '{"inject": [{"prototype": 1}]}',
    ];
    for (const urlPath of ['/v1/keys', '/v1/verify']) {
      for (const raw of bodies) {
        const response = await daemon.request('POST', urlPath, undefined, { raw, headers: { 'content-type': 'application/json' } });
        assert.equal(response.status, 400, `${urlPath} ${raw}`);
        assert.equal(response.body.error.code, 'FORBIDDEN_KEY');
      }
    }
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const response = await daemon.request('GET', '/v1/nowhere');
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'NOT_FOUND');
    assert.match(String(response.headers['content-type']), /application\/json/);
  });

  it('turns unexpected errors into a generic 500 without stack or internals, and logs no request body', async () => {
    sandbox.stub(daemon.server.core.commands, 'create').rejects(new Error('db exploded near /secret/path'));
    const response = await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'LOGGED-BODY-MARKER' });
    assert.equal(response.status, 500);
    assert.equal(response.body.error.code, 'INTERNAL');
    assert.ok(!response.text.includes('exploded') && !response.text.includes('at '), response.text);
    assert.ok(daemon.logs.some((line) => line.includes('db exploded')));
    assert.ok(daemon.logs.every((line) => !line.includes('LOGGED-BODY-MARKER')));
  });

  it('answers an unexpected error on the verify fast path with 500 INTERNAL and keeps serving', async () => {
    sandbox.stub(daemon.server.core.verification, 'verify').throws(new Error('index exploded'));
    const response = await daemon.request('POST', '/v1/verify', { key: 'abc-abc-abc' });
    assert.equal(response.status, 500);
    assert.equal(response.body.error.code, 'INTERNAL');
    assert.ok(!response.text.includes('exploded'));
    sandbox.restore();
    assert.equal((await daemon.request('POST', '/v1/verify', { key: 'abc-abc-abc' })).body.code, 'UNKNOWN');
  });

  it('sends no-store and nosniff headers and no X-Powered-By', async () => {
    for (const [method, urlPath, body] of paths) {
      const response = await daemon.request(method, urlPath, body);
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['x-powered-by'], undefined);
    }
  });
});
