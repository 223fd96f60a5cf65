import { strict as assert } from 'node:assert';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import sinon from 'sinon';
import type { Injector } from '../../daemon/core/context';
import { KeysmithError } from '../../daemon/errors';
import type { InjectResult, KeyCreated } from '../../daemon/protocol';
import { useTestDaemon } from '../support/hooks';
import { startTestDaemon, type TestDaemon } from '../support/inProcessDaemon';
import { useTempDirs } from '../support/tempDirs';

const target = { file: '.env', path: 'INGENEO_KEY', value: 'secret' as const };
const okResult = (file = '.env', pathName = 'INGENEO_KEY'): InjectResult => ({
  file,
  path: pathName,
  changed: true,
  gitTracked: false,
  gitIgnored: false,
});

describe('injection through the API (fake injector)', () => {
  let daemon: TestDaemon;
  let sandbox: sinon.SinonSandbox;
  let injector: { [K in keyof Injector]: sinon.SinonStub };

  beforeEach(async () => {
    sandbox = sinon.createSandbox();
    injector = {
      previewInjection: sandbox.stub().resolves([okResult()]),
      applyInjection: sandbox.stub().resolves([okResult()]),
      mappedTargets: sandbox.stub().resolves([]),
    };
    daemon = await startTestDaemon({ injector: injector as unknown as Injector });
  });
  afterEach(async () => {
    sandbox.restore();
    await daemon.stop();
  });

  const keyCount = async () => (await daemon.request('GET', '/v1/keys')).body.total as number;

  it('plans, stores, then writes the new key into explicit targets, and audits file and path', async () => {
    const response = await daemon.request<KeyCreated>('POST', '/v1/keys', {
      serviceId: 'ingeneo',
      environment: 'production',
      name: 'app',
      workspace: '/work/ws',
      inject: [target],
    });
    assert.equal(response.status, 201, response.text);
    assert.deepEqual(response.body.injected, [okResult()]);
    sinon.assert.callOrder(injector.previewInjection, injector.applyInjection);
    const material = injector.applyInjection.firstCall.args[2];
    assert.equal(material.secret, response.body.secret.secret);
    assert.equal(material.authorization, `Bearer ${response.body.secret.secret}`);
    sinon.assert.notCalled(injector.mappedTargets);
    const audit = (await daemon.request('GET', `/v1/audit?keyId=${response.body.key.id}`)).body.items;
    const injected = audit.find((event: { action: string }) => event.action === 'key.injected');
    assert.deepEqual(injected.details, { workspace: '/work/ws', file: '.env', path: 'INGENEO_KEY', changed: true });
  });

  it('uses the workspace mapped targets when no explicit inject is given', async () => {
    injector.mappedTargets.resolves([target]);
    const response = await daemon.request('POST', '/v1/keys', {
      serviceId: 'ingeneo',
      environment: 'test',
      name: 'app',
      workspace: '/work/ws',
    });
    assert.equal(response.status, 201);
    sinon.assert.calledWith(injector.mappedTargets, '/work/ws', 'ingeneo', 'test');
    assert.deepEqual(injector.applyInjection.firstCall.args[1], [target]);
  });

  it('stores nothing when a target is refused at planning', async () => {
    injector.previewInjection.rejects(new KeysmithError('TRACKED_BY_GIT', '".env" is tracked by git.'));
    const response = await daemon.request('POST', '/v1/keys', {
      serviceId: 'ingeneo',
      environment: 'production',
      name: 'app',
      workspace: '/work/ws',
      inject: [target],
    });
    assert.equal(response.status, 409);
    assert.equal(response.body.error.code, 'TRACKED_BY_GIT');
    sinon.assert.notCalled(injector.applyInjection);
    assert.equal(await keyCount(), 0);
  });

  it('takes the key back when writing fails after it was stored', async () => {
    injector.applyInjection.rejects(new KeysmithError('FILE_CHANGED', 'changed on disk'));
    const response = await daemon.request('POST', '/v1/keys', {
      serviceId: 'ingeneo',
      environment: 'production',
      name: 'app',
      workspace: '/work/ws',
      inject: [target],
    });
    assert.equal(response.status, 409);
    assert.equal(await keyCount(), 0);
    // The trail says what happened: the key was stored, then taken back, and why.
    const events = (await daemon.request('GET', '/v1/audit?limit=2')).body.items as Array<{
      action: string;
      keyId: string;
      details?: object;
    }>;
    assert.deepEqual(
      events.map((event) => event.action),
      ['key.discarded', 'key.created'],
    );
    assert.equal(events[0]!.keyId, events[1]!.keyId);
    assert.deepEqual(events[0]!.details, { reason: 'injection failed; the secret was never handed out' });
  });

  it('rewrites mapped targets on regenerate and restores the old key if that fails', async () => {
    const created = (await daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'ingeneo', environment: 'production', name: 'app' }))
      .body;
    injector.mappedTargets.resolves([target]);
    const rotated = await daemon.request('POST', `/v1/keys/${created.key.id}/regenerate`, { workspace: '/work/ws' });
    assert.equal(rotated.status, 201);
    assert.equal(injector.applyInjection.lastCall.args[2].secret, rotated.body.secret.secret);
    assert.deepEqual(rotated.body.injected, [okResult()]);

    injector.applyInjection.rejects(new KeysmithError('FILE_CHANGED', 'changed on disk'));
    const failed = await daemon.request('POST', `/v1/keys/${rotated.body.key.id}/regenerate`, { workspace: '/work/ws' });
    assert.equal(failed.status, 409);
    const current = (await daemon.request('GET', `/v1/keys/${rotated.body.key.id}`)).body;
    assert.equal(current.state, 'active');
    assert.equal(current.rotatedTo, undefined);
    assert.equal(await keyCount(), 2);
    assert.equal((await daemon.request('POST', '/v1/verify', { key: rotated.body.secret.secret })).body.valid, true);
    const events = (await daemon.request('GET', '/v1/audit?limit=4')).body.items as Array<{ action: string; keyId: string }>;
    assert.deepEqual(
      events.map((event) => [event.action, event.keyId === rotated.body.key.id ? 'old' : 'successor']),
      [
        ['key.regenerate.undone', 'old'],
        ['key.discarded', 'successor'],
        ['key.created', 'successor'],
        ['key.regenerated', 'old'],
      ],
    );
  });

  it('regenerates from the record as it is after planning: a rename made meanwhile reaches the new key, and survives a failed write', async () => {
    const created = (await daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'ingeneo', environment: 'production', name: 'app' }))
      .body;
    const renameDuringPlanning = (name: string) => async () => {
      const patched = await daemon.request('PATCH', `/v1/keys/${created.key.id}`, { name });
      assert.equal(patched.status, 200, patched.text);
      return [target];
    };
    injector.mappedTargets.callsFake(renameDuringPlanning('renamed before failing'));
    injector.applyInjection.rejects(new KeysmithError('FILE_CHANGED', 'changed on disk'));
    assert.equal((await daemon.request('POST', `/v1/keys/${created.key.id}/regenerate`, { workspace: '/work/ws' })).status, 409);
    const restored = (await daemon.request('GET', `/v1/keys/${created.key.id}`)).body;
    assert.equal(restored.name, 'renamed before failing');
    assert.equal(restored.state, 'active');
    assert.equal(restored.rotatedTo, undefined);

    injector.mappedTargets.callsFake(renameDuringPlanning('renamed'));
    injector.applyInjection.resolves([okResult()]);
    const rotated = await daemon.request('POST', `/v1/keys/${created.key.id}/regenerate`, { workspace: '/work/ws' });
    assert.equal(rotated.status, 201, JSON.stringify(rotated.body.error)); // never the text: it holds the new secret
    assert.equal(rotated.body.key.name, 'renamed');
  });

  it('refuses a regenerate (409 SERVICE_DISABLED) whose service is disabled while it is planned, and stores nothing', async () => {
    const created = (await daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'ingeneo', environment: 'production', name: 'app' }))
      .body;
    injector.mappedTargets.callsFake(async () => {
      const disabled = await daemon.request('PATCH', '/v1/services/ingeneo', { enabled: false, disabledReason: 'contract ended' });
      assert.equal(disabled.status, 200, disabled.text);
      return [target];
    });
    const refused = await daemon.request('POST', `/v1/keys/${created.key.id}/regenerate`, { workspace: '/work/ws' });
    assert.equal(refused.status, 409, `status ${refused.status}`); // never the text: a 201 holds the new secret
    assert.equal(refused.body.error.code, 'SERVICE_DISABLED');
    sinon.assert.notCalled(injector.applyInjection);
    assert.equal(await keyCount(), 1);
    assert.equal((await daemon.request('GET', `/v1/keys/${created.key.id}`)).body.rotatedTo, undefined);
    assert.equal((await daemon.request('POST', '/v1/verify', { key: created.secret.secret })).body.valid, true);
  });

  it('previews with masked material only, so preview text never holds the secret', async () => {
    const created = (await daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'payline', environment: 'test', name: 'p' })).body;
    const preview = await daemon.request('POST', '/v1/inject/preview', { keyId: created.key.id, workspace: '/work/ws', targets: [target] });
    assert.equal(preview.status, 200, preview.text);
    const material = injector.previewInjection.lastCall.args[2];
    assert.equal(material.secret, created.key.masked);
    assert.equal(material.reference, created.key.reference);
    assert.equal(material.authorization, `Basic ${Buffer.from(`${created.key.reference}:${created.key.masked}`).toString('base64')}`);
  });

  it('injects a retrievable key from its sealed copy', async () => {
    const created = (await daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'ingeneo', environment: 'test', name: 't' })).body;
    const response = await daemon.request('POST', '/v1/inject', { keyId: created.key.id, workspace: '/work/ws', targets: [target] });
    assert.equal(response.status, 200);
    assert.equal(injector.applyInjection.lastCall.args[2].secret, created.secret.secret);
  });

  it('injects a production key only with the secret its caller holds (409 NOT_RETRIEVABLE otherwise, 400 if wrong)', async () => {
    const created = (await daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'ingeneo', environment: 'production', name: 'p' }))
      .body;
    const body = { keyId: created.key.id, workspace: '/work/ws', targets: [target] };
    const refused = await daemon.request('POST', '/v1/inject', body);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'NOT_RETRIEVABLE');
    const wrong = await daemon.request('POST', '/v1/inject/preview', { ...body, secret: 'ing_live_not_the_right_one' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.error.details.secret, /does not match/);
    const withSecret = await daemon.request('POST', '/v1/inject', { ...body, secret: created.secret.secret });
    assert.equal(withSecret.status, 200);
    assert.ok(!withSecret.text.includes(created.secret.secret));
  });

  it('answers 404 for an unknown key', async () => {
    const response = await daemon.request('POST', '/v1/inject', { keyId: 'key_missing', workspace: '/work/ws', targets: [target] });
    assert.equal(response.status, 404);
  });
});

describe('injection through the API (real writers)', () => {
  const daemon = useTestDaemon({}, 'each');
  const temp = useTempDirs();
  let workspace: string;
  beforeEach(async () => {
    workspace = await temp.make('ws');
  });

  it('writes a new key into the mapped .env of a workspace, keeping the rest of the file', async () => {
    await mkdir(path.join(workspace, '.vscode'));
    await writeFile(
      path.join(workspace, '.vscode', 'keysmith.json'),
      JSON.stringify({
        mappings: [{ serviceId: 'payline', environment: 'test', targets: [{ file: '.env', path: 'PAYLINE_KEY', value: 'secret' }] }],
      }),
    );
    await writeFile(path.join(workspace, '.env'), '# payments\nPAYLINE_KEY=old\nOTHER=1\n');
    const response = await daemon.request<KeyCreated>('POST', '/v1/keys', {
      serviceId: 'payline',
      environment: 'test',
      name: 'shop',
      workspace,
    });
    assert.equal(response.status, 201, response.text);
    assert.equal(await readFile(path.join(workspace, '.env'), 'utf8'), `# payments\nPAYLINE_KEY=${response.body.secret.secret}\nOTHER=1\n`);
    assert.equal(response.body.injected?.length, 1);
  });

  it('refuses a target outside the workspace and stores no key', async () => {
    const response = await daemon.request('POST', '/v1/keys', {
      serviceId: 'payline',
      environment: 'production',
      name: 'shop',
      workspace,
      inject: [{ file: '../escape.env', path: 'K', value: 'secret' }],
    });
    assert.equal(response.status, 400, response.text);
    assert.equal((await daemon.request('GET', '/v1/keys')).body.total, 0);
  });
});
