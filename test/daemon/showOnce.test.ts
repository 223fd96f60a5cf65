import { strict as assert } from 'node:assert';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { KeyCreated } from '../../daemon/protocol';
import type { Answer } from '../support/http';
import { startTestDaemon, type TestDaemon } from '../support/inProcessDaemon';
import { tableContents } from '../support/teamStore';
import { makeTempDir, removeDir } from '../support/tempDirs';

/** The ways a secret could leak in text: as is, or base64/base64url/hex encoded. */
function encodings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('base64').slice(0, 24)];
}

describe('show-once and secrets at rest', () => {
  let dataDir: string;
  let daemon: TestDaemon;
  const responses: Answer[] = [];
  const call = async (method: string, urlPath: string, body?: unknown) => {
    const response = await daemon.request(method, urlPath, body);
    assert.ok(response.status < 300, `${method} ${urlPath}: ${response.text}`);
    responses.push(response);
    return response;
  };
  const production: string[] = [];
  const retrievable: string[] = [];

  before(async () => {
    dataDir = await makeTempDir('showonce');
    daemon = await startTestDaemon({ dataDir });
    for (const serviceId of ['payline', 'ingeneo', 'cegid-loop-standard', 'cloudmc']) {
      const created = (await call('POST', '/v1/keys', { serviceId, environment: 'production', name: `prod ${serviceId}` }))
        .body as KeyCreated;
      production.push(created.secret.secret);
      const test = (await call('POST', '/v1/keys', { serviceId, environment: 'test', name: `test ${serviceId}` })).body as KeyCreated;
      retrievable.push(test.secret.secret);
      await call('POST', '/v1/verify', { key: created.secret.secret });
    }
    await call('POST', '/v1/keys/import', {
      serviceId: 'payline',
      environment: 'production',
      name: 'imported',
      secret: 'ImportedPaylineSecret9qV8',
    });
    retrievable.push('ImportedPaylineSecret9qV8');
    const list = (await call('GET', '/v1/keys?pageSize=100')).body;
    const first = list.items.find((key: { name: string }) => key.name === 'prod payline');
    const rotated = (await call('POST', `/v1/keys/${first.id}/regenerate`, { graceSeconds: 60 })).body as KeyCreated;
    production.push(rotated.secret.secret);
    await call('POST', '/v1/verify', { key: 'wrong-secret-attempt' });
    // Every read a client can make after creation:
    const after = (await call('GET', '/v1/keys?pageSize=100')).body;
    for (const key of after.items) {
      await call('GET', `/v1/keys/${key.id}`);
      if (key.retrievable) await call('POST', `/v1/keys/${key.id}/reveal`);
    }
    await call('GET', '/v1/audit?limit=1000');
    await call('GET', '/v1/services');
    await call('GET', '/v1/tokens');
    await daemon.stop();
  });
  after(async () => {
    await daemon.stop();
    await removeDir(dataDir);
  });

  it('returns each production secret in exactly one response: the one that created it', () => {
    for (const secret of production) {
      const carrying = responses.filter((response) => response.text.includes(secret));
      assert.equal(carrying.length, 1, `a production secret appeared in ${carrying.length} responses`);
      assert.equal(carrying[0]!.status, 201);
    }
  });

  it('never writes a secret to disk, plain or encoded (store, backup, audit log; on a team store, every table)', async () => {
    const files = await readdir(dataDir);
    // On a team store the records are in the database; the data dir keeps only the daemon's own files.
    const tables = daemon.storeUrl === undefined ? [] : await tableContents(daemon.storeUrl);
    if (daemon.storeUrl === undefined) assert.ok(files.includes('store.json') && files.includes('audit.jsonl'), files.join(', '));
    else assert.ok(['table keys', 'table audit'].every((table) => tables.some(([name, rows]) => name === table && rows !== '')));
    const contents = [
      ...(await Promise.all(
        files
          .filter((file) => file !== 'master.key')
          .map(async (file) => [file, await readFile(path.join(dataDir, file), 'utf8')] as const),
      )),
      ...tables,
    ];
    for (const secret of [...production, ...retrievable]) {
      for (const encoded of encodings(secret)) {
        for (const [file, text] of contents)
          assert.ok(!text.includes(encoded), `${file} holds a secret (${encoded === secret ? 'plain' : 'encoded'})`);
      }
    }
  });

  it('keeps audit events free of secrets while recording who did what', () => {
    const audit = responses.find((response) => response.text.includes('"action"'))!;
    const actions = new Set((audit.body.items as Array<{ action: string; actor: string }>).map((event) => event.action));
    for (const action of ['key.created', 'key.imported', 'key.regenerated', 'key.revealed', 'verify.failed'])
      assert.ok(actions.has(action), action);
    for (const secret of [...production, ...retrievable]) assert.ok(!audit.text.includes(secret));
  });
});
