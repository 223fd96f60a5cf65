import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { AuditEvent } from '../../daemon/protocol';
import { initialStoreData } from '../../daemon/server';
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

  it('answers a kept change with success when the audit log fails, and writes its event once the log works again', async () => {
    // Changes other than key writes (here a verify token) are audited after they are made, by the trail.
    const append = sandbox.stub(store.audit, 'append').callThrough();
    append.onFirstCall().rejects(new Error('ENOSPC: no space left on device'));
    const created = await daemon.request('POST', '/v1/tokens', { name: 'kept', role: 'verify' });
    assert.equal(created.status, 201, 'the token is stored and its secret must reach the caller');
    assert.ok(
      daemon.logs.some((line) => /audit log refused 1 event.*ENOSPC/.test(line)),
      daemon.logs.join('\n'),
    );
    assert.ok(daemon.logs.every((line) => !line.includes(created.body.token)));
    assert.equal(daemon.server.core.audit.pending, 1);
    await daemon.request('POST', '/v1/tokens', { name: 'second', role: 'verify' });
    assert.deepEqual(await actions('?limit=2'), ['token.created', 'token.created']);
    assert.equal(daemon.server.core.audit.pending, 0);
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
