// Golden before/after strings for the .NET appSettings writer.
import assert from 'node:assert/strict';
import { writeXmlAppSetting } from '../../daemon/inject/formats/xml';

const write = (text: string, path: string, value: string) => writeXmlAppSetting(text, { path, value });

describe('XML appSettings writer', function () {
  const webConfig = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<configuration>',
    '  <configSections>',
    '    <section name="x" type="X, X" />',
    '  </configSections>',
    '  <!-- <add key="Payline:AccessKey" value="commented-out"/> -->',
    '  <appSettings>',
    "    <add key='Payline:MerchantId' value='123'/>",
    '    <add key="Payline:AccessKey"   value="old" />',
    '  </appSettings>',
    '</configuration>',
    '',
  ].join('\r\n');

  it('replaces the value attribute only, ignoring commented-out entries', function () {
    assert.equal(write(webConfig, 'Payline:AccessKey', 'pay_live_x'), webConfig.replace('value="old"', 'value="pay_live_x"'));
  });

  it('escapes the value for its attribute quote style', function () {
    assert.equal(write(webConfig, 'Payline:AccessKey', `a&b<"c'`), webConfig.replace('value="old"', `value="a&amp;b&lt;&quot;c'"`));
    assert.equal(write(webConfig, 'Payline:MerchantId', `it's`), webConfig.replace("value='123'", "value='it&apos;s'"));
  });

  it('adds a value attribute to an entry that has none', function () {
    assert.equal(
      write('<configuration><appSettings><add key="k"/></appSettings></configuration>', 'k', 'v'),
      '<configuration><appSettings><add key="k" value="v"/></appSettings></configuration>',
    );
  });

  it('adds a missing entry after the last one with its indentation, quotes and closing', function () {
    assert.equal(
      write(webConfig, 'Payline:Reference', 'r'),
      webConfig.replace('value="old" />\r\n', 'value="old" />\r\n    <add key="Payline:Reference" value="r" />\r\n'),
    );
  });

  it('creates appSettings as the last child of configuration when missing', function () {
    const text = '<configuration>\n    <startup />\n</configuration>\n';
    assert.equal(
      write(text, 'K', 'v'),
      '<configuration>\n    <startup />\n    <appSettings>\n        <add key="K" value="v" />\n    </appSettings>\n</configuration>\n',
    );
  });

  it('opens a self-closing appSettings', function () {
    assert.equal(
      write('<configuration>\n  <appSettings/>\n</configuration>', 'K', 'v'),
      '<configuration>\n  <appSettings>\n    <add key="K" value="v" />\n  </appSettings>\n</configuration>',
    );
  });

  it('refuses a file whose root is not configuration', function () {
    assert.throws(() => write('<root/>', 'K', 'v'), { name: 'PathError' });
  });

  it('refuses malformed XML with line and column, quoting nothing', function () {
    assert.throws(
      () => write('<configuration>\n  <appSettings>\n    <add key="k" value="sk_old>\n</configuration>', 'k', 'v'),
      (error: Error & { line: number }) => {
        assert.equal(error.name, 'FormatError');
        assert.doesNotMatch(error.message, /sk_old/);
        return true;
      },
    );
  });
});
