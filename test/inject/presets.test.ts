// Integration-kit presets: each names a built-in service, is a valid mapping, and writes what its
// service's material allows.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { applyInjection } from '../../daemon/inject';
import { parseMappings } from '../../daemon/inject/mappings';
import { INJECTION_PRESETS, mappingFromPreset, presetsForService } from '../../daemon/inject/kitPresets';
import { BUILT_IN_SERVICES } from '../../daemon/keys/builtInServices';
import { tempWorkspace, testMaterial } from './support/workspace';

describe('integration-kit presets', function () {
  it('have unique ids and name built-in services', function () {
    assert.equal(new Set(INJECTION_PRESETS.map((p) => p.id)).size, INJECTION_PRESETS.length);
    const services = new Set(BUILT_IN_SERVICES.map((s) => s.id));
    for (const preset of INJECTION_PRESETS) assert.ok(services.has(preset.serviceId), `${preset.id}: ${preset.serviceId}`);
    for (const id of ['payline', 'cegid-loop-standard', 'cegid-loop-cabinet', 'ingeneo', 'cloudmc']) {
      assert.ok(presetsForService(id).length > 0, `no preset for ${id}`);
    }
  });

  it('ask for an Authorization header only from services whose scheme has one', function () {
    for (const preset of INJECTION_PRESETS) {
      const scheme = BUILT_IN_SERVICES.find((s) => s.id === preset.serviceId)!.scheme;
      if (scheme === 'pair')
        assert.ok(
          preset.targets.every((t) => t.value !== 'authorization'),
          preset.id,
        );
    }
  });

  it('are valid .vscode/keysmith.json mappings', function () {
    const mappings = INJECTION_PRESETS.map((preset) => mappingFromPreset(preset, 'test'));
    assert.deepEqual(parseMappings(JSON.stringify({ mappings })).mappings, mappings);
  });

  it('each write into a fresh workspace', async function () {
    const ws = await tempWorkspace();
    try {
      await mkdir(ws.at('config'));
      for (const preset of INJECTION_PRESETS) {
        const results = await applyInjection(ws.root, preset.targets, testMaterial());
        assert.ok(
          results.every((r) => r.changed),
          preset.id,
        );
      }
    } finally {
      await ws.cleanup();
    }
  });
});
