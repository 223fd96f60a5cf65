import { strict as assert } from 'node:assert';
import { ManualClock } from '../../daemon/keys/clock';
import type { KeyList } from '../../daemon/protocol';
import { useTestDaemon } from '../support/hooks';

describe('GET /v1/keys (filters, sort, paging)', () => {
  const clock = new ManualClock('2030-01-15T09:00:00.000Z');
  const daemon = useTestDaemon({ clock });
  const ids: Record<string, string> = {};

  before(async () => {
    const make = async (name: string, body: Record<string, unknown>) => {
      const response = await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name, ...body });
      assert.equal(response.status, 201, response.text);
      ids[name] = response.body.key.id;
      clock.advance(1000);
    };
    await make('Alpha shop', { startsAt: '2030-01-10T00:00:00Z' });
    await make('beta CRM', { serviceId: 'payline', environment: 'production', startsAt: '2030-01-12T00:00:00Z' });
    await make('Gamma future', { startsAt: '2030-03-01T00:00:00Z' });
    await make('Delta old', { startsAt: '2029-01-01T00:00:00Z', expiresAt: '2029-12-31T00:00:00Z' });
    await make('Epsilon off', { startsAt: '2030-01-01T00:00:00Z' });
    await make('Zeta gone', { startsAt: '2030-01-05T00:00:00Z' });
    await daemon.request('POST', `/v1/keys/${ids['Epsilon off']}/deactivate`);
    await daemon.request('POST', `/v1/keys/${ids['Zeta gone']}/revoke`);
  });

  const names = async (query: string) => {
    const response = await daemon.request<KeyList>('GET', `/v1/keys${query}`);
    assert.equal(response.status, 200, response.text);
    return response.body.items.map((key) => key.name);
  };

  it('sorts by startsAt descending by default', async () => {
    assert.deepEqual(await names(''), ['Gamma future', 'beta CRM', 'Alpha shop', 'Zeta gone', 'Epsilon off', 'Delta old']);
  });

  it('sorts by name or createdAt in either order', async () => {
    assert.deepEqual(await names('?sort=name&order=asc'), [
      'Alpha shop',
      'beta CRM',
      'Delta old',
      'Epsilon off',
      'Gamma future',
      'Zeta gone',
    ]);
    assert.deepEqual(await names('?sort=createdAt&order=asc'), [
      'Alpha shop',
      'beta CRM',
      'Gamma future',
      'Delta old',
      'Epsilon off',
      'Zeta gone',
    ]);
  });

  it('filters by stored and derived status', async () => {
    assert.deepEqual(await names('?status=active&sort=name&order=asc'), ['Alpha shop', 'beta CRM']);
    assert.deepEqual(await names('?status=scheduled'), ['Gamma future']);
    assert.deepEqual(await names('?status=expired'), ['Delta old']);
    assert.deepEqual(await names('?status=inactive'), ['Epsilon off']);
    assert.deepEqual(await names('?status=revoked'), ['Zeta gone']);
  });

  it('filters by service and environment, and matches q on name and reference, ignoring case', async () => {
    assert.deepEqual(await names('?serviceId=payline'), ['beta CRM']);
    assert.deepEqual(await names('?environment=production'), ['beta CRM']);
    assert.deepEqual(await names('?q=CRM'), ['beta CRM']);
    assert.deepEqual(await names('?q=crm'), ['beta CRM']);
    const reference = (await daemon.request('GET', `/v1/keys/${ids['Alpha shop']}`)).body.reference as string;
    assert.deepEqual(await names(`?q=${reference.slice(-8)}`), ['Alpha shop']);
  });

  it('pages with total, page and pageSize', async () => {
    const page2 = await daemon.request<KeyList>('GET', '/v1/keys?sort=name&order=asc&page=2&pageSize=4');
    assert.deepEqual(
      page2.body.items.map((key) => key.name),
      ['Gamma future', 'Zeta gone'],
    );
    assert.equal(page2.body.total, 6);
    assert.equal(page2.body.page, 2);
    assert.equal(page2.body.pageSize, 4);
  });

  it('refuses unknown filters and bad values with a 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['?status=dead', 'status'],
      ['?sort=hint', 'sort'],
      ['?page=0', 'page'],
      ['?pageSize=5000', 'pageSize'],
      ['?order=up', 'order'],
      ['?colour=red', 'colour'],
    ]) {
      const response = await daemon.request('GET', `/v1/keys${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error.code, 'VALIDATION_FAILED');
      assert.ok(field! in response.body.error.details, `${query}: ${response.text}`);
    }
  });
});
