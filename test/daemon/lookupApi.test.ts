// POST /v1/keys/lookup over real HTTP: a scanner names the keys it found by their hashes alone.
import { strict as assert } from 'node:assert';
import { sha256Hex } from '../../common/secretHash';
import { ManualClock } from '../../daemon/keys/clock';
import { generateSecret } from '../../daemon/keys/keyFormat';
import type { KeyCreated, KeyLookupResponse, TokenCreated } from '../../daemon/protocol';
import { MAX_LOOKUP_HASHES } from '../../daemon/validation/lookupSchema';
import { startTestDaemon, type TestDaemon } from '../support/inProcessDaemon';

describe('POST /v1/keys/lookup', () => {
  let daemon: TestDaemon;
  let clock: ManualClock;
  const create = async (body: Record<string, unknown>) => {
    const response = await daemon.request<KeyCreated>('POST', '/v1/keys', {
      serviceId: 'cloudmc',
      environment: 'production',
      name: 'app',
      ...body,
    });
    assert.equal(response.status, 201, response.text);
    return response.body;
  };
  // Typed loosely: error answers are checked through the same helper.
  const lookup = (hashes: unknown) => daemon.request<KeyLookupResponse & { error?: any }>('POST', '/v1/keys/lookup', { hashes });

  beforeEach(async () => {
    clock = new ManualClock('2030-01-15T09:00:00.000Z');
    daemon = await startTestDaemon({ clock });
  });
  afterEach(async () => {
    await daemon.stop();
  });

  it('answers the key view of each known hash, in the order asked, and nothing for unknown hashes', async () => {
    const billing = await create({ name: 'billing', expiresAt: '2030-01-27T09:00:00.000Z' });
    const shop = await create({ serviceId: 'payline', environment: 'test', name: 'shop' });
    const unknown = sha256Hex(generateSecret('cmc', 'production'));
    const response = await lookup([
      sha256Hex(shop.secret.secret),
      unknown,
      sha256Hex(billing.secret.secret),
      sha256Hex(shop.secret.secret),
    ]);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(
      response.body.items.map((item) => [item.hash, item.key.id, item.key.name, item.key.state]),
      [
        [sha256Hex(shop.secret.secret), shop.key.id, 'shop', 'active'],
        [sha256Hex(billing.secret.secret), billing.key.id, 'billing', 'active'],
      ],
    );
    assert.deepEqual(response.body.items[1]!.key, billing.key, 'the same view GET /v1/keys/:id gives');
    for (const secret of [billing.secret.secret, shop.secret.secret]) assert.ok(!response.text.includes(secret), 'no secret in the answer');
    assert.ok(!/secretHash|sealed/.test(response.text));
  });

  it('gives an empty answer for unknown hashes and for no hashes', async () => {
    assert.deepEqual((await lookup([sha256Hex(generateSecret('pay', 'test'))])).body, { items: [] });
    assert.deepEqual((await lookup([])).body, { items: [] });
  });

  it('answers the state as of now: revoked, expired, and rotated keys', async () => {
    const revoked = await create({ name: 'old' });
    await daemon.request('POST', `/v1/keys/${revoked.key.id}/revoke`);
    const expiring = await create({ name: 'soon', expiresAt: '2030-01-16T09:00:00.000Z' });
    const rotated = await create({ name: 'rotating' });
    const regenerated = (await daemon.request('POST', `/v1/keys/${rotated.key.id}/regenerate`, { graceSeconds: 3600 })).body as KeyCreated;
    clock.advance(2 * 86_400_000);
    const response = await lookup([revoked, expiring, rotated, regenerated].map((key) => sha256Hex(key.secret.secret)));
    assert.deepEqual(
      response.body.items.map((item) => [item.key.name, item.key.state]),
      [
        ['old', 'revoked'],
        ['soon', 'expired'],
        ['rotating', 'revoked'],
        ['rotating', 'active'],
      ],
    );
    assert.equal(response.body.items[2]!.key.rotatedTo, regenerated.key.id);
  });

  it(`refuses more than ${MAX_LOOKUP_HASHES} hashes with a 400 saying the cap and what to do`, async () => {
    const hashes = Array.from({ length: MAX_LOOKUP_HASHES + 1 }, (_, i) => sha256Hex(String(i)));
    const response = await lookup(hashes);
    assert.equal(response.status, 400);
    assert.equal(response.body.error!.code, 'VALIDATION_FAILED');
    assert.match(
      response.body.error!.details.hashes,
      new RegExp(`at most ${MAX_LOOKUP_HASHES} entries per request; send the rest in another request`),
    );
    assert.equal((await lookup(hashes.slice(1))).status, 200, 'exactly the cap is accepted');
  });

  it('refuses a secret sent instead of its hash, without echoing it', async () => {
    const secret = generateSecret('cmc', 'production');
    for (const body of [{ hashes: [secret] }, { hashes: 'x' }, { hashes: [sha256Hex('a').toUpperCase()] }, { hash: [] }, {}]) {
      const response = await daemon.request('POST', '/v1/keys/lookup', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.ok(!response.text.includes(secret));
    }
    const detail = (await lookup([secret])).body.error!.details['hashes.0'];
    assert.match(detail, /SHA-256 of a key as 64 lower-case hex characters/);
  });

  it('is for the admin token only: a verify-only token and no token are refused', async () => {
    const token = (await daemon.request<TokenCreated>('POST', '/v1/tokens', { name: 'app server', role: 'verify' })).body.token;
    assert.equal((await daemon.request('POST', '/v1/keys/lookup', { hashes: [] }, { token })).status, 403);
    assert.equal((await daemon.request('POST', '/v1/keys/lookup', { hashes: [] }, { token: null })).status, 401);
  });
});
