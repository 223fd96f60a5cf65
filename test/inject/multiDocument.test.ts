// Multi-document YAML through the injection entry points: the preview masks the old secret of the
// chosen document (the masking re-runs the writer, which needs the document too), and apply
// writes that document only.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { applyInjection, previewInjection } from '../../daemon/inject';
import { testMaterial, tempWorkspace, type TempWorkspace } from './support/workspace';

describe('multi-document YAML targets', function () {
  let ws: TempWorkspace;
  const old = `old${'Q'.repeat(16)}`;
  const text = `payline:\n  access-key: test-key\n---\nspring:\n  config:\n    activate:\n      on-profile: prod\npayline:\n  access-key: ${old}\n`;
  const target = {
    file: 'application.yml',
    path: 'payline.access-key',
    value: 'secret' as const,
    document: { 'spring.config.activate.on-profile': 'prod' },
  };
  beforeEach(async function () {
    ws = await tempWorkspace();
    await ws.write('application.yml', text);
  });
  afterEach(async function () {
    await ws.cleanup();
  });

  it('masks the old secret of the chosen document in the preview', async function () {
    const material = testMaterial();
    const [result] = await previewInjection(ws.root, [target], material);
    assert.ok(!result!.before!.includes(old), 'the preview shows the old secret');
    assert.ok(!result!.after!.includes(material.secret), 'the preview shows the new secret');
    assert.ok(result!.before!.startsWith('payline:\n  access-key: test-key\n---\n'));
  });

  it('writes the chosen document and leaves the other byte for byte', async function () {
    const material = testMaterial();
    await applyInjection(ws.root, [target], material);
    assert.equal(await readFile(ws.at('application.yml'), 'utf8'), text.replace(old, material.secret));
  });
});
