// `.vscode/keysmith.json`: read as JSONC, validated, filtered per service and environment; its
// JSON schema (shipped for the editor) accepts and refuses the same things.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mappedTargets } from '../../daemon/inject';
import { KeysmithError } from '../../daemon/errors';
import { statusOf } from '../../daemon/http/errorStatus';
import { tempWorkspace, type TempWorkspace } from './support/workspace';

describe('workspace mappings (.vscode/keysmith.json)', function () {
  let ws: TempWorkspace;
  beforeEach(async function () {
    ws = await tempWorkspace();
    await mkdir(ws.at('.vscode'));
  });
  afterEach(async function () {
    await ws.cleanup();
  });

  it('answers [] when the workspace has no mappings file', async function () {
    assert.deepEqual(await mappedTargets(ws.root, 'payline', 'test'), []);
  });

  it('reads JSONC and returns the targets of the matching service and environment only', async function () {
    await ws.write(
      '.vscode/keysmith.json',
      `{
      "$schema": "../schemas/keysmith.schema.json",
      // Payline kit, homologation
      "mappings": [
        { "serviceId": "payline", "environment": "test", "targets": [
          { "file": "payline.properties", "path": "payline.accessKey", "referencePath": "payline.merchantId", "value": "pair" },
        ] },
        { "serviceId": "payline", "environment": "production", "targets": [{ "file": "prod.env", "path": "K", "value": "secret" }] },
        { "serviceId": "payline", "environment": "test", "targets": [{ "file": ".env", "path": "H", "value": "authorization" }] },
      ],
    }`,
    );
    assert.deepEqual(await mappedTargets(ws.root, 'payline', 'test'), [
      { file: 'payline.properties', path: 'payline.accessKey', referencePath: 'payline.merchantId', value: 'pair' },
      { file: '.env', path: 'H', value: 'authorization' },
    ]);
    assert.deepEqual(await mappedTargets(ws.root, 'cloudmc', 'test'), []);
  });

  async function expectInvalid(text: string, field: string): Promise<KeysmithError> {
    await ws.write('.vscode/keysmith.json', text);
    const error = await mappedTargets(ws.root, 'payline', 'test').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof KeysmithError);
    assert.equal(statusOf(error), 400);
    assert.equal(error.code, 'INVALID_MAPPINGS');
    assert.ok(field in (error.details as Record<string, string>), `details should name ${field}: ${JSON.stringify(error.details)}`);
    return error;
  }

  it('refuses a file that does not parse, with line and column', async function () {
    const error = await expectInvalid('{\n  "mappings": [\n    oops\n  ]\n}', 'line');
    assert.match(error.message, /line 3, column 5/);
    assert.doesNotMatch(error.message, /oops/);
  });

  it('refuses a wrong shape, naming the field and what is accepted', async function () {
    const error = await expectInvalid(
      '{"mappings": [{"serviceId": "payline", "environment": "staging", "targets": []}]}',
      'mappings.0.environment',
    );
    assert.match(error.message, /test or production/);
    await expectInvalid(
      '{"mappings": [{"serviceId": "payline", "environment": "test", "targets": [{"file": ".env", "path": "K", "value": "pair"}]}]}',
      'mappings.0.targets.0.referencePath',
    );
    await expectInvalid(
      '{"mappings": [{"serviceId": "payline", "environment": "test", "targets": [{"file": ".env", "path": "K", "value": "secret", "fmt": "env"}]}]}',
      'mappings.0.targets.0',
    );
    await expectInvalid('{}', 'mappings');
  });

  it('passes a YAML document selector on, by index or by keys and values, and refuses a malformed one', async function () {
    const targets = [
      { file: 'application.yml', path: 'payline.access-key', value: 'secret', document: { 'spring.config.activate.on-profile': 'prod' } },
      { file: 'k8s.yaml', path: 'stringData.API_KEY', value: 'secret', document: 1 },
    ];
    await ws.write('.vscode/keysmith.json', JSON.stringify({ mappings: [{ serviceId: 'payline', environment: 'production', targets }] }));
    assert.deepEqual(await mappedTargets(ws.root, 'payline', 'production'), targets);
    for (const document of ['-1', '1.5', '{}', '"prod"', '{"a": 1}']) {
      const error = await expectInvalid(
        `{"mappings": [{"serviceId": "payline", "environment": "test", "targets": [{"file": "a.yml", "path": "k", "value": "secret", "document": ${document}}]}]}`,
        'mappings.0.targets.0.document',
      );
      assert.match(error.message, /document/);
    }
  });

  it('refuses more than 200 targets in all, naming the cap', async function () {
    const target = { file: '.env', path: 'K', value: 'secret' };
    const file = (n: number, m = 1) =>
      JSON.stringify({
        mappings: Array.from({ length: m }, () => ({
          serviceId: 'payline',
          environment: 'test',
          targets: Array.from({ length: n }, () => target),
        })),
      });
    await ws.write('.vscode/keysmith.json', file(200));
    assert.equal((await mappedTargets(ws.root, 'payline', 'test')).length, 200);
    const error = await expectInvalid(file(101, 2), 'mappings');
    assert.match(error.message, /more than 200 targets/);
    await expectInvalid(file(4000), 'mappings');
  });

  it('refuses a mappings file that is a symlink leading outside the workspace', async function () {
    const outsideFile = path.join(ws.outside, 'keysmith.json');
    await writeFile(outsideFile, '{"mappings": []}');
    await symlink(outsideFile, ws.at('.vscode/keysmith.json'));
    await assert.rejects(mappedTargets(ws.root, 'payline', 'test'), { code: 'INVALID_TARGET' });
  });

  it('ships a draft-07 JSON schema describing the same fields', function () {
    const schema = JSON.parse(readFileSync(path.join(__dirname, '../../schemas/keysmith.schema.json'), 'utf8'));
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(schema.required, ['mappings']);
    const target = schema.definitions.target;
    assert.deepEqual(Object.keys(target.properties).sort(), ['document', 'file', 'format', 'path', 'referencePath', 'value']);
    assert.deepEqual(target.properties.format.enum, ['env', 'json', 'jsonc', 'yaml', 'properties', 'ini', 'toml', 'xml']);
    assert.deepEqual(target.properties.value.enum, ['secret', 'reference', 'authorization', 'pair']);
    const file = new RegExp(target.properties.file.pattern);
    for (const ok of ['.env', 'config/app.yaml', 'a..b/c', '.github/x.yml', 'my.git/x']) assert.ok(file.test(ok), ok);
    for (const bad of ['/etc/passwd', '../x', 'a/../../b', 'C:\\x', '\\\\server\\share', '.git/config', 'sub/.GIT/hooks/x'])
      assert.ok(!file.test(bad), bad);
  });
});
