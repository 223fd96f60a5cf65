import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { useTestDaemon } from '../support/hooks';

describe('security at the edge', () => {
  const daemon = useTestDaemon();
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => {
    sandbox.restore();
  });

  // Both the Express app and the verify fast path must refuse the same requests the same way.
  const paths: Array<[string, string, unknown]> = [
    ['GET', '/v1/keys', undefined],
    ['POST', '/v1/verify', { key: 'abc-abc-abc' }],
  ];
  // What the TCP port serves (app servers, verify-only tokens); the admin API is on the socket.
  const tcpPaths: Array<[string, string, unknown]> = [
    ['GET', '/v1/health', undefined],
    ['POST', '/v1/verify', { key: 'abc-abc-abc' }],
  ];
  let verifyToken: string;
  before(async () => {
    verifyToken = (await daemon.request('POST', '/v1/tokens', { name: 'app server', role: 'verify' })).body.token;
  });

  it('listens on 127.0.0.1 only', () => {
    const address = daemon.server.server.address();
    assert.ok(address && typeof address === 'object');
    assert.equal(address.address, '127.0.0.1');
  });

  it('answers 403 to a Host other than 127.0.0.1:<port> or localhost:<port> on TCP (DNS rebinding)', async () => {
    for (const [method, urlPath, body] of tcpPaths) {
      for (const host of [
        'evil.example',
        `evil.example:${daemon.port}`,
        '127.0.0.1',
        `127.0.0.1:${daemon.port + 1}`,
        `[::1]:${daemon.port}`,
        'localhost',
      ]) {
        const response = await daemon.tcpRequest(method, urlPath, body, { token: verifyToken, headers: { host } });
        assert.equal(response.status, 403, `${urlPath} Host ${host}`);
        assert.equal(response.body.error.code, 'FORBIDDEN_HOST');
      }
      const localhost = await daemon.tcpRequest(method, urlPath, body, {
        token: verifyToken,
        headers: { host: `localhost:${daemon.port}` },
      });
      assert.equal(localhost.status, 200);
    }
    const admin = await daemon.tcpRequest('GET', '/v1/keys', undefined, { token: null, headers: { host: 'evil.example' } });
    assert.equal(admin.body.error.code, 'FORBIDDEN_HOST', 'an admin path on TCP checks the Host first too');
  });

  it('answers 403 on the admin socket to a Host other than localhost', async () => {
    for (const [method, urlPath, body] of [...paths, ['GET', '/v1/health', undefined] as [string, string, unknown]]) {
      for (const host of ['evil.example', `localhost:${daemon.port}`, `127.0.0.1:${daemon.port}`]) {
        const response = await daemon.request(method, urlPath, body, { headers: { host } });
        assert.equal(response.status, 403, `${urlPath} Host ${host}`);
        assert.equal(response.body.error.code, 'FORBIDDEN_HOST');
      }
      assert.equal((await daemon.request(method, urlPath, body, { headers: { host: 'localhost' } })).status, 200, urlPath);
    }
  });

  it('answers 403 to any request carrying an Origin header, on the socket and on TCP, and never sends CORS headers', async () => {
    const asked = [
      ...paths.map(([method, urlPath, body]) => ({ method, urlPath, body, send: daemon.request })),
      ...tcpPaths.map(([method, urlPath, body]) => ({ method, urlPath, body, send: daemon.tcpRequest })),
    ];
    for (const { method, urlPath, body, send } of asked) {
      for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${daemon.port}`]) {
        const response = await send(method, urlPath, body, {
          token: send === daemon.request ? undefined : verifyToken,
          headers: { origin },
        });
        assert.equal(response.status, 403, `${urlPath} Origin ${origin}`);
        assert.equal(response.body.error.code, 'FORBIDDEN_ORIGIN');
        assert.ok(Object.keys(response.headers).every((name) => !name.startsWith('access-control-')));
      }
    }
    for (const send of [daemon.request, daemon.tcpRequest]) {
      const preflight = await send('OPTIONS', '/v1/keys', undefined, {
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(preflight.status, 403);
      assert.ok(Object.keys(preflight.headers).every((name) => !name.startsWith('access-control-')));
    }
  });

  it('answers 401 to missing, wrong or odd bearer tokens', async () => {
    for (const [method, urlPath, body] of paths) {
      const variants: Array<Record<string, string>> = [
        {},
        { authorization: `Bearer ${daemon.token}x` },
        { authorization: `bearer ${daemon.token}` },
        { authorization: `Bearer  ${daemon.token}` },
        { authorization: 'Bearer' },
        { authorization: `Basic ${daemon.token}` },
        { authorization: `Bearer ${'a'.repeat(5000)}` },
        { authorization: `Bearer ${daemon.token.slice(0, -1)}` },
      ];
      for (const headers of variants) {
        const response = await daemon.request(method, urlPath, body, { token: null, headers });
        assert.equal(response.status, 401, `${urlPath} ${JSON.stringify(headers).slice(0, 60)}`);
        assert.equal(response.body.error.code, 'UNAUTHORIZED');
        if (urlPath !== '/v1/verify') continue;
        const onTcp = await daemon.tcpRequest(method, urlPath, body, { token: null, headers });
        assert.equal(onTcp.status, 401, `TCP ${urlPath} ${JSON.stringify(headers).slice(0, 60)}`);
        assert.equal(onTcp.body.error.code, 'UNAUTHORIZED');
      }
    }
    assert.equal((await daemon.request('GET', '/v1/health', undefined, { token: null })).status, 200);
  });

  it('accepts only JSON bodies (415 otherwise) up to 64 KiB (413 beyond)', async () => {
    for (const [method, urlPath] of [
      ['POST', '/v1/keys'],
      ['POST', '/v1/verify'],
    ] as const) {
      const form = await daemon.request(method, urlPath, undefined, {
        raw: 'key=abc',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(form.status, 415, urlPath);
      const untyped = await daemon.request(method, urlPath, undefined, { raw: '{"key":"abc"}' });
      assert.equal(untyped.status, 415, urlPath);
      const big = JSON.stringify({ name: 'x'.repeat(70 * 1024) });
      const tooLarge = await daemon.request(method, urlPath, undefined, { raw: big, headers: { 'content-type': 'application/json' } });
      assert.equal(tooLarge.status, 413, urlPath);
      assert.equal(tooLarge.body.error.code, 'PAYLOAD_TOO_LARGE');
      // Without a Content-Length the limit is enforced while reading.
      const chunked = await daemon.request(method, urlPath, undefined, {
        raw: big,
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      assert.equal(chunked.status, 413, `${urlPath} chunked`);
    }
  });

  it('answers 400 to malformed JSON', async () => {
    for (const urlPath of ['/v1/keys', '/v1/verify']) {
      const response = await daemon.request('POST', urlPath, undefined, {
        raw: '{"name": ',
        headers: { 'content-type': 'application/json' },
      });
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
    sandbox.stub(daemon.server.core.verification, 'verifyJson').throws(new Error('index exploded'));
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
