// Reveal and inject of a sealed secret on a team store (PostgreSQL), through two members' real daemons:
// the database hides another member's sealed secret from an issuer (keys_readable, migration 002), and
// the daemon says so (403 FORBIDDEN_ROLE), not that the key is a production key never stored (409
// NOT_RETRIEVABLE), which would send the issuer to regenerate a key that is not theirs.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import type { KeyCreated, Service } from '../../daemon/protocol';
import type { PostgresStore } from '../../daemon/store/postgres/postgresStore';
import { startTestDaemon, type TestDaemon } from '../support/inProcessDaemon';
import { createTestDatabase } from '../support/postgresServer';
import { TempDirs } from '../support/tempDirs';
import { addMember, openAs } from '../team/support/members';

describe('Sealed secrets on a team store: what a member may not read is refused by role', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  const masterKey = randomBytes(32).toString('base64');
  let root: PostgresStore;
  let owner: TestDaemon;
  let issuer: TestDaemon;
  let serviceId: string;
  let workspace: string;

  before(async () => {
    const databaseUrl = await createTestDatabase('team_secrets');
    root = await openAs({ url: databaseUrl });
    const ownerMember = await addMember(root, databaseUrl, 'owner', 'owner');
    const issuerMember = await addMember(root, databaseUrl, 'issuer', 'issuer');
    const env = { KEYSMITH_MASTER_KEY: masterKey };
    owner = await startTestDaemon({ storeUrl: ownerMember.url, env });
    issuer = await startTestDaemon({ storeUrl: issuerMember.url, env });
    const services = (await owner.request<{ items: Service[] }>('GET', '/v1/services')).body.items;
    serviceId = services.find((service) => service.enabled)!.id;
    workspace = await dirs.make('team-secrets-ws');
  });

  after(async () => {
    await issuer?.stop();
    await owner?.stop();
    await root?.close();
    await dirs.removeAll();
  });

  const create = async (daemon: TestDaemon, environment: 'test' | 'production') => {
    const response = await daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId, environment, name: `${environment}-key` });
    assert.equal(response.status, 201, response.text);
    return response.body;
  };
  const inject = (daemon: TestDaemon, keyId: string) =>
    daemon.request('POST', '/v1/inject/preview', { keyId, workspace, targets: [{ file: '.env', path: 'API_KEY', value: 'secret' }] });

  it("refuses an issuer the secret of another member's test key with 403 FORBIDDEN_ROLE, for reveal and inject", async () => {
    const owners = await create(owner, 'test');
    const revealed = await issuer.request('POST', `/v1/keys/${owners.key.id}/reveal`);
    assert.equal(revealed.status, 403, revealed.text);
    assert.equal(revealed.body.error.code, 'FORBIDDEN_ROLE');
    assert.match(revealed.body.error.message, /^Your role \(issuer\) does not allow reading the secret of the key "test-key"/);
    assert.ok(!revealed.text.includes(owners.secret.secret));
    const injected = await inject(issuer, owners.key.id);
    assert.equal(injected.status, 403, injected.text);
    assert.equal(injected.body.error.code, 'FORBIDDEN_ROLE');
    // The owner, who may read it, gets it.
    const ownerReveal = await owner.request('POST', `/v1/keys/${owners.key.id}/reveal`);
    assert.equal(ownerReveal.status, 200, ownerReveal.text);
  });

  it('reveals and injects the issuer its own test key, and keeps 409 NOT_RETRIEVABLE for a production key', async () => {
    const own = await create(issuer, 'test');
    const revealed = await issuer.request('POST', `/v1/keys/${own.key.id}/reveal`);
    assert.equal(revealed.status, 200, revealed.text);
    assert.equal(revealed.body.secret.secret, own.secret.secret);
    assert.equal((await inject(issuer, own.key.id)).status, 200);
    const production = await create(issuer, 'production');
    const refused = await issuer.request('POST', `/v1/keys/${production.key.id}/reveal`);
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.error.code, 'NOT_RETRIEVABLE');
  });
});
