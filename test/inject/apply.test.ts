// What preview and apply produce: values per kind, several targets composing into one write,
// masked previews, byte-exact non-UTF-8 files, and no rewrite when nothing changes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { applyInjection, previewInjection } from '../../daemon/inject';
import { readProperties } from './support/oracles';
import { tempWorkspace, testMaterial, type TempWorkspace } from './support/workspace';

describe('injection preview and apply', function () {
  let ws: TempWorkspace;
  const material = testMaterial();
  beforeEach(async function () {
    ws = await tempWorkspace();
  });
  afterEach(async function () {
    await ws.cleanup();
  });

  it('writes a pair (reference and secret) and another target on the same file in one write', async function () {
    await ws.write('kit.properties', '# Payline kit\npayline.merchant.id=old-ref\npayline.access.key=old-key\n');
    const results = await applyInjection(
      ws.root,
      [
        { file: 'kit.properties', path: 'payline.access.key', referencePath: 'payline.merchant.id', value: 'pair' },
        { file: 'kit.properties', path: 'payline.authorization', value: 'authorization' },
      ],
      material,
    );
    assert.deepEqual(
      results.map((r) => [r.file, r.path, r.changed, r.gitTracked]),
      [
        ['kit.properties', 'payline.access.key', true, false],
        ['kit.properties', 'payline.authorization', true, false],
      ],
    );
    assert.equal(
      await readFile(ws.at('kit.properties'), 'utf8'),
      [
        '# Payline kit',
        `payline.merchant.id=${material.reference}`,
        `payline.access.key=${material.secret}`,
        `payline.authorization=${material.authorization}`,
        '',
      ].join('\n'),
    );
    assert.ok(
      results.every((r) => r.before === undefined && r.after === undefined),
      'apply results carry no file text',
    );
  });

  it('puts back the files it already wrote when a later file cannot be written, so no file keeps the secret of a failed injection', async function () {
    await ws.write('.env', 'KEEP=1\n');
    // Its temp file name would pass the 255-byte limit: planning reads it, writing it fails (even as root).
    const longName = `${'a'.repeat(236)}.env`;
    await ws.write(longName, 'OTHER=1\n');
    await assert.rejects(
      applyInjection(
        ws.root,
        [
          { file: '.env', path: 'API_KEY', value: 'secret' },
          { file: 'fresh.env', path: 'API_KEY', value: 'secret' },
          { file: longName, path: 'API_KEY', value: 'secret' },
        ],
        material,
      ),
      /ENAMETOOLONG/,
    );
    assert.equal(await readFile(ws.at('.env'), 'utf8'), 'KEEP=1\n', '.env kept the secret of the failed injection');
    await assert.rejects(stat(ws.at('fresh.env')), { code: 'ENOENT' }, 'fresh.env was left behind');
    assert.equal(await readFile(ws.at(longName), 'utf8'), 'OTHER=1\n');
  });

  it('previews without writing: before masks the secret being replaced, after masks the new one', async function () {
    const oldSecret = `ks_${'test'}_OLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLd9Xz`;
    const text = `{\n  "cloudmc": {\n    "apiKey": "${oldSecret}",\n    "keyId": "old-ref"\n  }\n}\n`;
    await ws.write('appsettings.json', text);
    const [result] = await previewInjection(
      ws.root,
      [{ file: 'appsettings.json', path: 'cloudmc.apiKey', referencePath: 'cloudmc.keyId', value: 'pair' }],
      material,
    );
    assert.equal(await readFile(ws.at('appsettings.json'), 'utf8'), text, 'preview wrote the file');
    assert.equal(result!.hash, createHash('sha256').update(text).digest('hex'));
    assert.equal(result!.changed, true);
    assert.equal(result!.before, text.replace(oldSecret, '****d9Xz'));
    assert.equal(result!.after, text.replace(oldSecret, `****${material.secret.slice(-4)}`).replace('old-ref', material.reference));
    const shown = JSON.stringify(result);
    assert.ok(!shown.includes(oldSecret) && !shown.includes(material.secret), 'a preview leaked a secret');
  });

  it('previews a new file as empty before', async function () {
    const [result] = await previewInjection(ws.root, [{ file: '.env.local', path: 'REF', value: 'reference' }], material);
    assert.equal(result!.before, '');
    assert.equal(result!.after, `REF=${material.reference}\n`);
    assert.equal(result!.hash, createHash('sha256').update('').digest('hex'));
  });

  it('does not rewrite a file that already holds the values', async function () {
    await ws.write('.env', `API_KEY=${material.secret}\n`);
    const before = await stat(ws.at('.env'));
    const [result] = await applyInjection(ws.root, [{ file: '.env', path: 'API_KEY', value: 'secret' }], material);
    assert.equal(result!.changed, false);
    assert.equal((await stat(ws.at('.env'))).ino, before.ino, 'the file was replaced although nothing changed');
  });

  it('keeps a Latin-1 .properties file byte-exact around the value', async function () {
    const bytes = Buffer.from('# caf\u00e9 cr\u00e8me\nkey=old\n', 'latin1');
    await ws.write('kit.properties', bytes);
    await applyInjection(ws.root, [{ file: 'kit.properties', path: 'key', value: 'secret' }], material);
    const out = await readFile(ws.at('kit.properties'));
    assert.deepEqual(out, Buffer.concat([Buffer.from('# caf\u00e9 cr\u00e8me\nkey=', 'latin1'), Buffer.from(`${material.secret}\n`)]));
    assert.equal(readProperties(out.toString('latin1')).key, material.secret);
  });

  it('uses the explicit format over the file name', async function () {
    await ws.write('settings.cfg', 'api:\n  key: old\n');
    await applyInjection(ws.root, [{ file: 'settings.cfg', format: 'yaml', path: 'api.key', value: 'secret' }], material);
    assert.equal(await readFile(ws.at('settings.cfg'), 'utf8'), `api:\n  key: ${material.secret}\n`);
  });
});
