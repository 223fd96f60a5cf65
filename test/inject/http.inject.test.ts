// Injection through the daemon's HTTP API: a key created or regenerated with a workspace lands in
// every mapped file with nothing else changed; a preview shows the edit with secrets masked.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { INJECTION_PRESETS } from '../../daemon/inject/kitPresets';
import { useTestDaemon } from '../support/hooks';
import { git, tempWorkspace, type TempWorkspace } from './support/workspace';

const KIT = '# Payline kit\npayline.environment = HOMO\npayline.merchantId = 0\npayline.accessKey = replace-me\n';
const ENV = '# sales app\r\nPAYLINE_ENDPOINT=https://homologation.payline.com/V4/services/\r\n';

const mappings = JSON.stringify(
  {
    mappings: [
      {
        serviceId: 'payline',
        environment: 'test',
        targets: [
          { file: 'kit/payline.properties', path: 'payline.accessKey', referencePath: 'payline.merchantId', value: 'pair' },
          { file: '.env', path: 'PAYLINE_AUTHORIZATION', value: 'authorization' },
        ],
      },
    ],
  },
  null,
  2,
);

describe('injection over HTTP', function () {
  const daemon = useTestDaemon();
  let ws: TempWorkspace;
  beforeEach(async function () {
    ws = await tempWorkspace();
    await mkdir(ws.at('.vscode'));
    await mkdir(ws.at('kit'));
    await ws.write('.vscode/keysmith.json', mappings);
    await ws.write('kit/payline.properties', KIT);
    await ws.write('.env', ENV);
  });
  afterEach(async function () {
    await ws.cleanup();
  });

  const expectedFiles = (m: { reference: string; secret: string; authorization: string }) => ({
    kit: KIT.replace('merchantId = 0', `merchantId = ${m.reference}`).replace('replace-me', m.secret),
    env: `${ENV}PAYLINE_AUTHORIZATION='${m.authorization}'\r\n`,
  });

  async function files() {
    return { kit: await readFile(ws.at('kit/payline.properties'), 'utf8'), env: await readFile(ws.at('.env'), 'utf8') };
  }

  it('POST /v1/keys with a workspace writes every mapped target and lists the results', async function () {
    const created = await daemon.request('POST', '/v1/keys', {
      serviceId: 'payline',
      environment: 'test',
      name: 'kit',
      workspace: ws.root,
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(
      created.body.injected.map((r: Record<string, unknown>) => [r.file, r.path, r.changed, r.gitTracked]),
      [
        ['kit/payline.properties', 'payline.accessKey', true, false],
        ['.env', 'PAYLINE_AUTHORIZATION', true, false],
      ],
    );
    assert.ok(created.body.injected.every((r: Record<string, unknown>) => r.before === undefined && r.after === undefined));
    assert.deepEqual(await files(), expectedFiles(created.body.secret));
  });

  it('POST /v1/keys/:id/regenerate rewrites the mapped files with the new key', async function () {
    const created = await daemon.request('POST', '/v1/keys', {
      serviceId: 'payline',
      environment: 'test',
      name: 'kit',
      workspace: ws.root,
    });
    const regenerated = await daemon.request('POST', `/v1/keys/${created.body.key.id}/regenerate`, { workspace: ws.root });
    assert.equal(regenerated.status, 201, regenerated.text);
    assert.equal(regenerated.body.injected.length, 2);
    const now = await files();
    assert.deepEqual(now, expectedFiles(regenerated.body.secret));
    assert.ok(!now.kit.includes(created.body.secret.secret) && !now.env.includes(created.body.secret.authorization));
  });

  it('POST /v1/inject/preview returns masked before/after and writes nothing', async function () {
    const created = await daemon.request('POST', '/v1/keys', {
      serviceId: 'payline',
      environment: 'test',
      name: 'kit',
      workspace: ws.root,
    });
    const { secret } = created.body.secret;
    const written = await files();
    const preview = await daemon.request('POST', '/v1/inject/preview', {
      keyId: created.body.key.id,
      workspace: ws.root,
      targets: [{ file: 'kit/payline.properties', path: 'payline.accessKey', value: 'secret' }],
    });
    assert.equal(preview.status, 200, preview.text);
    const [result] = preview.body.results;
    assert.match(result.hash, /^[0-9a-f]{64}$/);
    assert.equal(result.before, written.kit.replace(secret, `****${secret.slice(-4)}`));
    assert.match(result.after, new RegExp(`payline\\.accessKey = \\*+${secret.slice(-4)}\\n`));
    assert.ok(!preview.text.includes(secret), 'the preview answer holds the secret');
    assert.deepEqual(await files(), written);
  });

  it('refuses a create whose mapped file git tracks: 409, no key stored, files untouched', async function () {
    git(ws.root, 'init', '-q');
    git(ws.root, 'add', '.env');
    const before = (await daemon.request('GET', '/v1/keys?pageSize=100')).body.total;
    const created = await daemon.request('POST', '/v1/keys', {
      serviceId: 'payline',
      environment: 'test',
      name: 'kit',
      workspace: ws.root,
    });
    assert.equal(created.status, 409, created.text);
    assert.equal(created.body.error.code, 'TRACKED_BY_GIT');
    assert.match(created.body.error.message, /git rm --cached/);
    assert.equal((await daemon.request('GET', '/v1/keys?pageSize=100')).body.total, before);
    assert.deepEqual(await files(), { kit: KIT, env: ENV });
  });

  it('POST /v1/inject warns when the written file is in a repository but not ignored', async function () {
    git(ws.root, 'init', '-q');
    await ws.write('.gitignore', '/kit/\n');
    const created = await daemon.request('POST', '/v1/keys', { serviceId: 'payline', environment: 'test', name: 'kit' });
    const written = await daemon.request('POST', '/v1/inject', {
      keyId: created.body.key.id,
      workspace: ws.root,
      targets: [
        { file: 'kit/payline.properties', path: 'payline.accessKey', value: 'reference' },
        { file: '.env', path: 'PAYLINE_REF', value: 'reference' },
      ],
    });
    assert.equal(written.status, 200, written.text);
    const [kit, env] = written.body.results;
    assert.deepEqual([kit.gitIgnored, kit.warnings], [true, undefined]);
    assert.equal(env.gitIgnored, false);
    assert.deepEqual(
      env.warnings.map((w: { code: string; gitignoreLine: string }) => [w.code, w.gitignoreLine]),
      [['NOT_GITIGNORED', '/.env']],
    );
  });

  it('GET /v1/inject/presets lists the integration-kit presets, behind the admin token', async function () {
    const presets = await daemon.request('GET', '/v1/inject/presets');
    assert.equal(presets.status, 200, presets.text);
    assert.deepEqual(presets.body, { items: INJECTION_PRESETS });
    assert.ok(presets.body.items.some((p: { serviceId: string }) => p.serviceId === 'payline'));
    assert.equal((await daemon.request('GET', '/v1/inject/presets', undefined, { token: null })).status, 401);
  });

  it('refuses an invalid mappings file with 400 naming the problem', async function () {
    await ws.write(
      '.vscode/keysmith.json',
      '{"mappings": [{"serviceId": "payline", "environment": "test", "targets": [{"file": ".env", "value": "secret"}]}]}',
    );
    const created = await daemon.request('POST', '/v1/keys', {
      serviceId: 'payline',
      environment: 'test',
      name: 'kit',
      workspace: ws.root,
    });
    assert.equal(created.status, 400, created.text);
    assert.equal(created.body.error.code, 'INVALID_MAPPINGS');
    assert.ok('mappings.0.targets.0.path' in created.body.error.details, created.text);
  });
});
