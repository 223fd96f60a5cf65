// Golden before/after strings for the Java .properties writer.
import assert from 'node:assert/strict';
import { writeProperties } from '../../daemon/inject/formats/properties';

const write = (text: string, path: string, value: string) => writeProperties(text, { path, value });

describe('.properties writer', function () {
  const kit = [
    '# Payline integration kit settings',
    '! environment: HOMO or PROD',
    'payline.environment = HOMO',
    'payline.merchant.id=123456789',
    'payline.access.key : oldAccessKey',
    'payline.contract    1234567',
    'payline.proxy.url = http://proxy.local:3128/\\',
    '    path',
    '',
  ].join('\r\n');

  it('replaces the value after "=", ":" or whitespace separators, keeping the separator as written', function () {
    assert.equal(write(kit, 'payline.access.key', 'pay_test_new'), kit.replace('oldAccessKey', 'pay_test_new'));
    assert.equal(write(kit, 'payline.merchant.id', '42'), kit.replace('id=123456789', 'id=42'));
    assert.equal(write(kit, 'payline.contract', '99'), kit.replace('contract    1234567', 'contract    99'));
  });

  it('replaces a value continued over several lines by a single line', function () {
    assert.equal(write(kit, 'payline.proxy.url', 'http://p/'), kit.replace('http://proxy.local:3128/\\\r\n    path', 'http://p/'));
  });

  it('escapes backslashes, a leading space and non-ASCII as \\uXXXX', function () {
    assert.equal(write('k=v\n', 'k', ' a\\b é\t'), 'k=\\ a\\\\b \\u00E9\\t\n');
  });

  it('escapes a leading "=" or ":" that a blank separator would swallow', function () {
    assert.equal(write('key old\n', 'key', ':v=1'), 'key \\:v=1\n');
  });

  it('matches keys by their unescaped form', function () {
    assert.equal(write('my\\ key=old\n', 'my key', 'new'), 'my\\ key=new\n');
    assert.equal(write('cl\\u00E9=old\n', 'clé', 'new'), 'cl\\u00E9=new\n');
  });

  it('changes the last duplicate, the one Properties.load keeps', function () {
    assert.equal(write('a=1\nb=2\na=3\n', 'a', 'x'), 'a=1\nb=2\na=x\n');
  });

  it('ignores comment lines that look like entries', function () {
    assert.equal(write('#a=1\n!a=2\na=3\n', 'a', 'x'), '#a=1\n!a=2\na=x\n');
  });

  it('appends a missing key with the separator of the last entry, escaping the key', function () {
    assert.equal(write(kit, 'payline.reference', 'ref'), `${kit}payline.reference = ref\r\n`);
    assert.equal(write('a: 1', 'b c', 'v'), 'a: 1\nb\\ c: v');
  });

  it('keeps the BOM', function () {
    assert.equal(write('\uFEFFa=1\n', 'a', '2'), '\uFEFFa=2\n');
  });

  it('refuses a malformed \\u escape with its line and column', function () {
    assert.throws(
      () => write('a=1\nb=\\u12G4\n', 'a', 'x'),
      (error: Error & { line: number; column: number }) => {
        assert.equal(error.name, 'FormatError');
        assert.equal(error.line, 2);
        assert.equal(error.column, 3);
        return true;
      },
    );
  });
});
