// docs/injection.md's worked examples are true: for each preset, the mapping shown is the preset's
// and the "after" text is exactly what Keysmith writes into the "before" text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { applyInjection } from '../../daemon/inject';
import { INJECTION_PRESETS, mappingFromPreset } from '../../daemon/inject/kitPresets';
import { EXAMPLE_BEFORE, exampleMaterial } from './support/docExamples';
import { tempWorkspace } from './support/workspace';

const doc = readFileSync(path.join(__dirname, '../../docs/injection.md'), 'utf8');

/** The fenced code blocks of the section whose heading names the preset. */
function blocksOf(presetId: string): string[] {
  const start = doc.indexOf(`### \`${presetId}\``);
  assert.ok(start !== -1, `docs/injection.md has no example for ${presetId}`);
  const end = doc.indexOf('\n### ', start + 1);
  const section = doc.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```[^\n]*\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}

describe('docs/injection.md worked examples', function () {
  for (const preset of INJECTION_PRESETS) {
    it(`shows what the ${preset.id} preset really writes`, async function () {
      const [mapping, before, after] = blocksOf(preset.id);
      assert.deepEqual(JSON.parse(mapping!), mappingFromPreset(preset, 'test'));
      assert.equal(`${before}\n`, EXAMPLE_BEFORE[preset.id]);
      const ws = await tempWorkspace();
      try {
        await mkdir(ws.at('config'));
        const file = preset.targets[0]!.file;
        await ws.write(file, `${before}\n`);
        await applyInjection(ws.root, preset.targets, exampleMaterial(preset.serviceId));
        assert.equal(await readFile(ws.at(file), 'utf8'), `${after}\n`);
      } finally {
        await ws.cleanup();
      }
    });
  }
});
