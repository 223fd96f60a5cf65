import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { AuditEvent } from '../../daemon/protocol';
import { initialStoreData } from '../../daemon/server';
import { StoreWriteError } from '../../daemon/store/errors';
import type { Store } from '../../daemon/store/repositories';
import { startTestDaemon, type TestDaemon } from '../support/inProcessDaemon';
import { openTestStore } from '../support/teamStore';
import { useTempDirs } from '../support/tempDirs';

describe('audit log API', () => {
  let daemon: TestDaemon;
  let store: Store;
  let sandbox: sinon.SinonSandbox;
  const temp = useTempDirs();
  beforeEach(async () => {
    sandbox = sinon.createSandbox();
    const dataDir = await temp.make('audit-api');
    store = await openTestStore(dataDir, initialStoreData);
    daemon = await startTestDaemon({ dataDir, store });
  });
  afterEach(async () => {
    sandbox.restore();
    await daemon.stop();
  });

  const actions = async (query = '') =>
    ((await daemon.request('GET', `/v1/audit${query}`)).body.items as AuditEvent[]).map((event) => event.action);

  it('records every change newest first, with the OS user as actor, filtered by key and limited', async () => {
    const a = (await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'a' })).body.key;
    const b = (await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'b' })).body.key;
    await daemon.request('PATCH', `/v1/keys/${a.id}`, { name: 'a2' });
    await daemon.request('POST', `/v1/keys/${a.id}/deactivate`);
    await daemon.request('POST', `/v1/keys/${a.id}/reactivate`);
    await daemon.request('POST', `/v1/keys/${a.id}/revoke`);
    await daemon.request('DELETE', `/v1/keys/${a.id}`);
    await daemon.request('POST', '/v1/tokens', { name: 'ci', role: 'verify' });
    await daemon.request('PATCH', '/v1/services/cegid-loop-cabinet', { enabled: true });
    assert.deepEqual(await actions(`?keyId=${a.id}`), [
      'key.deleted',
      'key.revoked',
      'key.reactivated',
      'key.deactivated',
      'key.updated',
      'key.created',
    ]);
    assert.deepEqual(await actions('?limit=2'), ['service.updated', 'token.created']);
    const all = (await daemon.request('GET', '/v1/audit')).body.items as AuditEvent[];
    assert.ok(all.every((event) => event.actor === 'tester'));
    assert.ok(all.some((event) => event.keyId === b.id && event.action === 'key.created'));
    const updated = all.find((event) => event.action === 'key.updated')!;
    assert.deepEqual(updated.details, { fields: ['name'] });
  });

  it('does not record a transition that changed nothing', async () => {
    const key = (await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'a' })).body.key;
    await daemon.request('POST', `/v1/keys/${key.id}/deactivate`);
    await daemon.request('POST', `/v1/keys/${key.id}/deactivate`);
    assert.deepEqual(await actions(`?keyId=${key.id}`), ['key.deactivated', 'key.created']);
  });

  it('keeps an event the audit log refused (a verify failure) and writes it once the log works again', async () => {
    // Verify failures are gathered into bursts and written by the trail, after the verify has answered.
    const append = sandbox.stub(store.audit, 'append').callThrough();
    append.onFirstCall().rejects(new Error('ENOSPC: no space left on device'));
    const refused = await daemon.request('POST', '/v1/verify', { key: 'not-a-keysmith-key' });
    assert.equal(refused.status, 200, refused.text);
    assert.equal(refused.body.valid, false);
    await actions(); // an audit read writes the gathered bursts: this write is the one refused
    assert.ok(
      daemon.logs.some((line) => /audit log refused 1 event.*ENOSPC/.test(line)),
      daemon.logs.join('\n'),
    );
    assert.equal(daemon.server.core.audit.pending, 1);
    assert.deepEqual(await actions('?limit=1'), ['verify.failed']);
    assert.equal(daemon.server.core.audit.pending, 0);
  });

  it('stores a token or a service change with its event, even when the audit log refuses an append', async () => {
    // On PostgreSQL the event is in the change's own statement; the embedded store appends it after its
    // commit and, refused, keeps it for its next append. Either way nothing waits in the trail.
    const append = sandbox.stub(store.audit, 'append').callThrough();
    append.onFirstCall().rejects(new Error('ENOSPC: no space left on device'));
    const created = await daemon.request('POST', '/v1/tokens', { name: 'kept', role: 'verify' });
    assert.equal(created.status, 201, 'the token is stored and its secret must reach the caller');
    assert.ok(daemon.logs.every((line) => !line.includes(created.body.token)));
    assert.equal(daemon.server.core.audit.pending, 0, 'no token event waits in the trail');
    assert.equal((await daemon.request('PATCH', '/v1/services/cegid-loop-cabinet', { enabled: true })).status, 200);
    assert.equal(daemon.server.core.audit.pending, 0, 'no service event waits in the trail');
    assert.deepEqual(await actions('?limit=2'), ['service.updated', 'token.created']);
  });

  it('refuses a reveal the audit log cannot record, without the secret, and records the next one', async () => {
    const created = await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'revealed' });
    assert.equal(created.status, 201, created.text);
    const secret: string = created.body.secret.secret;
    const append = sandbox.stub(store.audit, 'append').callThrough();
    const full = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    append.onFirstCall().rejects(new StoreWriteError('/data/audit.jsonl', full, 'these audit events were not recorded'));
    const refused = await daemon.request('POST', `/v1/keys/${created.body.key.id}/reveal`);
    assert.equal(refused.status, 500, refused.text);
    assert.equal(refused.body.error.code, 'STORE_WRITE_FAILED');
    assert.ok(!refused.text.includes(secret), 'the secret left without its reveal recorded');
    assert.deepEqual(await actions(`?keyId=${created.body.key.id}`), ['key.created']);
    const revealed = await daemon.request('POST', `/v1/keys/${created.body.key.id}/reveal`);
    assert.equal(revealed.status, 200, revealed.text);
    assert.ok(revealed.text.includes(secret));
    assert.deepEqual(await actions(`?keyId=${created.body.key.id}`), ['key.revealed', 'key.created']);
  });

  it('keeps a key write and its event together, even when the audit log refuses an append', async () => {
    // On PostgreSQL the event is in the key's own statement; the embedded store appends it after its
    // commit and, refused, keeps it for its next append: either way the created key has its event.
    const append = sandbox.stub(store.audit, 'append').callThrough();
    append.onFirstCall().rejects(new Error('ENOSPC: no space left on device'));
    const created = await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'production', name: 'kept' });
    assert.equal(created.status, 201, 'the key is stored and its secret must reach the caller');
    assert.ok(daemon.logs.every((line) => !line.includes(created.body.secret.secret)));
    await daemon.request('POST', `/v1/keys/${created.body.key.id}/revoke`);
    assert.deepEqual(await actions(`?keyId=${created.body.key.id}`), ['key.revoked', 'key.created']);
    assert.equal(daemon.server.core.audit.pending, 0, 'no key event waits in the trail');
  });

  it('refuses a bad limit', async () => {
    const response = await daemon.request('GET', '/v1/audit?limit=0');
    assert.equal(response.status, 400);
    assert.match(response.body.error.details.limit, /1 to 1000/);
  });
});
