// The extension's reading of .vscode/keysmith.json (its pure part): JSONC like VS Code and the daemon,
// and a broken file reported with its line and column instead of being taken as "no mappings".
import assert from 'node:assert/strict';
import { parseMappingsText } from '../../extension/inject/mappingsText';
import { parseMappings } from '../../daemon/inject/mappings';

const target = { file: '.env', path: 'API_REF', value: 'reference' };

describe('extension: reading .vscode/keysmith.json', function () {
  it('accepts comments and trailing commas, as the daemon does', function () {
    const text = [
      '// where Keysmith writes keys',
      '{',
      '  /* test keys */',
      '  "mappings": [',
      `    { "serviceId": "cloudmc", "environment": "test", "targets": [${JSON.stringify(target)},] },`,
      '  ],',
      '}',
    ].join('\n');
    const parsed = parseMappingsText(text);
    assert.deepEqual(parsed, { ok: true, mappings: [{ serviceId: 'cloudmc', environment: 'test', targets: [target] }] });
    assert.deepEqual(
      parseMappings(text).mappings,
      parsed.ok ? parsed.mappings : undefined,
      'the extension and the daemon read the file alike',
    );
  });

  it('reports a syntax error with its line and column', function () {
    const parsed = parseMappingsText('{\n  "mappings": [\n    { "serviceId": "cloudmc" "environment": "test" }\n  ]\n}\n');
    assert.deepEqual(parsed, { ok: false, problem: { line: 3, column: 30, reason: 'comma expected' } });
  });

  it('reports a file that is empty or truncated rather than reading it as no mappings', function () {
    assert.equal(parseMappingsText('').ok, false);
    const truncated = parseMappingsText('{ "mappings": [\n');
    assert.equal(truncated.ok, false);
    assert.equal(truncated.ok ? 0 : truncated.problem.line, 2);
  });

  it('reports a "mappings" that is not a list, pointing at its value', function () {
    assert.deepEqual(parseMappingsText('{\n  "mappings": {}\n}'), {
      ok: false,
      problem: { line: 2, column: 15, reason: 'expected an object with a "mappings" list' },
    });
    assert.deepEqual(parseMappingsText('[]'), {
      ok: false,
      problem: { line: 1, column: 1, reason: 'expected an object with a "mappings" list' },
    });
  });

  it('skips an entry without a targets list instead of failing the pre-fill', function () {
    const parsed = parseMappingsText(
      JSON.stringify({ mappings: [null, { serviceId: 'x' }, { serviceId: 'y', environment: 'test', targets: [] }] }),
    );
    assert.deepEqual(parsed, { ok: true, mappings: [{ serviceId: 'y', environment: 'test', targets: [] }] });
  });
});
