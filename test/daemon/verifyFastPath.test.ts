// The verify hot path works from data prepared in the key index (dates as epoch ms, a frozen answer per
// key) and Node's parser refusals get the API's error shape: these check that nothing user-visible moved.
import { strict as assert } from 'node:assert';
import { connect } from 'node:net';
import fc from 'fast-check';
import { ManualClock } from '../../daemon/keys/clock';
import { generateSecret } from '../../daemon/keys/keyFormat';
import { normalizeIp } from '../../daemon/keys/ipAllowList';
import { deriveState, parseOptional, stateAt } from '../../daemon/keys/keyState';
import type { KeyCreated, KeyStatus, TokenCreated } from '../../daemon/protocol';
import { useTestDaemon } from '../support/hooks';

describe('verify fast path', () => {
  describe('state from pre-parsed dates', () => {
    const instant = fc.integer({ min: Date.UTC(2029, 0, 1), max: Date.UTC(2031, 0, 1) });
    const optionalInstant = fc.option(instant, { nil: undefined });
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

    it('derives exactly the state deriveState derives from the ISO dates, for any dates and status', () => {
      fc.assert(
        fc.property(
          fc.constantFrom<KeyStatus>('active', 'inactive', 'revoked'),
          instant,
          optionalInstant,
          optionalInstant,
          instant,
          (status, startsAt, expiresAt, graceUntil, now) => {
            const key = { status, startsAt: iso(startsAt)!, expiresAt: iso(expiresAt), graceUntil: iso(graceUntil) };
            const fromMs = stateAt(status, Date.parse(key.startsAt), parseOptional(key.expiresAt), parseOptional(key.graceUntil), now);
            assert.equal(fromMs, deriveState(key, new Date(now)));
          },
        ),
      );
    });
  });

  describe('normalizeIp', () => {
    it('leaves plain IPv4 and IPv6 addresses as they are and unwraps IPv4-mapped ones in any case', () => {
      assert.equal(normalizeIp('127.0.0.1'), '127.0.0.1');
      assert.equal(normalizeIp('2001:db8::1'), '2001:db8::1');
      assert.equal(normalizeIp('::1'), '::1');
      assert.equal(normalizeIp('::ffff:10.0.0.1'), '10.0.0.1');
      assert.equal(normalizeIp('::FFFF:10.0.0.1'), '10.0.0.1');
    });
  });

  describe('through the daemon', () => {
    let verifyToken: string;
    let clock: ManualClock;
    const daemon = useTestDaemon(() => ({ clock: (clock = new ManualClock('2030-01-15T09:00:00.000Z')) }), 'each');
    const verify = (body: unknown) => daemon.request('POST', '/v1/verify', body, { token: verifyToken });

    beforeEach(async () => {
      verifyToken = (await daemon.request<TokenCreated>('POST', '/v1/tokens', { name: 'shop', role: 'verify' })).body.token;
    });

    it('answers with the permissions, organization and dates of the key as last changed', async () => {
      const created = (
        await daemon.request<KeyCreated>('POST', '/v1/keys', {
          serviceId: 'ingeneo',
          environment: 'production',
          name: 'app',
          permissions: ['payroll.read'],
          organization: 'ACME',
        })
      ).body;
      const first = await verify({ key: created.secret.secret });
      assert.deepEqual(first.body.permissions, ['payroll.read']);
      const patched = await daemon.request('PATCH', `/v1/keys/${created.key.id}`, {
        permissions: ['payroll.read', 'payroll.write'],
        organization: null,
        expiresAt: '2030-01-15T10:00:00.000Z',
      });
      assert.equal(patched.status, 200, patched.text);
      clock.set('2030-01-15T10:00:00.000Z');
      assert.deepEqual((await verify({ key: created.secret.secret })).body, { valid: false, code: 'EXPIRED' });
      await daemon.request('PATCH', `/v1/keys/${created.key.id}`, { expiresAt: null });
      const after = (await verify({ key: created.secret.secret, method: 'payroll.write' })).body;
      assert.deepEqual(after, {
        valid: true,
        keyId: created.key.id,
        serviceId: 'ingeneo',
        environment: 'production',
        permissions: ['payroll.read', 'payroll.write'],
      });
    });

    it('sends the security headers on a verify answer', async () => {
      const response = await verify({ key: generateSecret('ing', 'production') });
      assert.equal(response.status, 200);
      assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
      assert.equal(response.headers['referrer-policy'], 'no-referrer');
    });

    it('answers a request whose headers overflow the parser with 431 in the API error shape, and keeps serving', async () => {
      const raw = await rawExchange(
        daemon.port,
        `GET /v1/keys HTTP/1.1\r\nHost: 127.0.0.1:${daemon.port}\r\nAuthorization: Bearer ${'k'.repeat(100 * 1024)}\r\n\r\n`,
      );
      const [head = '', body = ''] = raw.split('\r\n\r\n');
      assert.match(head, /^HTTP\/1\.1 431 /);
      assert.match(head, /\r\nconnection: close\r\n/i);
      assert.match(head, /\r\ncache-control: no-store\r\n/i);
      const parsed = JSON.parse(body) as { error: { code: string; message: string } };
      assert.equal(parsed.error.code, 'HEADERS_TOO_LARGE');
      assert.ok(!raw.includes('kkkkkkkk'), 'the oversized header is not echoed');
      assert.equal((await daemon.request('GET', '/v1/health')).status, 200);
    });

    it('answers bytes that are not HTTP with 400 in the API error shape', async () => {
      const raw = await rawExchange(daemon.port, 'NOT HTTP AT ALL\r\n\r\n');
      assert.match(raw, /^HTTP\/1\.1 400 /);
      assert.equal((JSON.parse(raw.split('\r\n\r\n')[1]!) as { error: { code: string } }).error.code, 'BAD_REQUEST');
    });
  });
});

/** Writes raw bytes on a new connection and resolves with everything the server sent before closing it. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    // The server may close while the client is still writing the oversized header: EPIPE/ECONNRESET is fine.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    socket.write(bytes);
  });
}
