// Golden before/after strings for the YAML writer: anchors, comments, flow and block styles and
// quoting survive; only the scalar's bytes change.
import assert from 'node:assert/strict';
import { writeYaml } from '../../daemon/inject/formats/yaml';

const write = (text: string, path: string | string[], value: string) => writeYaml(text, { path, value });

describe('YAML writer', function () {
  const config = [
    '# CloudMC client',
    'defaults: &defaults',
    '  endpoint: https://cloudmc.example/api/v2   # shown in the console',
    '  timeout: 30',
    '',
    'cloudmc:',
    '  <<: *defaults',
    '  apiKey: "old-key"',
    "  label: 'billing app'",
    '  tags: [billing, prod]',
    '  extra: {region: eu, zone: a}',
    '  notes: |',
    '    kept as is',
    '',
    '# end',
    '',
  ].join('\n');

  it('replaces a double-quoted scalar, keeping quotes, anchors, merge keys and comments', function () {
    assert.equal(write(config, 'cloudmc.apiKey', 'cmc_test_new'), config.replace('"old-key"', '"cmc_test_new"'));
  });

  it('keeps single quotes, doubling a quote inside', function () {
    assert.equal(write(config, 'cloudmc.label', "it's"), config.replace("'billing app'", "'it''s'"));
  });

  it('keeps a plain scalar plain when it reads back as the same string, and its trailing comment', function () {
    const text = 'cloudmc:\n  endpoint: https://cloudmc.example/api/v2   # shown in the console\n';
    assert.equal(
      write(text, 'cloudmc.endpoint', 'https://other.example/v3'),
      text.replace('https://cloudmc.example/api/v2', 'https://other.example/v3'),
    );
  });

  it('quotes a plain scalar whose new value would read as something else', function () {
    const text = 'a: old\n';
    assert.equal(write(text, 'a', 'true'), "a: 'true'\n");
    assert.equal(write(text, 'a', 'x # y'), "a: 'x # y'\n");
    assert.equal(write(text, 'a', '*alias'), "a: '*alias'\n");
    assert.equal(write(text, 'a', 'line\nbreak'), 'a: "line\\nbreak"\n');
  });

  it('edits inside flow collections, quoting what a flow context would split', function () {
    assert.equal(write(config, 'cloudmc.extra.region', 'us,west'), config.replace('{region: eu,', "{region: 'us,west',"));
    assert.equal(write(config, 'cloudmc.tags.1', 'test'), config.replace('[billing, prod]', '[billing, test]'));
  });

  it('replaces a block scalar with a one-line one and keeps the lines after it', function () {
    assert.equal(write(config, 'cloudmc.notes', 'short'), config.replace('|\n    kept as is', 'short'));
  });

  it('keeps the anchor when an anchored scalar no alias repeats changes', function () {
    assert.equal(write('base: &k old\nother: 1\n', 'base', 'new'), 'base: &k new\nother: 1\n');
  });

  it('refuses to write an aliased anchor, an alias, or inside a merged mapping, naming the construct', function () {
    const refused = (text: string, path: string) =>
      assert.throws(
        () => write(text, path, 'new'),
        (error: Error) => error.name === 'PathError' && /anchor \(&\)|alias \(\*\)/.test(error.message) && !error.message.includes('old'),
      );
    refused('base: &k old\nuse: *k\n', 'base');
    refused('base: &k old\n*k : key\n', 'base');
    refused('base: &k old\nuse: *k\n', 'use');
    refused(config, 'defaults.endpoint');
    refused(config, 'defaults.apiKey');
  });

  it('keeps a comment after a block scalar indicator when the block becomes one line', function () {
    const text = 'block: > # note\n  old\n  text\nafter: 1\n';
    assert.equal(write(text, 'block', 'new'), 'block: new # note\nafter: 1\n');
    assert.equal(write('block: |- # note\r\n  old\r\nafter: 1\r\n', 'block', 'new'), 'block: new # note\r\nafter: 1\r\n');
  });

  it('fills an empty value after the colon', function () {
    assert.equal(write('a:\nb: 1\n', 'a', 'v'), 'a: v\nb: 1\n');
  });

  it('creates a missing key at the end of its mapping, indented and quoted like its siblings, before trailing comments', function () {
    assert.equal(
      write(config, 'cloudmc.referenceId', 'ref-1'),
      config.replace('    kept as is\n', '    kept as is\n  referenceId: "ref-1"\n'),
    );
  });

  it("creates missing nested mappings with the file's indentation step and CRLF", function () {
    const text = 'app:\r\n    name: x\r\n';
    assert.equal(write(text, 'ingeneo.auth.apiKey', 'k'), 'app:\r\n    name: x\r\ningeneo:\r\n    auth:\r\n        apiKey: k\r\n');
  });

  it('adds to a flow mapping inside its braces', function () {
    assert.equal(write('svc: {url: x}\n', 'svc.key', 'v'), 'svc: {url: x, key: v}\n');
  });

  it('copies the quoting of sibling values for a new key', function () {
    assert.equal(write('a: "1"\nb: "2"\n', 'c', 'three'), 'a: "1"\nb: "2"\nc: "three"\n');
  });

  it('keeps the BOM, no final newline, unicode and very long lines', function () {
    const long = 'y'.repeat(30_000);
    const text = `\uFEFF# clé ✓\nlong: ${long}\nkey: ancien`;
    assert.equal(write(text, 'key', 'nouvelle'), `\uFEFF# clé ✓\nlong: ${long}\nkey: nouvelle`);
    assert.equal(write(text, 'other', 'v'), `\uFEFF# clé ✓\nlong: ${long}\nkey: ancien\nother: v`);
  });

  it('writes into an empty or comment-only document', function () {
    assert.equal(write('', 'a.b', 'v'), 'a:\n  b: v\n');
    assert.equal(write('# nothing yet\n', 'k', 'v'), '# nothing yet\nk: v\n');
  });

  it('refuses a path through a scalar, and an unparsable file without quoting it', function () {
    assert.throws(() => write('a: text\n', 'a.b', 'v'), { name: 'PathError' });
    assert.throws(
      () => write('key: "sk_old_secret\nnext: 1\n', 'key', 'v'),
      (error: Error & { line: number }) => {
        assert.equal(error.name, 'FormatError');
        assert.doesNotMatch(error.message, /sk_old_secret/);
        assert.ok(error.line >= 1);
        return true;
      },
    );
  });
});
