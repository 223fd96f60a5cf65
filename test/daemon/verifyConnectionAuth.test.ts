// The verify fast path remembers, per kept-alive connection, the Authorization header it authenticated
// (daemon/http/connectionAuth.ts). These prove that remembering changes no answer: a deleted token is
// refused on the very connection that used it a moment before, another header on that connection is
// judged on its own, and the memory is per connection and re-checked whenever the tokens change.
import { strict as assert } from 'node:assert';
import type { IncomingMessage } from 'node:http';
import type { Actor } from '../../daemon/core/context';
import { authenticateOnConnection, type TokenAuthority } from '../../daemon/http/connectionAuth';
import type { KeyCreated, TokenCreated } from '../../daemon/protocol';
import { useTestDaemon } from '../support/hooks';
import { RawConnection } from '../support/rawConnection';

describe('verify: authentication remembered per connection', () => {
  describe('authenticateOnConnection', () => {
    /** A token authority that knows one header and counts how often it was asked. */
    class CountingTokens implements TokenAuthority {
      asked = 0;
      generation = 0;
      valid = new Map<string, Actor>([['Bearer ksv_aaaaaaaaaaaaaaaaaaaa', { name: 'token:a', role: 'verify' }]]);
      authenticate(header: string | undefined): Actor | undefined {
        this.asked += 1;
        return header === undefined ? undefined : this.valid.get(header);
      }
    }
    const requestOn = (socket: object, authorization: string | undefined) =>
      ({ socket, headers: authorization === undefined ? {} : { authorization } }) as unknown as IncomingMessage;
    const good = 'Bearer ksv_aaaaaaaaaaaaaaaaaaaa';

    it('asks the tokens once per connection while the header and the tokens stay the same', () => {
      const tokens = new CountingTokens();
      const socket = {};
      for (let i = 0; i < 5; i += 1)
        assert.deepEqual(authenticateOnConnection(tokens, requestOn(socket, good)), { name: 'token:a', role: 'verify' });
      assert.equal(tokens.asked, 1);
      authenticateOnConnection(tokens, requestOn({}, good));
      assert.equal(tokens.asked, 2, 'another connection authenticates on its own');
    });

    it('asks again once the tokens changed, and answers what they answer now', () => {
      const tokens = new CountingTokens();
      const socket = {};
      authenticateOnConnection(tokens, requestOn(socket, good));
      tokens.valid.clear();
      tokens.generation += 1;
      assert.equal(authenticateOnConnection(tokens, requestOn(socket, good)), undefined);
      assert.equal(authenticateOnConnection(tokens, requestOn(socket, good)), undefined);
      assert.equal(tokens.asked, 3, 'a refusal is not remembered');
    });

    it('judges any other header on a remembered connection by the tokens, never by the memory', () => {
      const tokens = new CountingTokens();
      const socket = {};
      authenticateOnConnection(tokens, requestOn(socket, good));
      // Same length, last character different; a prefix; nothing at all; a character past latin1.
      for (const other of [
        'Bearer ksv_aaaaaaaaaaaaaaaaaaab',
        'Bearer ksv_aaaaaaaaaaaaaaaaaaa',
        undefined,
        'Bearer ksv_aaaaaaaaaaaaaaaaaaaŁ',
      ]) {
        assert.equal(authenticateOnConnection(tokens, requestOn(socket, other)), undefined, String(other));
      }
      assert.equal(tokens.asked, 5);
      assert.deepEqual(authenticateOnConnection(tokens, requestOn(socket, good)), { name: 'token:a', role: 'verify' });
    });
  });

  describe('through the daemon, on one kept-alive TCP connection', () => {
    const daemon = useTestDaemon({}, 'each');
    let connection: RawConnection;
    afterEach(() => connection?.close());

    const newToken = async (name: string) => (await daemon.request<TokenCreated>('POST', '/v1/tokens', { name, role: 'verify' })).body;
    const verifyOn = (token: string, body: unknown) => connection.post('/v1/verify', body, { Authorization: `Bearer ${token}` });

    it('refuses a deleted verify token on the next request of the connection that used it', async () => {
      const { key, secret } = (
        await daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'ingeneo', environment: 'production', name: 'app' })
      ).body;
      const token = await newToken('shop');
      connection = await RawConnection.open(daemon.port);
      for (let i = 0; i < 3; i += 1) {
        const answer = await verifyOn(token.token, { key: secret.secret });
        assert.equal(answer.status, 200);
        assert.equal((answer.body as { keyId: string }).keyId, key.id);
      }
      assert.equal((await daemon.request('DELETE', `/v1/tokens/${token.id}`)).status, 204);
      const refused = await verifyOn(token.token, { key: secret.secret });
      assert.equal(refused.status, 401);
      assert.equal((refused.body as { error: { code: string } }).error.code, 'UNAUTHORIZED');
    });

    it('keeps a token working across changes to other tokens, and judges each header of the connection on its own', async () => {
      const first = await newToken('first');
      connection = await RawConnection.open(daemon.port);
      assert.equal((await verifyOn(first.token, { key: 'unknown-key-1' })).status, 200);
      const second = await newToken('second');
      assert.equal((await verifyOn(first.token, { key: 'unknown-key-1' })).status, 200, 'a new token moved the generation');
      // The admin token, then one wrong in its last character only: each refused (and the connection
      // closed, as every refusal of a token does), although the connection had authenticated before.
      const admin = await verifyOn(daemon.token, { key: 'unknown-key-1' });
      assert.equal(admin.status, 403);
      assert.equal((admin.body as { error: { code: string } }).error.code, 'ADMIN_TOKEN_ON_TCP');
      connection = await RawConnection.open(daemon.port);
      assert.equal((await verifyOn(first.token, { key: 'unknown-key-1' })).status, 200);
      const wrong = `${first.token.slice(0, -1)}${first.token.endsWith('A') ? 'B' : 'A'}`;
      assert.equal((await verifyOn(wrong, { key: 'unknown-key-1' })).status, 401);
      connection = await RawConnection.open(daemon.port);
      assert.equal((await verifyOn(second.token, { key: 'unknown-key-2' })).status, 200);
      assert.equal((await verifyOn(first.token, { key: 'unknown-key-3' })).status, 200);
      assert.equal((await daemon.request('DELETE', `/v1/tokens/${second.id}`)).status, 204);
      assert.equal((await verifyOn(first.token, { key: 'unknown-key-3' })).status, 200);
      assert.equal((await verifyOn(second.token, { key: 'unknown-key-3' })).status, 401);
      // Each failure is audited under the token that asked, not the one the connection used before.
      const failures = (await daemon.request('GET', '/v1/audit')).body.items.filter(
        (event: { action: string }) => event.action === 'verify.failed',
      ) as Array<{ actor: string; details: { count: number } }>;
      const countBy = (actor: string) =>
        failures.filter((event) => event.actor === actor).reduce((sum, event) => sum + event.details.count, 0);
      assert.equal(countBy('token:first'), 5);
      assert.equal(countBy('token:second'), 1);
    });
  });
});
