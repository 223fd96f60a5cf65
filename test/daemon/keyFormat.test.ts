import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { BASE62_ALPHABET, encodeBase62Fixed, randomBase62 } from '../../daemon/keys/base62';
import { checksumOf, generateSecret, looksLikeKey } from '../../daemon/keys/keyFormat';
import { hashesEqual, sha256Hex } from '../../daemon/keys/hashing';

describe('key format', () => {
  it('generates <prefix>_<test|live>_<32 base62><6 base62 checksum>', () => {
    const test = generateSecret('pay', 'test');
    const live = generateSecret('ing', 'production');
    assert.match(test, /^pay_test_[0-9A-Za-z]{38}$/);
    assert.match(live, /^ing_live_[0-9A-Za-z]{38}$/);
    assert.equal(live.slice(-6), checksumOf(live.slice(0, -6)));
  });

  it('accepts its own keys and rejects any single-character change (checksum)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 9, max: 46 }), fc.constantFrom(...BASE62_ALPHABET), (position, replacement) => {
        const key = generateSecret('cmc', 'test');
        assert.ok(looksLikeKey(key));
        const altered = key.slice(0, position) + replacement + key.slice(position + 1);
        assert.equal(looksLikeKey(altered), altered === key);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects text without the key shape', () => {
    for (const text of ['', 'hello', 'pay_prod_' + 'a'.repeat(38), 'Pay_test_' + 'a'.repeat(38), 'pay_test_' + 'a'.repeat(37)]) {
      assert.equal(looksLikeKey(text), false, text);
    }
  });

  it('never produces the same secret twice in 10,000 draws', () => {
    const seen = new Set(Array.from({ length: 10_000 }, () => generateSecret('loop', 'production')));
    assert.equal(seen.size, 10_000);
  });

  it('refuses a prefix that could not be parsed back (underscore, upper case)', () => {
    assert.throws(() => generateSecret('my_svc', 'test'), /invalid key prefix/);
    assert.throws(() => generateSecret('Pay', 'test'), /invalid key prefix/);
  });
});

describe('base62', () => {
  it('rejects bytes 248..255 instead of folding them (no modulo bias)', () => {
    // 255 would map to "7" under a plain modulo; rejection sampling must skip it and use the next bytes.
    const bytes = [255, 248, 0, 61, 247];
    const random = (size: number) => Buffer.from(Array.from({ length: size }, (_, i) => bytes[i % bytes.length]!));
    assert.equal(randomBase62(3, random), '0zz');
  });

  it('draws every character about equally often', () => {
    const counts = new Map<string, number>();
    for (const char of randomBase62(62 * 500)) counts.set(char, (counts.get(char) ?? 0) + 1);
    assert.equal(counts.size, 62);
    for (const count of counts.values()) assert.ok(count > 350 && count < 650, `count ${count} far from 500`);
  });

  it('encodes fixed-width numbers', () => {
    assert.equal(encodeBase62Fixed(0, 6), '000000');
    assert.equal(encodeBase62Fixed(61, 2), '0z');
    assert.equal(encodeBase62Fixed(0xffffffff, 6), '4gfFC3');
    assert.throws(() => encodeBase62Fixed(62 ** 2, 2), RangeError);
  });
});

describe('hashing', () => {
  it('stores SHA-256 hex and compares in constant time', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.ok(hashesEqual('same', 'same'));
    assert.ok(!hashesEqual('same', 'Same'));
    assert.ok(!hashesEqual('short', 'a much longer string'));
  });
});
