// Attacks a local daemon must shrug off: DNS rebinding (a foreign Host), browser pages (an Origin, a
// CORS preflight), and guessed, broken or oversized bearer tokens. Each is refused before any route
// runs, and the daemon keeps serving.
import assert from 'node:assert/strict';
import { createKey, createVerifyToken, expectStillServing } from './support/api';
import { expectApiError } from './support/expectations';
import { describeAnswer, send } from '../support/http';
import { useTestDaemon } from '../support/hooks';

describe('reliability: attacks on the local daemon', function () {
  const daemon = useTestDaemon({ defaults: 'daemon' });

  describe('DNS rebinding: a Host that is not 127.0.0.1:<port> or localhost:<port>', function () {
    // A browser can reach only the TCP port (health, verify); the admin socket keeps the same guard
    // (there, only `localhost`, what curl --unix-socket and node send).
    const foreignHosts = (port: number) => [
      'evil.example',
      `evil.example:${port}`,
      `localhost.:${port}`,
      `127.0.0.2:${port}`,
      `[::1]:${port}`,
      `localhost6:${port}`,
      `127.0.0.1:${port + 1}`,
      `127.0.0.1`,
    ];
    let verifyToken: string;
    before(async function () {
      verifyToken = await createVerifyToken(daemon, 'rebinding app');
    });

    it('answers 403 FORBIDDEN_HOST for each foreign Host on TCP, even on the public health route and without a token', async function () {
      for (const host of [...foreignHosts(daemon.port), 'localhost']) {
        for (const [method, path, token] of [
          ['GET', '/v1/health', null],
          ['POST', '/v1/verify', verifyToken],
          ['GET', '/v1/keys', undefined],
          ['GET', '/v1/no-such-route', null],
        ] as const) {
          const answer = await send(daemon, method, path, {
            tcp: true,
            token,
            headers: { host },
            json: method === 'POST' ? { key: 'x' } : undefined,
          });
          assert.equal(answer.status, 403, `Host ${host} ${method} ${path} -> ${describeAnswer(answer)}`);
          expectApiError(answer, 403, 'FORBIDDEN_HOST');
        }
      }
    });

    it('answers 403 FORBIDDEN_HOST for each foreign Host on the admin socket too', async function () {
      for (const host of [...foreignHosts(daemon.port), `localhost:${daemon.port}`]) {
        for (const [method, path, token] of [
          ['GET', '/v1/health', null],
          ['GET', '/v1/keys', undefined],
          ['POST', '/v1/verify', undefined],
        ] as const) {
          const answer = await send(daemon, method, path, { token, headers: { host }, json: method === 'POST' ? { key: 'x' } : undefined });
          expectApiError(answer, 403, 'FORBIDDEN_HOST');
        }
      }
    });

    it('does not run the route: a create with a foreign Host stores nothing', async function () {
      const before = (await send(daemon, 'GET', '/v1/keys?pageSize=1')).body.total;
      const answer = await send(daemon, 'POST', '/v1/keys', {
        headers: { host: `evil.example:${daemon.port}` },
        json: { serviceId: 'ingeneo', environment: 'test', name: 'rebinding' },
      });
      expectApiError(answer, 403);
      assert.equal((await send(daemon, 'GET', '/v1/keys?pageSize=1')).body.total, before);
    });

    it('accepts the two allowed Hosts on TCP', async function () {
      for (const host of [`127.0.0.1:${daemon.port}`, `localhost:${daemon.port}`]) {
        const health = await send(daemon, 'GET', '/v1/health', { tcp: true, token: null, headers: { host } });
        assert.equal(health.status, 200, `Host ${host}`);
        const verify = await send(daemon, 'POST', '/v1/verify', { tcp: true, token: verifyToken, headers: { host }, json: { key: 'x' } });
        assert.equal(verify.status, 200, `Host ${host} verify`);
      }
    });
  });

  describe('browser pages', function () {
    it('answers 403 to any request carrying an Origin, with a valid Host and token', async function () {
      for (const origin of ['https://evil.example', 'null', `http://localhost:${daemon.port}`, 'vscode-webview://abc']) {
        const answer = await send(daemon, 'GET', '/v1/keys', { headers: { origin } });
        expectApiError(answer, 403);
        assert.equal(answer.headers['access-control-allow-origin'], undefined, `Origin ${origin}`);
      }
    });

    it('answers 403 to an Origin on the verify fast path too, on TCP (what a page can reach) and on the socket', async function () {
      const verifyToken = await createVerifyToken(daemon, 'origin app');
      for (const options of [{ tcp: true, token: verifyToken }, { tcp: true, token: null }, {}]) {
        const answer = await send(daemon, 'POST', '/v1/verify', {
          ...options,
          headers: { origin: 'https://evil.example' },
          json: { key: 'anything' },
        });
        expectApiError(answer, 403, 'FORBIDDEN_ORIGIN');
      }
      const health = await send(daemon, 'GET', '/v1/health', { tcp: true, token: null, headers: { origin: 'https://evil.example' } });
      expectApiError(health, 403, 'FORBIDDEN_ORIGIN');
    });

    it('gives a CORS preflight no Access-Control-Allow-* header', async function () {
      const answer = await send(daemon, 'OPTIONS', '/v1/keys', {
        token: null,
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      assert.ok(answer.status >= 400, `preflight must not succeed, got ${answer.status}`);
      const allowHeaders = Object.keys(answer.headers).filter((name) => name.startsWith('access-control-allow-'));
      assert.deepEqual(allowHeaders, []);
    });
  });

  describe('bearer tokens', function () {
    const badAuthorizations = (token: string) => ({
      missing: undefined,
      'empty bearer': 'Bearer ',
      'wrong, same length': `Bearer ${'A'.repeat(token.length)}`,
      'truncated by one character': `Bearer ${token.slice(0, -1)}`,
      'one character too many': `Bearer ${token}x`,
      'the token without a scheme': token,
      'the token under Basic': `Basic ${token}`,
      'over-long (8 KB)': `Bearer ${token}${'x'.repeat(8 * 1024)}`,
    });

    it('answers 401 with the error shape to missing, wrong, truncated and over-long tokens', async function () {
      for (const [label, authorization] of Object.entries(badAuthorizations(daemon.token))) {
        const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
        const answer = await send(daemon, 'GET', '/v1/keys', { token: null, headers });
        assert.equal(answer.status, 401, `${label}: ${describeAnswer(answer)}`);
        expectApiError(answer, 401);
      }
      await expectStillServing(daemon);
    });

    it('answers 401 to the same bad tokens on the verify fast path, which checks tokens on its own', async function () {
      for (const [label, authorization] of Object.entries(badAuthorizations(daemon.token))) {
        const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
        for (const tcp of [true, false]) {
          const answer = await send(daemon, 'POST', '/v1/verify', { tcp, token: null, headers, json: { key: 'anything' } });
          assert.equal(answer.status, 401, `verify${tcp ? ' on TCP' : ''}, ${label}: ${describeAnswer(answer)}`);
          expectApiError(answer, 401);
        }
      }
      await expectStillServing(daemon);
    });

    it('refuses a 100 KB token without running any route, and keeps serving', async function () {
      const answer = await send(daemon, 'GET', '/v1/keys', { token: null, headers: { authorization: `Bearer ${'k'.repeat(100 * 1024)}` } });
      // Node's HTTP parser refuses header sections over its 16 KiB default with 431 before the app sees
      // them; the daemon itself answers 401. Either is a refusal, and API.md says every error has the
      // {"error": {code, message}} shape, so the daemon must give Node's 431 that shape too.
      assert.ok([401, 431].includes(answer.status), `100 KB token -> ${describeAnswer(answer)}`);
      expectApiError(answer, answer.status);
      await expectStillServing(daemon);
    });

    it('never echoes the presented token in the error', async function () {
      const guess = `Bearer guessed-${'Z'.repeat(40)}`;
      const answer = await send(daemon, 'GET', '/v1/keys', { token: null, headers: { authorization: guess } });
      expectApiError(answer, 401);
      assert.ok(!answer.text.includes('Z'.repeat(40)), 'the guessed token appears in the response');
    });
  });

  describe('verify-only tokens', function () {
    it('may verify, and get 403 on every admin endpoint, changing nothing', async function () {
      const created = await createKey(daemon, { name: 'guarded' });
      const keyId = created.key.id;
      const verifyToken = await createVerifyToken(daemon);
      const asVerifier = { token: verifyToken };

      const verified = await send(daemon, 'POST', '/v1/verify', { ...asVerifier, json: { key: created.secret.secret } });
      assert.equal(verified.status, 200);
      assert.equal(verified.body.valid, true);

      const adminCalls: Array<[string, string, unknown?]> = [
        ['GET', '/v1/services'],
        ['POST', '/v1/services', { name: 'Sneaky', prefix: 'sneaky' }],
        ['PATCH', '/v1/services/ingeneo', { enabled: false }],
        ['DELETE', '/v1/services/ingeneo'],
        ['GET', '/v1/keys'],
        ['POST', '/v1/keys', { serviceId: 'ingeneo', environment: 'test', name: 'sneaky' }],
        ['POST', '/v1/keys/import', { serviceId: 'ingeneo', environment: 'test', name: 'sneaky', secret: 'abcdefghijklmnop' }],
        ['GET', `/v1/keys/${keyId}`],
        ['PATCH', `/v1/keys/${keyId}`, { name: 'renamed by verifier' }],
        ['DELETE', `/v1/keys/${keyId}`],
        ['POST', `/v1/keys/${keyId}/deactivate`, {}],
        ['POST', `/v1/keys/${keyId}/reactivate`, {}],
        ['POST', `/v1/keys/${keyId}/revoke`, {}],
        ['POST', `/v1/keys/${keyId}/regenerate`, {}],
        ['POST', `/v1/keys/${keyId}/reveal`, {}],
        ['POST', '/v1/inject', { keyId, workspace: '/tmp', targets: [] }],
        ['POST', '/v1/inject/preview', { keyId, workspace: '/tmp', targets: [] }],
        ['GET', '/v1/audit'],
        ['POST', '/v1/tokens', { name: 'escalate', role: 'verify' }],
      ];
      for (const [method, path, json] of adminCalls) {
        const answer = await send(daemon, method, path, { ...asVerifier, json });
        assert.equal(answer.status, 403, `${method} ${path} with a verify token -> ${describeAnswer(answer)}`);
        expectApiError(answer, 403);
        assert.ok(!answer.text.includes(created.secret.secret), 'no secret in the refusal');
      }

      // Path tricks do not turn the verify route into an admin one.
      for (const [method, path] of [
        ['GET', '/v1/verify/../keys'],
        ['GET', '/v1/verify/..%2Fkeys'],
        ['POST', '/v1/keys/../verify'],
        ['GET', '//v1/keys'],
        ['POST', '/v1//keys'],
        ['GET', '/V1/KEYS'],
      ] as const) {
        const answer = await send(daemon, method, path, { ...asVerifier, json: method === 'POST' ? { key: 'x' } : undefined });
        assert.ok([403, 404].includes(answer.status), `${method} ${path} with a verify token -> ${describeAnswer(answer)}`);
      }

      const after = await send(daemon, 'GET', `/v1/keys/${keyId}`);
      assert.equal(after.body.status, 'active');
      assert.equal(after.body.name, 'guarded');
      const services = await send(daemon, 'GET', '/v1/services');
      assert.equal(services.body.items.find((s: { id: string }) => s.id === 'ingeneo')?.enabled, true);
    });
  });
});
