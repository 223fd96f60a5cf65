// A Keysmith key pasted into a name or another free-text field would be stored, listed, audited and
// synced in clear. The key format carries a checksum, so the daemon recognises a real key (not merely
// key-like text) wherever it sits in the text, and refuses it with a 400 naming the field, never the key.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { generateSecret } from '../../daemon/keys/keyFormat';
import { createKey, validKeyBody } from './support/api';
import { expectFieldRefused } from './support/expectations';
import { send } from '../support/http';
import { useTestDaemon } from '../support/hooks';
import { useTempDirs } from '../support/tempDirs';

interface Case {
  label: string;
  method: string;
  url: () => string;
  body: (text: string) => Record<string, unknown>;
  field: string;
}

describe('reliability: a Keysmith key pasted into a name or other free text', function () {
  const daemon = useTestDaemon({ defaults: 'daemon' });
  let keyId: string;
  let serviceId: string;
  let workspace: string;
  const temp = useTempDirs('all');

  before(async () => {
    keyId = (await createKey(daemon, { name: 'existing' })).key.id;
    serviceId = (await send(daemon, 'POST', '/v1/services', { json: { name: 'Custom service' } })).body.id as string;
    workspace = await temp.make('key-in-names');
  });

  const cases: Case[] = [
    { label: 'key name on create', method: 'POST', url: () => '/v1/keys', body: (text) => validKeyBody({ name: text }), field: 'name' },
    {
      label: 'organization on create',
      method: 'POST',
      url: () => '/v1/keys',
      body: (text) => validKeyBody({ organization: text }),
      field: 'organization',
    },
    {
      label: 'company list on create',
      method: 'POST',
      url: () => '/v1/keys',
      body: (text) => validKeyBody({ companies: [text] }),
      field: 'companies',
    },
    {
      label: 'key name on import',
      method: 'POST',
      url: () => '/v1/keys/import',
      body: (text) => ({ ...validKeyBody({ name: text }), secret: generateSecret('imp', 'test') }),
      field: 'name',
    },
    {
      label: 'reference on import',
      method: 'POST',
      url: () => '/v1/keys/import',
      body: (text) => ({ ...validKeyBody(), secret: generateSecret('imp', 'test'), reference: text.replace(/\s/g, '') }),
      field: 'reference',
    },
    { label: 'key rename', method: 'PATCH', url: () => `/v1/keys/${keyId}`, body: (text) => ({ name: text }), field: 'name' },
    {
      label: 'organization on update',
      method: 'PATCH',
      url: () => `/v1/keys/${keyId}`,
      body: (text) => ({ organization: text }),
      field: 'organization',
    },
    { label: 'token name', method: 'POST', url: () => '/v1/tokens', body: (text) => ({ name: text, role: 'verify' }), field: 'name' },
    { label: 'service name', method: 'POST', url: () => '/v1/services', body: (text) => ({ name: text }), field: 'name' },
    {
      label: 'service description',
      method: 'PATCH',
      url: () => `/v1/services/${serviceId}`,
      body: (text) => ({ description: text }),
      field: 'description',
    },
    {
      label: 'service disabled reason',
      method: 'PATCH',
      url: () => `/v1/services/${serviceId}`,
      body: (text) => ({ enabled: false, disabledReason: text }),
      field: 'disabledReason',
    },
    {
      label: 'service endpoint',
      method: 'PATCH',
      url: () => `/v1/services/${serviceId}`,
      body: (text) => ({ endpoint: `https://api.example.com/v1?key=${text.replace(/\s/g, '')}` }),
      field: 'endpoint',
    },
    {
      label: 'injection workspace (recorded in the audit log)',
      method: 'POST',
      url: () => '/v1/inject/preview',
      body: (text) => ({
        keyId,
        workspace: path.join(workspace, text.replace(/\s/g, '')),
        targets: [{ file: '.env', path: 'API_KEY', value: 'secret' }],
      }),
      field: 'workspace',
    },
    {
      label: 'injection target path (recorded in the audit log)',
      method: 'POST',
      url: () => '/v1/inject/preview',
      body: (text) => ({ keyId, workspace, targets: [{ file: '.env', path: text.replace(/\s/g, ''), value: 'secret' }] }),
      field: 'targets',
    },
  ];

  /** Every file of the data dir as text: the store, its journal and backup, the audit log (not the admin socket). */
  async function dataDirText(): Promise<string> {
    const entries = await readdir(daemon.dataDir, { withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(daemon.dataDir, entry.name));
    return (await Promise.all(files.map((file) => readFile(file, 'latin1')))).join('\n');
  }

  for (const environment of ['test', 'production'] as const) {
    for (const { label, method, url, body, field } of cases) {
      it(`refuses a ${environment} key as or inside the ${label}: 400 naming ${field}, the key neither repeated nor stored`, async () => {
        const key = generateSecret('ing', environment);
        for (const text of [key, `prod copy ${key} (do not share)`]) {
          const answer = await send(daemon, method, url(), { json: body(text) });
          expectFieldRefused(answer, field);
          assert.match(JSON.stringify(answer.body.error.details), /looks like a Keysmith key/);
          assert.ok(!answer.text.includes(key), 'the refusal repeated the key');
        }
        assert.ok(!(await dataDirText()).includes(key), 'the key reached the data dir');
        assert.ok(!daemon.logs.some((line) => line.includes(key)), 'the key reached the log');
      });
    }
  }

  it('accepts text that only resembles a key: the checksum decides', async () => {
    const key = generateSecret('ing', 'test');
    const lastChar = key.at(-1) === 'A' ? 'B' : 'A';
    for (const name of ['billing_live_webhook', `${key.slice(0, -1)}${lastChar}`]) {
      const answer = await send(daemon, 'POST', '/v1/keys', { json: validKeyBody({ name }) });
      assert.equal(answer.status, 201, answer.text);
    }
  });
});
