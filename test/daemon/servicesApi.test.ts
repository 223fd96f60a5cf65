import { strict as assert } from 'node:assert';
import type { Service } from '../../daemon/protocol';
import { initialStoreData } from '../../daemon/server';
import { openEmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import { useTestDaemon } from '../support/hooks';
import { startTestDaemon } from '../support/inProcessDaemon';
import { makeTempDir, removeDir } from '../support/tempDirs';

describe('services API', () => {
  const daemon = useTestDaemon({}, 'each');

  it('lists the built-in presets of the seed platforms', async () => {
    const { body } = await daemon.request<{ items: Service[] }>('GET', '/v1/services');
    const byId = new Map(body.items.map((service) => [service.id, service]));
    assert.equal(byId.get('cegid-loop-standard')?.code, 'P04448');
    assert.equal(byId.get('cegid-loop-standard')?.enabled, true);
    assert.equal(byId.get('cegid-loop-cabinet')?.code, 'P04454');
    assert.equal(byId.get('cegid-loop-cabinet')?.enabled, false);
    assert.equal(byId.get('cegid-loop-cabinet')?.disabledReason, 'requires a Cabinet subscription');
    assert.equal(byId.get('payline')?.scheme, 'basic');
    assert.ok(byId.get('ingeneo')!.permissions.length > 0);
    assert.equal(byId.get('ingeneo')?.supportsCompanies, true);
    assert.match(byId.get('cloudmc')!.endpoint!, /^https:\/\//);
    assert.ok(body.items.every((service) => service.builtIn));
  });

  it('creates, changes and deletes a user-defined service', async () => {
    const created = await daemon.request<Service>('POST', '/v1/services', {
      name: 'Stripe-like',
      scheme: 'bearer',
      permissions: ['charges.read'],
      endpoint: 'https://api.example.com/v1',
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.prefix, 'stripeli');
    assert.equal(created.body.builtIn, false);
    const key = await daemon.request('POST', '/v1/keys', { serviceId: created.body.id, environment: 'test', name: 'k' });
    assert.match(key.body.secret.secret, /^stripeli_test_/);
    const patched = await daemon.request<Service>('PATCH', `/v1/services/${created.body.id}`, {
      name: 'Renamed',
      permissions: ['charges.read', 'charges.write'],
    });
    assert.equal(patched.body.name, 'Renamed');
    assert.deepEqual(patched.body.permissions, ['charges.read', 'charges.write']);

    const inUse = await daemon.request('DELETE', `/v1/services/${created.body.id}`);
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.error.code, 'SERVICE_IN_USE');
    const schemeChange = await daemon.request('PATCH', `/v1/services/${created.body.id}`, { scheme: 'basic' });
    assert.equal(schemeChange.status, 409);
    await daemon.request('POST', `/v1/keys/${key.body.key.id}/revoke`);
    await daemon.request('DELETE', `/v1/keys/${key.body.key.id}`);
    assert.equal((await daemon.request('DELETE', `/v1/services/${created.body.id}`)).status, 204);
    assert.equal((await daemon.request('DELETE', `/v1/services/${created.body.id}`)).status, 404);
  });

  it('lets built-ins be disabled but not deleted or reshaped', async () => {
    const disabled = await daemon.request<Service>('PATCH', '/v1/services/cloudmc', { enabled: false, disabledReason: 'contract ended' });
    assert.equal(disabled.body.enabled, false);
    const refusedKey = await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'k' });
    assert.match(refusedKey.body.error.details.serviceId, /contract ended/);
    const deleted = await daemon.request('DELETE', '/v1/services/cloudmc');
    assert.equal(deleted.status, 409);
    assert.equal(deleted.body.error.code, 'BUILT_IN');
    const reshaped = await daemon.request('PATCH', '/v1/services/payline', { prefix: 'xx', scheme: 'bearer' });
    assert.equal(reshaped.status, 400);
    assert.deepEqual(Object.keys(reshaped.body.error.details).sort(), ['prefix', 'scheme']);
  });

  it('refuses bad service fields with what is accepted', async () => {
    const response = await daemon.request('POST', '/v1/services', {
      name: '',
      prefix: 'Bad_Prefix',
      scheme: 'digest',
      endpoint: 'ftp://x',
      defaultValidityDays: 0,
    });
    assert.equal(response.status, 400);
    const details = response.body.error.details;
    assert.match(details.name, /1 to 200 characters/);
    assert.match(details.prefix, /lower-case/);
    assert.match(details.scheme, /bearer, basic, pair/);
    assert.match(details.endpoint, /http\(s\) URL/);
    assert.match(details.defaultValidityDays, /1 to 3650/);
  });

  it('refreshes outdated built-ins on start, keeping what the user chose', async () => {
    const data = initialStoreData();
    const payline = data.services.find((service) => service.id === 'payline')!;
    delete payline.environmentLabels;
    Object.assign(payline, { scheme: 'bearer', enabled: false, endpoint: 'https://my-proxy.example/payline' });
    const cabinet = data.services.find((service) => service.id === 'cegid-loop-cabinet')!;
    Object.assign(cabinet, { enabled: true, prefix: 'old' });
    delete cabinet.disabledReason;
    const dataDir = await makeTempDir('services-upgrade');
    const upgraded = await startTestDaemon({ dataDir, store: await openEmbeddedStore({ dataDir, initialData: () => data }) });
    try {
      const services = new Map(
        ((await upgraded.request('GET', '/v1/services')).body.items as Service[]).map((service) => [service.id, service]),
      );
      assert.deepEqual(services.get('payline')!.environmentLabels, { test: 'homologation', production: 'production' });
      assert.equal(services.get('payline')!.scheme, 'basic');
      assert.equal(services.get('payline')!.enabled, false);
      assert.equal(services.get('payline')!.endpoint, 'https://my-proxy.example/payline');
      assert.equal(services.get('cegid-loop-cabinet')!.prefix, 'loopcab');
      assert.equal(services.get('cegid-loop-cabinet')!.enabled, true);
      assert.equal(services.get('cegid-loop-cabinet')!.disabledReason, undefined);
    } finally {
      await upgraded.stop();
      await removeDir(dataDir);
    }
  });
});
