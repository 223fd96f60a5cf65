// The random pool behind secrets, ids and IVs (daemon/keys/randomPool.ts): every call gets bytes no
// other call got, across refills, at every size asked on a create and beyond the pool.
import { strict as assert } from 'node:assert';
import { randomBytesFromPool } from '../../daemon/keys/randomPool';

describe('random pool', () => {
  it('hands out each byte once: 20,000 draws of the sizes a create asks for are all different', () => {
    const seen = new Set<string>();
    const sizes = [12, 16, 20, 40, 24];
    for (let n = 0; n < 20_000; n += 1) {
      const size = sizes[n % sizes.length]!;
      const bytes = randomBytesFromPool(size);
      assert.equal(bytes.length, size);
      seen.add(bytes.toString('hex'));
    }
    assert.equal(seen.size, 20_000);
  });

  it('gives each caller a buffer of its own, not a view of the pool that a later draw changes', () => {
    const first = randomBytesFromPool(16);
    const copy = Buffer.from(first);
    for (let n = 0; n < 1_000; n += 1) randomBytesFromPool(32);
    assert.deepEqual(first, copy);
  });

  it('serves sizes larger than the pool', () => {
    const big = randomBytesFromPool(10_000);
    assert.equal(big.length, 10_000);
    // 10,000 uniform bytes: every value turns up (a buffer left zeroed would not).
    assert.equal(new Set(big).size, 256);
  });

  it('draws bytes spread over every value, not a wiped (zeroed) part of the pool', () => {
    const counts = new Array<number>(256).fill(0);
    for (let n = 0; n < 4_000; n += 1) for (const byte of randomBytesFromPool(16)) counts[byte]! += 1;
    // 64,000 bytes, 250 expected per value: a wiped or repeated stretch would pile up on some values.
    assert.ok(Math.max(...counts) < 400, `most frequent byte value seen ${Math.max(...counts)} times`);
    assert.ok(Math.min(...counts) > 130, `least frequent byte value seen ${Math.min(...counts)} times`);
  });
});
