// Golden before/after strings for the INI writer.
import assert from 'node:assert/strict';
import { writeIni } from '../../daemon/inject/formats/ini';

const write = (text: string, path: string | string[], value: string) => writeIni(text, { path, value });

describe('INI writer', function () {
  const kit = [
    '; Payline kit configuration',
    'log_level = info',
    '',
    '[payline]',
    'merchant_id = 123456789 ; from the admin centre',
    'access_key = "old"',
    '',
    '# other settings',
    '[proxy]',
    'host: proxy.local',
    '',
  ].join('\n');

  it('replaces a value inside its section, keeping an inline comment', function () {
    assert.equal(write(kit, 'payline.merchant_id', '42'), kit.replace('123456789', '42'));
  });

  it('writes a plain value bare where the old one was quoted: configparser keeps quotes as part of the value', function () {
    assert.equal(write(kit, 'payline.access_key', 'pay_test_x'), kit.replace('"old"', 'pay_test_x'));
  });

  it('quotes a value holding ";" or "#" or edge spaces', function () {
    assert.equal(write(kit, 'log_level', 'a;b'), kit.replace('log_level = info', 'log_level = "a;b"'));
    assert.equal(write(kit, 'log_level', ' x'), kit.replace('log_level = info', 'log_level = " x"'));
    assert.equal(write(kit, 'payline.access_key', 'a "b";'), kit.replace('"old"', '\'a "b";\''));
  });

  it('refuses to replace a "key: value" line, which the ini package reads as a flag named after the whole line', function () {
    assert.throws(
      () => write(kit, 'proxy.host', 'x'),
      (error: Error) => error.name === 'PathError' && /key = value/.test(error.message),
    );
  });

  it('refuses a key that a dotted section shadows for readers that nest sections', function () {
    const cfg = '[options]\npackages = find:\n\n[options.packages.find]\nwhere = src\n';
    assert.throws(
      () => write(cfg, 'options.packages', 'x'),
      (error: Error) => error.name === 'PathError' && /\[options\.packages/.test(error.message),
    );
  });

  it('refuses a key above the first section when the file keeps every key in a section, as configparser requires', function () {
    assert.throws(
      () => write('# top\n[s]\nk = 1\n', 'new_key', 'x'),
      (error: Error) => error.name === 'PathError' && /configparser/.test(error.message),
    );
    assert.equal(write('# top\n', 'new_key', 'x'), 'new_key = x\n# top\n');
  });

  it('reads a bare key as one above the first section', function () {
    assert.equal(write(kit, 'log_level', 'debug'), kit.replace('log_level = info', 'log_level = debug'));
  });

  it('does not confuse the same key in another section', function () {
    const text = '[a]\nkey=1\n[b]\nkey=2\n';
    assert.equal(write(text, 'b.key', 'x'), '[a]\nkey=1\n[b]\nkey=x\n');
  });

  it("creates a missing key after the last key of its section, in that section's separator style", function () {
    assert.equal(write(kit, 'payline.reference', 'ref'), kit.replace('access_key = "old"\n', 'access_key = "old"\nreference = ref\n'));
  });

  it('creates a missing section at the end, separated by a blank line as the others are', function () {
    assert.equal(write(kit, 'cloudmc.api_key', 'k'), `${kit}\n[cloudmc]\napi_key = k\n`);
  });

  it('takes the last dot as the key separator, or an array path for dotted keys', function () {
    assert.equal(write('[a.b]\nc=1\n', 'a.b.c', '2'), '[a.b]\nc=2\n');
    assert.equal(write('[s]\nx.y=1\n', ['s', 'x.y'], '2'), '[s]\nx.y=2\n');
  });

  it("creates a key after a multi-line value's continuation lines, never inside them, as configparser reads them", function () {
    const tox =
      '[testenv]\ndeps = pytest\ncommands =\n    pytest {posargs}\n\n    # coverage too\n    coverage report\n\n[flake8]\nmax-line-length = 100\n';
    assert.equal(write(tox, 'testenv.api_key', 'k'), tox.replace('    coverage report\n', '    coverage report\napi_key = k\n'));
  });

  it('does not take an indented continuation line holding "=" for a key of its own', function () {
    const cfg = '[options.entry_points]\nconsole_scripts =\n    flask = flask.cli:main\n';
    assert.equal(write(cfg, 'options.entry_points.flask', 'k'), `${cfg}flask = k\n`);
  });

  it('refuses to replace a multi-line value rather than leave its continuation lines behind', function () {
    assert.throws(
      () => write('[testenv]\ncommands =\n    pytest\n', 'testenv.commands', 'k'),
      (error: Error) => error.name === 'PathError' && /multi-line value/.test(error.message),
    );
  });

  it('keeps CRLF, the BOM and no final newline', function () {
    assert.equal(write('\uFEFF[s]\r\nk=1', 's.k', '2'), '\uFEFF[s]\r\nk=2');
    assert.equal(write('[s]\r\nk=1', 's.n', '2'), '[s]\r\nk=1\r\nn=2');
  });

  it('refuses a section header without its closing bracket', function () {
    assert.throws(
      () => write('[ok]\n[broken\nk=1\n', 'ok.k', 'v'),
      (error: Error & { line: number }) => {
        assert.equal(error.name, 'FormatError');
        assert.equal(error.line, 2);
        return true;
      },
    );
  });
});
