// Random JSON at every endpoint (fast-check, fixed seed, bounded runs): the daemon never answers 5xx and
// never dies, every refusal has the API's error shape, and afterwards the store file parses and holds
// exactly the keys that the 2xx calls created (minus the ones 2xx deletes removed).
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { createKey } from './support/api';
import { fuzzCall, type FuzzCall } from './support/fuzzRequests';
import { describeAnswer, keepAliveAgent, redactSecrets, send } from '../support/http';
import { startTestDaemon, type TestDaemon } from '../support/inProcessDaemon';
import { reliabilitySeed } from './support/seededRandom';
import { findStoreFile, readStoreFile } from './support/storeFile';
import { storedKeys, tableContents } from '../support/teamStore';
import { useTempDirs } from '../support/tempDirs';

const RUNS = Number(process.env.KEYSMITH_FUZZ_RUNS) || 600;

describe('reliability: fuzzing every endpoint with random JSON', function () {
  let daemon: TestDaemon | undefined;
  after(async function () {
    await daemon?.stop().catch(() => undefined);
  });
  const temp = useTempDirs('all');

  it(`answers ${RUNS} random requests without a 5xx, and the store holds exactly what 2xx calls created`, async function () {
    this.timeout(120_000);
    const seed = reliabilitySeed(424_242);
    const dataDir = await temp.make('fuzz');
    const workspace = await temp.make('fuzz-workspace');
    daemon = await startTestDaemon({ defaults: 'daemon', dataDir });
    const live = daemon;
    const agent = keepAliveAgent(1);

    const expectedKeys = new Set<string>();
    const secrets: string[] = [];
    for (const environment of ['test', 'production'] as const) {
      const created = await createKey(live, { environment, name: `seed ${environment}` });
      expectedKeys.add(created.key.id);
      secrets.push(created.secret.secret);
    }
    const tally: Record<string, number> = {};

    const resolve = (call: FuzzCall, services: string[]): FuzzCall => {
      const ids = [...expectedKeys];
      const choose = (list: string[]) =>
        typeof call.pick === 'number' && list.length > 0 ? list[call.pick % list.length]! : String(call.pick);
      const keyId = choose(ids);
      const secret = typeof call.pick === 'number' && secrets.length > 0 ? secrets[call.pick % secrets.length]! : 'not-a-secret';
      const fill = (value: string) =>
        value.replaceAll('{key}', encodeURIComponent(keyId)).replaceAll('{service}', encodeURIComponent(choose(services)));
      const inJson = (value: string) => JSON.stringify(value).slice(1, -1);
      const body =
        call.body === undefined
          ? undefined
          : JSON.parse(JSON.stringify(call.body).replaceAll('{key}', inJson(keyId)).replaceAll('{secret}', inJson(secret)));
      return { ...call, path: fill(call.path), body };
    };

    const property = fc.asyncProperty(fuzzCall(workspace), async (generated) => {
      const services = ((await send(live, 'GET', '/v1/services', { agent })).body?.items ?? []).map((s: { id: string }) => s.id);
      const call = resolve(generated, services);
      const answer = await send(live, call.method, call.path, { agent, json: call.body });
      const where = `${call.method} ${call.path} ${redactSecrets(call.body).slice(0, 300)}`;
      tally[`${answer.status}`] = (tally[`${answer.status}`] ?? 0) + 1;
      assert.ok(answer.status < 500, `${where} -> ${describeAnswer(answer)}`);
      if (answer.status >= 400) {
        assert.ok(answer.body?.error?.code && answer.body.error.message, `${where} -> without the error shape: ${describeAnswer(answer)}`);
      }
      const createsKey = answer.status === 201 && /^\/v1\/keys(\/import|\/[^/]+\/regenerate)?$/.test(call.path);
      if (createsKey) {
        expectedKeys.add(answer.body.key.id);
        if (answer.body.secret?.secret) secrets.push(answer.body.secret.secret);
      }
      if (answer.status === 204 && call.method === 'DELETE' && call.path.startsWith('/v1/keys/')) {
        expectedKeys.delete(decodeURIComponent(call.path.slice('/v1/keys/'.length)));
      }
    });

    try {
      await fc.assert(property, { seed, numRuns: RUNS, endOnFailure: true });
    } finally {
      agent.destroy();
    }
    console.log(
      `      fuzz: ${RUNS} requests, answers by status ${JSON.stringify(tally)}, ${expectedKeys.size} keys expected, seed ${seed}`,
    );
    assert.equal((await send(live, 'GET', '/v1/health', { token: null })).status, 200, 'the daemon stopped serving');

    const storeUrl = live.storeUrl;
    await live.stop();
    daemon = undefined;
    // Read where the records are kept, with no daemon in between: the store and audit files, or a team store's tables.
    const places: Array<readonly [string, string]> = [['the daemon log', live.logs.join('\n')]];
    if (storeUrl === undefined) {
      const store = await readStoreFile(await findStoreFile(dataDir));
      assert.deepEqual(new Set(store.keys.map((key) => key.id)), expectedKeys, 'the store holds other keys than the 2xx calls created');
      const auditFiles = (await readdir(dataDir)).filter((name) => /audit/i.test(name));
      assert.ok(auditFiles.length > 0, 'no audit log in the data dir');
      places.push(
        ['the store file', JSON.stringify(store)],
        ...(await Promise.all(
          auditFiles.map(async (name): Promise<[string, string]> => [name, await readFile(path.join(dataDir, name), 'utf8')]),
        )),
      );
    } else {
      const keys = await storedKeys(storeUrl);
      assert.deepEqual(new Set(keys.map((key) => key.id)), expectedKeys, 'the store holds other keys than the 2xx calls created');
      const tables = await tableContents(storeUrl);
      assert.ok(
        tables.some(([table, rows]) => table === 'table audit' && rows !== ''),
        'no audit events in the database',
      );
      places.push(...tables);
    }
    for (const [place, text] of places) {
      assert.equal(secrets.filter((secret) => text.includes(secret)).length, 0, `a secret is in ${place} in plain text`);
    }
  });
});
