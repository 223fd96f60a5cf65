// Golden before/after strings for the JSON/JSONC writer.
import assert from 'node:assert/strict';
import { writeJson } from '../../daemon/inject/formats/json';

const write = (text: string, path: string | string[], value: string) => writeJson(text, { path, value });

describe('JSON / JSONC writer', function () {
  const settings = [
    '{',
    '    // INGENEO client configuration',
    '    "ingeneo": {',
    '        "baseUrl": "https://api.ingeneo.example",',
    '        "apiKey": "old-key", /* rotated yearly */',
    '        "companies": ["ACME", "Globex"],',
    '    },',
    '    "logLevel": "info"',
    '}',
    '',
  ].join('\n');

  it('replaces only the value, keeping comments and a trailing comma', function () {
    assert.equal(write(settings, 'ingeneo.apiKey', 'ing_test_new'), settings.replace('"old-key"', '"ing_test_new"'));
  });

  it('escapes quotes, backslashes and control characters as JSON does', function () {
    assert.equal(write('{"a": "x"}', 'a', 'q"b\\s\u0001'), '{"a": "q\\"b\\\\s\\u0001"}');
  });

  it("creates a missing property as a new line in the file's indentation, trailing comma habit included", function () {
    const out = write(settings, 'ingeneo.referenceId', 'ref-1');
    assert.equal(
      out,
      settings.replace(
        '        "companies": ["ACME", "Globex"],\n    },',
        '        "companies": ["ACME", "Globex"],\n        "referenceId": "ref-1",\n    },',
      ),
    );
  });

  it('adds a comma after the last property and keeps its line comment where it was', function () {
    const text = '{\n  "a": "1" // first\n}\n';
    assert.equal(write(text, 'b.c', 'v'), '{\n  "a": "1", // first\n  "b": {\n    "c": "v"\n  }\n}\n');
  });

  it("creates nested objects in the file's tab indentation and CRLF newlines", function () {
    const text = '{\r\n\t"name": "app"\r\n}\r\n';
    assert.equal(write(text, 'cloudmc.apiKey', 'k'), '{\r\n\t"name": "app",\r\n\t"cloudmc": {\r\n\t\t"apiKey": "k"\r\n\t}\r\n}\r\n');
  });

  it('adds to a one-line object on that line, spaced like its first property', function () {
    assert.equal(write('{"a": {"b": 1}}\n', 'a.c', 'v'), '{"a": {"b": 1, "c": "v"}}\n');
    assert.equal(write('{"a":1}', 'x.y', 'v'), '{"a":1, "x":{"y":"v"}}');
  });

  it('changes the last of duplicate keys, the one JSON.parse keeps', function () {
    assert.equal(write('{"a": "1", "b": 2, "a": "3"}', 'a', 'x'), '{"a": "1", "b": 2, "a": "x"}');
  });

  it('indexes into an existing array with a digit segment', function () {
    assert.equal(write('{"keys": ["a", "b"]}', 'keys.1', 'z'), '{"keys": ["a", "z"]}');
  });

  it('takes an array path whose segments hold dots', function () {
    assert.equal(write('{"a.b": {"c": "x"}}', ['a.b', 'c'], 'y'), '{"a.b": {"c": "y"}}');
  });

  it('keeps the BOM and the absence of a final newline', function () {
    assert.equal(write('\uFEFF{"k": "old"}', 'k', 'new'), '\uFEFF{"k": "new"}');
  });

  it('writes an object into an empty file', function () {
    assert.equal(JSON.parse(write('', 'a.b', 'v')).a.b, 'v');
  });

  it('refuses an unparsable file with line, column and a reason that quotes nothing from it', function () {
    const text = '{\n  "apiKey": "sk_old_secret_value",\n  "x": oops\n}';
    assert.throws(
      () => write(text, 'apiKey', 'new'),
      (error: Error & { line: number; column: number }) => {
        assert.equal(error.name, 'FormatError');
        assert.equal(error.line, 3);
        assert.equal(error.column, 8);
        assert.doesNotMatch(error.message, /sk_old|oops/);
        return true;
      },
    );
  });

  it('refuses a path that runs through a string', function () {
    assert.throws(() => write('{"a": "text"}', 'a.b', 'v'), { name: 'PathError' });
  });

  it('refuses arrays nested 20,000 deep with a PathError instead of running out of stack', function () {
    const text = `{"a": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    assert.throws(
      () => write(text, 'b', 'v'),
      (error: Error) => error.name === 'PathError' && /more than 256 levels/.test(error.message),
    );
  });
});
