// Golden before/after strings for the TOML writer.
import assert from 'node:assert/strict';
import { writeToml } from '../../daemon/inject/formats/toml';

const write = (text: string, path: string | string[], value: string) => writeToml(text, { path, value });

describe('TOML writer', function () {
  const config = [
    '# INGENEO sync job',
    'title = "sync" # shown in logs',
    "client.name = 'welyb'",
    '',
    '[ingeneo]',
    '  url = "https://api.ingeneo.example"',
    "  api_key = 'old'",
    '  retry = { count = 3, backoff = "1s" }',
    '  note = """',
    'multi',
    'line"""',
    '',
    '[[jobs]]',
    'name = "nightly"',
    '',
  ].join('\n');

  it('replaces a basic string, keeping its trailing comment', function () {
    assert.equal(write(config, 'title', 'new "t"'), config.replace('"sync"', '"new \\"t\\""'));
  });

  it('keeps a literal string literal when the value allows it, and falls back to a basic string', function () {
    assert.equal(write(config, 'ingeneo.api_key', 'ing_test_x'), config.replace("'old'", "'ing_test_x'"));
    assert.equal(write(config, 'ingeneo.api_key', "it's"), config.replace("'old'", '"it\'s"'));
  });

  it('replaces a multi-line string by a one-line one', function () {
    assert.equal(write(config, 'ingeneo.note', 'n'), config.replace('"""\nmulti\nline"""', '"n"'));
  });

  it('edits a dotted key and a key inside an inline table', function () {
    assert.equal(write(config, 'client.name', 'mcf'), config.replace("'welyb'", "'mcf'"));
    assert.equal(write(config, 'ingeneo.retry.backoff', '2s'), config.replace('"1s"', '"2s"'));
  });

  it("creates a missing key at the end of its table with the table's indentation and the file's last string quoting", function () {
    assert.equal(write(config, 'ingeneo.reference', 'r'), config.replace('line"""\n', 'line"""\n  reference = "r"\n'));
  });

  it('adds a missing key to an inline table inside its braces', function () {
    assert.equal(write(config, 'ingeneo.retry.max', '9'), config.replace('backoff = "1s" }', 'backoff = "1s", max = "9" }'));
  });

  it('adds a root key after the last root key, before the first table', function () {
    assert.equal(write(config, 'env', 'prod'), config.replace("client.name = 'welyb'\n", 'client.name = \'welyb\'\nenv = "prod"\n'));
  });

  it('adds under an existing dotted-key table with a dotted key', function () {
    assert.equal(write(config, 'client.id', 'c'), config.replace("client.name = 'welyb'\n", 'client.name = \'welyb\'\nclient.id = "c"\n'));
  });

  it('creates a new table at the end for a path under no existing table', function () {
    const text = 'a = "1"\n\n[b]\nc = "2"\n';
    assert.equal(write(text, 'cloudmc.api.key', 'k'), 'a = "1"\n\n[b]\nc = "2"\n\n[cloudmc.api]\nkey = "k"\n');
  });

  it('quotes keys that are not bare and escapes control characters', function () {
    assert.equal(write('', ['a b', 'c'], 'x\ty'), '["a b"]\nc = "x\\ty"\n');
  });

  it('replaces a non-string value by a string', function () {
    assert.equal(write('port = 8080\n', 'port', '80'), 'port = "80"\n');
  });

  it('keeps CRLF, the BOM and the absence of a final newline', function () {
    assert.equal(write('\uFEFF[s]\r\nk = "1"', 's.k', '2'), '\uFEFF[s]\r\nk = "2"');
    assert.equal(write('[s]\r\nk = "1"', 's.n', '2'), '[s]\r\nk = "1"\r\nn = "2"');
  });

  it('refuses a path into an array of tables or through a value', function () {
    assert.throws(() => write(config, 'jobs.name', 'x'), { name: 'PathError' });
    assert.throws(() => write(config, 'title.sub', 'x'), { name: 'PathError' });
  });

  it('refuses an unparsable file with line and column and no quoted content', function () {
    assert.throws(
      () => write('a = "1"\nsecret = sk_old_value\n', 'a', 'x'),
      (error: Error & { line: number; column: number }) => {
        assert.equal(error.name, 'FormatError');
        assert.equal(error.line, 2);
        assert.doesNotMatch(error.message, /sk_old_value/);
        return true;
      },
    );
  });

  it('refuses a key of 20,000 dotted segments with a PathError instead of running out of stack', function () {
    const deep = Array.from({ length: 20_000 }, (_, i) => `k${i}`).join('.');
    for (const text of [`${deep} = "x"\n`, `[${deep}]\nb = 1\n`]) {
      assert.throws(
        () => writeToml(text, { path: 'a', value: 'v' }),
        (error: Error) => error.name === 'PathError' && /more than 256 levels/.test(error.message),
      );
    }
  });

  it('replaces a string inside an array by its index, and refuses an index past the end', function () {
    const text = '[package]\nkeywords = ["async", \'io\', # comment\n  "net",\n]\n';
    assert.equal(writeToml(text, { path: 'package.keywords.1', value: 'new' }), text.replace("'io'", "'new'"));
    assert.equal(writeToml(text, { path: 'package.keywords.2', value: 'new' }), text.replace('"net"', '"new"'));
    assert.throws(() => writeToml(text, { path: 'package.keywords.3', value: 'new' }), { name: 'PathError' });
  });
});
