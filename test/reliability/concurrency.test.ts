// Concurrent changes: 100 creates at once share durable writes and each still gets its own key and
// secret on disk; racing imports, regenerates, revokes and service deletions end as some serial order
// of them would (one winner, revoked stays revoked, no key of a deleted service).
import assert from 'node:assert/strict';
import type { KeyCreated } from '../../daemon/protocol';
import { createKey, listAllKeys, validKeyBody } from './support/api';
import { describeAnswer, keepAliveAgent, send } from '../support/http';
import { startTestDaemon, type TestDaemon } from '../support/inProcessDaemon';
import { findStoreFile, readStoreFile } from './support/storeFile';
import { storedKeys, tableContents } from '../support/teamStore';
import { useTempDirs } from '../support/tempDirs';

const CONCURRENT = 100;

describe('reliability: concurrent changes', function () {
  let daemon: TestDaemon | undefined;
  afterEach(async function () {
    await daemon?.stop();
    daemon = undefined;
  });
  const temp = useTempDirs();

  it(`persists ${CONCURRENT} concurrent creates as ${CONCURRENT} keys with ${CONCURRENT} distinct secrets`, async function () {
    this.timeout(60_000);
    const dataDir = await temp.make('concurrent');
    daemon = await startTestDaemon({ defaults: 'daemon', dataDir });
    const agent = keepAliveAgent(CONCURRENT);
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        send(daemon!, 'POST', '/v1/keys', {
          agent,
          json: validKeyBody({ name: `concurrent ${i}`, environment: i % 2 ? 'test' : 'production' }),
        }),
      ),
    );
    agent.destroy();
    for (const answer of answers) assert.equal(answer.status, 201, describeAnswer(answer));
    const created = answers.map((answer) => answer.body as KeyCreated);
    const ids = new Set(created.map((c) => c.key.id));
    const secrets = new Set(created.map((c) => c.secret.secret));
    assert.equal(ids.size, CONCURRENT, 'key ids collided');
    assert.equal(secrets.size, CONCURRENT, 'secrets collided');

    const listed = await listAllKeys(daemon);
    assert.deepEqual(new Set(listed.map((key) => key.id)), ids, 'the daemon lists other keys than it created');

    const storeUrl = daemon.storeUrl;
    await daemon.stop();
    daemon = undefined;
    // Read where the keys are kept, with no daemon in between: the store file, or a team store's tables.
    const store = storeUrl === undefined ? await readStoreFile(await findStoreFile(dataDir)) : { keys: await storedKeys(storeUrl) };
    assert.deepEqual(new Set(store.keys.map((key) => key.id)), ids, 'the store holds other keys than were created');
    assert.equal(new Set(store.keys.map((key) => key.secretHash)).size, CONCURRENT, 'two stored keys share a secret hash');
    const text = storeUrl === undefined ? JSON.stringify(store) : (await tableContents(storeUrl)).map(([, rows]) => rows).join('\n');
    for (const { secret } of created) {
      assert.ok(!text.includes(secret.secret), 'a secret is in the store in plain text');
    }
  });

  it('stores a secret imported 20 times at once only once (409 DUPLICATE_SECRET for the rest), so revoking it refuses it', async function () {
    daemon = await startTestDaemon({ defaults: 'daemon', dataDir: await temp.make('imports') });
    const secret = 'imported-from-the-platform-0123456789';
    const agent = keepAliveAgent(20);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        send(daemon!, 'POST', '/v1/keys/import', {
          agent,
          json: { ...validKeyBody({ name: `import ${i}`, environment: 'production' }), secret },
        }),
      ),
    );
    agent.destroy();
    const statuses = answers.map((answer) => answer.status).sort();
    assert.deepEqual(
      statuses,
      [201, ...Array<number>(19).fill(409)],
      `statuses of 20 concurrent imports of one secret: ${statuses.join(',')}`,
    );
    for (const refused of answers.filter((answer) => answer.status === 409)) assert.equal(refused.body.error.code, 'DUPLICATE_SECRET');
    assert.equal((await listAllKeys(daemon)).length, 1, 'one secret is stored as several keys');

    const stored = answers.find((answer) => answer.status === 201)!.body.key.id as string;
    assert.equal((await send(daemon, 'POST', `/v1/keys/${stored}/revoke`, { json: {} })).status, 200);
    const verified = await send(daemon, 'POST', '/v1/verify', { json: { key: secret } });
    assert.equal(verified.body.valid, false, `the revoked secret is still accepted: ${describeAnswer(verified)}`);
  });

  it('keeps a key revoked when reactivate, deactivate and rename race its revoke (10 rounds)', async function () {
    const live = await startTestDaemon({ defaults: 'daemon', dataDir: await temp.make('revoke-race') });
    daemon = live;
    const agent = keepAliveAgent(5);
    for (let round = 1; round <= 10; round++) {
      const { key } = await createKey(live, { name: `race ${round}` });
      await send(live, 'POST', `/v1/keys/${key.id}/deactivate`, { json: {} });
      const [, revoke] = await Promise.all([
        send(live, 'POST', `/v1/keys/${key.id}/reactivate`, { agent, json: {} }),
        send(live, 'POST', `/v1/keys/${key.id}/revoke`, { agent, json: {} }),
        send(live, 'POST', `/v1/keys/${key.id}/reactivate`, { agent, json: {} }),
        send(live, 'POST', `/v1/keys/${key.id}/deactivate`, { agent, json: {} }),
        send(live, 'PATCH', `/v1/keys/${key.id}`, { agent, json: { name: `renamed ${round}` } }),
      ]);
      assert.equal(revoke!.status, 200, describeAnswer(revoke!));
      assert.equal((await send(live, 'GET', `/v1/keys/${key.id}`)).body.status, 'revoked', `round ${round}: the revoke was undone`);
    }
    agent.destroy();
  });

  it('never creates a key for a service deleted at the same moment (10 rounds)', async function () {
    const live = await startTestDaemon({ defaults: 'daemon', dataDir: await temp.make('service-race') });
    daemon = live;
    const agent = keepAliveAgent(11);
    for (let round = 1; round <= 10; round++) {
      const service = await send(live, 'POST', '/v1/services', { json: { name: `Short-lived ${round}`, prefix: 'short' } });
      const serviceId = service.body.id as string;
      const create = () => send(live, 'POST', '/v1/keys', { agent, json: validKeyBody({ serviceId }) });
      const answers = await Promise.all([
        ...Array.from({ length: 5 }, create),
        send(live, 'DELETE', `/v1/services/${serviceId}`, { agent }),
        ...Array.from({ length: 5 }, create),
      ]);
      const deleted = answers[5]!.status === 204;
      const orphans = (await listAllKeys(live)).filter((listed) => listed.serviceId === serviceId);
      if (deleted) assert.deepEqual(orphans, [], `round ${round}: keys exist for a deleted service`);
      const created = answers.filter((answer, i) => i !== 5 && answer.status === 201).length;
      assert.equal(orphans.length, created, `round ${round}: ${created} creates answered 201, ${orphans.length} keys listed`);
    }
    agent.destroy();
  });

  it('lets exactly one of 10 concurrent regenerates of a key win; the rest get 409', async function () {
    daemon = await startTestDaemon({ defaults: 'daemon', dataDir: await temp.make('regenerates') });
    const { key } = await createKey(daemon, { name: 'rotated once' });
    const agent = keepAliveAgent(10);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => send(daemon!, 'POST', `/v1/keys/${key.id}/regenerate`, { agent, json: { graceSeconds: 60 } })),
    );
    agent.destroy();
    assert.deepEqual(answers.map((answer) => answer.status).sort(), [201, ...Array<number>(9).fill(409)]);
    const successors = (await listAllKeys(daemon)).filter((listed) => listed.rotatedFrom === key.id);
    assert.equal(successors.length, 1, 'a key was regenerated into several successors');
  });
});
