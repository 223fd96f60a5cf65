// Recognition of Keysmith keys in text: what the CLI scanner and the extension both rely on.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { recognizeKeys } from '../../common/keyRecognition';
import { sha256Hex } from '../../common/secretHash';
import { generateSecret } from '../../daemon/keys/keyFormat';

describe('key recognition (common/keyRecognition)', () => {
  it('finds each key with its offsets, 1-based line and column, prefix, tag, hash and hint (LF and CRLF)', () => {
    const live = generateSecret('pay', 'production');
    const test = generateSecret('cmc', 'test');
    for (const eol of ['\n', '\r\n']) {
      const text = ['# config', `PAYLINE_KEY=${live}`, '', `  "cloudmc": { "key": "${test}" }`].join(eol);
      const found = recognizeKeys(text);
      assert.deepEqual(
        found.map((key) => ({ ...key })),
        [
          {
            start: text.indexOf(live),
            end: text.indexOf(live) + live.length,
            line: 2,
            column: 13,
            prefix: 'pay',
            tag: 'live',
            hash: sha256Hex(live),
            hint: live.slice(-4),
          },
          {
            start: text.indexOf(test),
            end: text.indexOf(test) + test.length,
            line: 4,
            column: 24,
            prefix: 'cmc',
            tag: 'test',
            hash: sha256Hex(test),
            hint: test.slice(-4),
          },
        ],
      );
      assert.ok(
        !JSON.stringify(found).includes(live) && !JSON.stringify(found).includes(test),
        'a recognized key never carries its secret',
      );
    }
  });

  it('ignores a key shape whose checksum does not match (any single character changed)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 46 }), fc.constantFrom(...'abcXYZ019'), (position, replacement) => {
        const key = generateSecret('loop', 'production');
        const altered = key.slice(0, position) + replacement + key.slice(position + 1);
        assert.equal(recognizeKeys(`KEY=${altered}\n`).length, altered === key ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });

  it('finds keys glued to other text, back to back, and after a near miss whose tail holds the next prefix', () => {
    const a = generateSecret('pay', 'test');
    const b = generateSecret('ing', 'production');
    const glued = `xyz${a}${b}`;
    assert.deepEqual(
      recognizeKeys(glued).map((key) => key.start),
      [3, 3 + a.length],
    );
    // A false candidate whose 38-character tail ends with the next key's prefix must not hide that key.
    const nearMiss = `pay_live_${'Q'.repeat(35)}${b}`;
    assert.deepEqual(
      recognizeKeys(nearMiss).map((key) => [key.start, key.prefix]),
      [[44, 'ing']],
    );
    assert.deepEqual(
      recognizeKeys(`url?key=${a}&other=1`).map((key) => key.hash),
      [sha256Hex(a)],
    );
  });

  it('does not take a longer run of characters for a key, nor a key cut short', () => {
    const key = generateSecret('pay', 'test');
    assert.equal(recognizeKeys(key.slice(0, -1)).length, 0);
    assert.equal(recognizeKeys(`pay_test_${'a'.repeat(37)}`).length, 0);
    assert.equal(recognizeKeys('').length, 0);
  });

  it('stays linear on adversarial text (every position a candidate prefix, every tag a near miss)', () => {
    const unit = `${'a'.repeat(16)}_live_${'b'.repeat(37)}-`;
    const big = unit.repeat(Math.ceil(4_000_000 / unit.length));
    const started = performance.now();
    assert.equal(recognizeKeys(big).length, 0);
    const full = `${'a'.repeat(16)}_live_${'b'.repeat(38)} `.repeat(20_000); // shape ok, checksum wrong: 15 CRCs each
    assert.equal(recognizeKeys(full).length, 0);
    // Quadratic work on 4 MB would take minutes; linear takes well under a second even on a loaded machine.
    assert.ok(performance.now() - started < 5_000, `took ${Math.round(performance.now() - started)} ms`);
  });
});
