// Query strings and path ids are input too: duplicated or bracketed parameters (which some parsers turn
// into arrays or objects), out-of-range paging, broken percent-encoding and traversal-looking ids are
// refused with a 4xx naming the parameter, and the daemon keeps serving.
import assert from 'node:assert/strict';
import net from 'node:net';
import { expectStillServing } from './support/api';
import { expectApiError, expectFieldRefused } from './support/expectations';
import { send } from '../support/http';
import { useTestDaemon } from '../support/hooks';

describe('reliability: bad query strings and path ids', function () {
  const daemon = useTestDaemon({ defaults: 'daemon' });

  const refusedQueries: Array<[path: string, field: string]> = [
    ['/v1/keys?page=1&page=2', 'page'],
    ['/v1/keys?page=-1', 'page'],
    ['/v1/keys?pageSize=100000', 'pageSize'],
    ['/v1/keys?sort=__proto__', 'sort'],
    ['/v1/keys?order=sideways', 'order'],
    ['/v1/keys?status=deleted', 'status'],
    ['/v1/keys?environment=staging', 'environment'],
    [`/v1/keys?q=${'x'.repeat(10_000)}`, 'q'],
    ['/v1/keys?q[$gt]=a', 'q[$gt]'],
    ['/v1/keys?__proto__[polluted]=1', '__proto__[polluted]'],
    ['/v1/audit?limit=999999999', 'limit'],
    ['/v1/audit?limit=abc', 'limit'],
  ];

  it('refuses each bad query parameter with a 400 naming it', async function () {
    for (const [path, field] of refusedQueries) expectFieldRefused(await send(daemon, 'GET', path), field);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    await expectStillServing(daemon);
  });

  it('answers 404 to traversal-looking and NUL key ids, 400 to broken percent-encoding', async function () {
    for (const path of ['/v1/keys/..%2F..%2Fetc%2Fpasswd', '/v1/keys/%00', `/v1/keys/${'k'.repeat(5000)}`]) {
      expectApiError(await send(daemon, 'GET', path), 404, 'NOT_FOUND');
    }
    expectApiError(await send(daemon, 'GET', '/v1/keys/%E0%A4%A'), 400);
    await expectStillServing(daemon);
  });

  it('finds nothing for a NUL in a filter, a token or service id (PostgreSQL text cannot hold one)', async function () {
    for (const path of ['/v1/audit?keyId=%00', '/v1/keys?serviceId=%00', '/v1/keys?q=a%00b']) {
      const answer = await send(daemon, 'GET', path);
      assert.equal(answer.status, 200, `${path}: ${answer.text}`);
      assert.deepEqual(answer.body.items, [], path);
    }
    expectApiError(await send(daemon, 'PATCH', '/v1/services/%00', { json: { enabled: true } }), 404, 'NOT_FOUND');
    expectApiError(await send(daemon, 'DELETE', '/v1/tokens/%00'), 404, 'NOT_FOUND');
    await expectStillServing(daemon);
  });

  it('answers 403 to an HTTP/1.0 request without a Host header', async function () {
    const statusLine = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(daemon.port, '127.0.0.1', () =>
        socket.write(`GET /v1/keys HTTP/1.0\r\nAuthorization: Bearer ${daemon.token}\r\n\r\n`),
      );
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''));
    });
    assert.match(statusLine, /^HTTP\/1\.[01] 403 /);
  });
});
