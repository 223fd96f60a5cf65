// Golden before/after strings for the .env writer: only the value's bytes change.
import assert from 'node:assert/strict';
import { writeDotenv } from '../../daemon/inject/formats/dotenv';

const write = (text: string, path: string, value: string) => writeDotenv(text, { path, value });

describe('dotenv writer', function () {
  const app = [
    '# Cegid Loop client settings',
    'export LOOP_API_URL=https://api.loop.example/v1   # production API',
    '',
    'LOOP_KEY_ID="old-id"',
    "LOOP_SECRET='old secret'",
    'DEBUG = false',
    '',
  ].join('\n');

  it('replaces an unquoted value and keeps the inline comment and spacing', function () {
    assert.equal(
      write(app, 'LOOP_API_URL', 'https://other.example/v2'),
      app.replace('https://api.loop.example/v1', 'https://other.example/v2'),
    );
  });

  it('keeps the double quotes of a double-quoted value', function () {
    assert.equal(write(app, 'LOOP_KEY_ID', 'new-id'), app.replace('"old-id"', '"new-id"'));
  });

  it('keeps single quotes and keeps the spaces around "=" as they were', function () {
    assert.equal(write(app, 'LOOP_SECRET', 'loop_test_abc'), app.replace("'old secret'", "'loop_test_abc'"));
    assert.equal(write(app, 'DEBUG', 'true'), app.replace('DEBUG = false', 'DEBUG = true'));
  });

  it('quotes a value with a space, "#" or "$" so dotenv reads it back whole', function () {
    const text = 'TOKEN=old\n';
    assert.equal(write(text, 'TOKEN', 'Basic dXNlcjpwYXNz'), "TOKEN='Basic dXNlcjpwYXNz'\n");
    assert.equal(write(text, 'TOKEN', 'a#b'), "TOKEN='a#b'\n");
    assert.equal(write(text, 'TOKEN', 'pa$$word'), "TOKEN='pa$$word'\n");
  });

  it('leaves "=" unquoted (dotenv splits at the first "=" only) and switches quotes for a value holding a quote', function () {
    assert.equal(write('K=old\n', 'K', 'YWJj=='), 'K=YWJj==\n');
    assert.equal(write("K='old'\n", 'K', "it's"), 'K="it\'s"\n');
    assert.equal(write('K=old\n', 'K', `it's "quoted"`), 'K=`it\'s "quoted"`\n');
  });

  it('changes the last of duplicate keys, the one dotenv reads', function () {
    const text = 'API_KEY=first\nOTHER=1\nAPI_KEY=second\n';
    assert.equal(write(text, 'API_KEY', 'new'), 'API_KEY=first\nOTHER=1\nAPI_KEY=new\n');
  });

  it('keeps CRLF line endings and the BOM', function () {
    const text = '\uFEFF# settings\r\nAPI_KEY=old\r\nNEXT=1\r\n';
    assert.equal(write(text, 'API_KEY', 'new'), '\uFEFF# settings\r\nAPI_KEY=new\r\nNEXT=1\r\n');
  });

  it('appends a missing key with the file newline, export habit and quoting of its neighbours', function () {
    assert.equal(write('export A="1"\r\nexport B="2"\r\n', 'C', 'three'), 'export A="1"\r\nexport B="2"\r\nexport C="three"\r\n');
    assert.equal(write('A=1\nB=2', 'C', 'x'), 'A=1\nB=2\nC=x', 'no final newline stays none');
    assert.equal(write('', 'C', 'x'), 'C=x\n');
  });

  it('skips over a multi-line quoted value instead of reading its lines as keys', function () {
    const text = 'CERT="-----BEGIN-----\nAPI_KEY=inside\n-----END-----"\nAPI_KEY=real\n';
    assert.equal(write(text, 'API_KEY', 'new'), text.replace('API_KEY=real', 'API_KEY=new'));
  });

  it('keeps unicode and very long lines around the edit intact', function () {
    const long = 'x'.repeat(20_000);
    const text = `# Clé d'API — ne pas partager ✓\nLONG=${long}\nAPI_KEY=old\n`;
    assert.equal(write(text, 'API_KEY', 'new'), `# Clé d'API — ne pas partager ✓\nLONG=${long}\nAPI_KEY=new\n`);
  });

  it('ends a double-quoted value at a quote after an escaped backslash, as dotenv does', function () {
    const text = 'A="x\\\\"\nB="y"\n';
    assert.equal(write(text, 'A', 'new'), 'A="new"\nB="y"\n');
    assert.equal(write(text, 'B', 'new'), 'A="x\\\\"\nB="new"\n');
  });

  it('reads "KEY: value" lines as dotenv does, instead of appending a duplicate', function () {
    const text = 'A: one\nB:  "two" # note\n';
    assert.equal(write(text, 'A', 'new'), 'A: new\nB:  "two" # note\n');
    assert.equal(write(text, 'B', 'new'), 'A: one\nB:  "new" # note\n');
  });

  it('treats a quote followed by more text as part of a plain value, and keeps a blank before a comment', function () {
    assert.equal(write("A='x' y\n", 'A', 'new'), 'A=new\n');
    assert.equal(write('A= # note\n', 'A', 'new'), 'A= new # note\n');
  });

  it('never ends a quoted value with a backslash, which would let it run on to a later quote', function () {
    assert.equal(write("A='old'\nB='y'\n", 'A', 'ab\\'), "A=ab\\\nB='y'\n");
    assert.throws(
      () => write("A='old'\nB='y'\n", 'A', 'a b\\'),
      (error: Error) => error.name === 'UnrepresentableValueError',
    );
  });

  it('refuses a name dotenv could not read', function () {
    assert.throws(() => write('A=1\n', 'BAD NAME', 'x'), { name: 'PathError' });
  });
});
