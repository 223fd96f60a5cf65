// What a client learns of the team side: health on the admin socket names the store and the member the
// daemon acts as (never on TCP, which every local process reaches), and GET /v1/keys?createdBy= lists
// the keys one member created.
import { strict as assert } from 'node:assert';
import { newChallenge, proofMatches } from '../../common/daemonProof';
import type { Health, KeyList } from '../../daemon/protocol';
import { initialStoreData } from '../../daemon/server';
import { openEmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import type { Store } from '../../daemon/store/repositories';
import { useTestDaemon } from '../support/hooks';
import { startTestDaemon, type TestDaemon } from '../support/inProcessDaemon';
import { useTempDirs } from '../support/tempDirs';

describe('GET /v1/health: the store and the member', () => {
  const daemon = useTestDaemon();

  it('names the embedded store and its member, the OS user as owner, on the admin socket', async () => {
    const answer = await daemon.request<Health>('GET', '/v1/health', undefined, { token: null });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.store, 'embedded');
    assert.deepEqual(answer.body.member, { name: 'tester', role: 'owner' });
  });

  it('says neither on TCP, with or without a challenge', async () => {
    for (const query of ['', `?challenge=${newChallenge()}`]) {
      const answer = await daemon.tcpRequest<Health>('GET', `/v1/health${query}`, undefined, { token: null });
      assert.equal(answer.status, 200);
      assert.deepEqual(Object.keys(answer.body).sort(), ['status', 'version'], query);
    }
  });

  it('answers a challenge on the socket with the proof beside the store and the member', async () => {
    const challenge = newChallenge();
    const answer = await daemon.request<Health>('GET', `/v1/health?challenge=${challenge}`, undefined, { token: null });
    assert.ok(proofMatches(daemon.token, challenge, answer.body.proof));
    assert.equal(answer.body.store, 'embedded');
    assert.equal(answer.body.member?.role, 'owner');
  });
});

describe('GET /v1/health on a store that is not the embedded one', () => {
  const temp = useTempDirs();
  let daemon: TestDaemon | undefined;
  afterEach(async () => daemon?.stop());

  it('reports what the store says: its description and the current member, role included', async () => {
    const dataDir = await temp.make('team-health');
    const embedded = await openEmbeddedStore({ dataDir, initialData: initialStoreData, ownerName: 'tester' });
    // A team store as the seam shows it: another description, a member who is not the owner.
    const teamLike: Store = {
      ...embedded,
      description: 'postgres://db.example:5432/keysmith',
      members: { ...embedded.members, current: async () => ({ name: 'alice', role: 'issuer', createdAt: '2030-01-01T00:00:00.000Z' }) },
    };
    daemon = await startTestDaemon({ dataDir, store: teamLike });
    const answer = await daemon.request<Health>('GET', '/v1/health', undefined, { token: null });
    assert.equal(answer.body.store, 'postgres://db.example:5432/keysmith');
    assert.deepEqual(answer.body.member, { name: 'alice', role: 'issuer' }, 'name and role, nothing else of the record');
  });
});

describe('GET /v1/keys?createdBy=', () => {
  const temp = useTempDirs('all');
  let daemon: TestDaemon | undefined;
  after(async () => daemon?.stop());

  // Two OS users in turn on one data dir: each daemon records its own user as the creator.
  before(async () => {
    const dataDir = await temp.make('created-by');
    const createAs = async (adminName: string, names: string[]) => {
      const running = await startTestDaemon({ dataDir, adminName });
      for (const name of names) {
        const created = await running.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name });
        assert.equal(created.status, 201, created.text);
      }
      return running;
    };
    await (await createAs('alice', ['Alice shop', 'Alice CRM'])).stop();
    daemon = await createAs('bob', ['Bob shop']);
  });

  const list = async (query: string) => {
    const response = await daemon!.request<KeyList>('GET', `/v1/keys${query}`);
    assert.equal(response.status, 200, response.text);
    return { names: response.body.items.map((key) => key.name).sort(), total: response.body.total };
  };

  it('lists only the keys the named member created', async () => {
    assert.deepEqual(await list('?createdBy=alice'), { names: ['Alice CRM', 'Alice shop'], total: 2 });
    assert.deepEqual(await list('?createdBy=bob'), { names: ['Bob shop'], total: 1 });
    assert.deepEqual(await list(''), { names: ['Alice CRM', 'Alice shop', 'Bob shop'], total: 3 });
  });

  it('matches the name exactly and combines with the other filters', async () => {
    assert.deepEqual(await list('?createdBy=ALICE'), { names: [], total: 0 });
    assert.deepEqual(await list('?createdBy=ali'), { names: [], total: 0 });
    assert.deepEqual(await list('?createdBy=alice&q=crm'), { names: ['Alice CRM'], total: 1 });
    assert.deepEqual(await list('?createdBy=bob&q=alice'), { names: [], total: 0 });
  });

  it('refuses an empty or overlong creator with VALIDATION_FAILED naming the field', async () => {
    for (const value of ['', 'x'.repeat(201)]) {
      const refused = await daemon!.request('GET', `/v1/keys?createdBy=${value}`);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.code, 'VALIDATION_FAILED');
      assert.ok('createdBy' in refused.body.error.details, JSON.stringify(refused.body.error.details));
    }
  });
});
