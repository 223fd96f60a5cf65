// Saving an integration-kit preset into .vscode/keysmith.json (the extension's pure part): a minimal
// edit that keeps the user's comments, and a result both the extension and the daemon read back.
import assert from 'node:assert/strict';
import { parseMappings } from '../../daemon/inject/mappings';
import { alreadyMapped, appendMapping, newMappingsText } from '../../extension/inject/mappingsEdit';

const mapping = {
  serviceId: 'cloudmc',
  environment: 'test' as const,
  targets: [{ file: 'config/cloudmc.yaml', path: 'cloudmc.apiKey', value: 'secret' as const }],
};
const other = {
  serviceId: 'ingeneo',
  environment: 'test' as const,
  targets: [{ file: '.env', path: 'INGENEO_KEY', value: 'secret' as const }],
};

describe('extension: saving a mapping into .vscode/keysmith.json', function () {
  it('writes a new file the daemon accepts', function () {
    assert.deepEqual(parseMappings(newMappingsText(mapping)).mappings, [mapping]);
  });

  it('appends to an existing list, keeping comments and the entries already there', function () {
    const text = `// team mappings\n{\n  "mappings": [\n    ${JSON.stringify(other)}, // the INGENEO client\n  ],\n}\n`;
    const edited = appendMapping(text, mapping)!;
    assert.ok(edited.startsWith('// team mappings\n{\n  "mappings": [\n'), edited);
    assert.ok(edited.includes('// the INGENEO client'), edited);
    assert.deepEqual(parseMappings(edited).mappings, [other, mapping]);
  });

  it('refuses to edit a file that is not a valid mapping file', function () {
    assert.equal(appendMapping('{ "mappings": [', mapping), undefined);
    assert.equal(appendMapping('{ "mappings": {} }', mapping), undefined);
  });

  it('knows when every target is already mapped for the service and environment', function () {
    assert.equal(alreadyMapped([other, mapping], mapping), true);
    assert.equal(alreadyMapped([other, { ...mapping, environment: 'production' }], mapping), false);
    assert.equal(alreadyMapped([], mapping), false);
  });
});
