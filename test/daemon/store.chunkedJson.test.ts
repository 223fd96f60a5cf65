import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringifyInSlices } from '../../daemon/store/embedded/chunkedJson';
import { dataWithKeys } from './support/storeData';

describe('store: sliced JSON serialisation', () => {
  it('produces exactly JSON.stringify for a store of 2,500 keys (several slices)', async () => {
    const data = dataWithKeys(2500);
    const slices = await stringifyInSlices(data, { sliceSize: 1000 });
    assert.equal(slices.join(''), JSON.stringify(data));
    assert.ok(slices.length >= 3, 'never one giant string');
  });

  it('produces exactly JSON.stringify for any object of JSON values and any slice size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string(), fc.oneof(fc.array(fc.jsonValue(), { maxLength: 30 }), fc.jsonValue())),
        fc.integer({ min: 1, max: 7 }),
        async (data, sliceSize) => {
          assert.equal((await stringifyInSlices(data, { sliceSize })).join(''), JSON.stringify(data));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('yields to the event loop when its time budget is spent instead of blocking until the end', async () => {
    let turns = 0;
    let counting = true;
    const countTurn = () => {
      turns++;
      if (counting) setImmediate(countTurn);
    };
    setImmediate(countTurn);
    await stringifyInSlices(dataWithKeys(5000), { sliceSize: 500, budgetMs: 0 }); // 10 slices, yield after each
    counting = false;
    assert.ok(turns >= 5, `other work ran only ${turns} times during 10 slices`);
  });
});
