import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { StoreWriteError } from '../../daemon/store/errors';
import { openEmbeddedStore, type EmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import type { StoreData } from '../../daemon/store/types';
import { useStoreDir } from './support/storeDir';
import { commit, durableState, emptyData, put, sampleKey } from './support/storeData';
import { named } from './support/scriptedFs';

describe('store: lowdb when the disk refuses a write', () => {
  const scratch = useStoreDir();
  let store: EmbeddedStore;
  const journalFile = () => path.join(scratch.dir, 'store.journal');
  const onDisk = (): Promise<StoreData> => durableState(scratch.dir);
  const ids = (data: Readonly<StoreData>) => data.keys.map((k) => k.id);
  const journal = named('store.journal');

  beforeEach(async () => {
    store = scratch.keep(await openEmbeddedStore({ dataDir: scratch.dir, initialData: emptyData, fs: scratch.fs, usageFlushMs: 60_000 }));
    await commit(store, [put(sampleKey(1))]);
  });

  const faults = [
    { op: 'write', code: 'ENOSPC' },
    { op: 'write', code: 'EROFS' },
    { op: 'sync', code: 'EIO' },
  ] as const;

  for (const { op, code } of faults) {
    it(`rejects with ${code} (${op} of the journal fails), keeps the files as they were, rolls back memory, and recovers once the fault clears`, async () => {
      const storeBefore = await fsp.readFile(path.join(scratch.dir, 'store.json'));
      const journalBefore = await fsp.readFile(journalFile());
      scratch.fs.fail(op, code, journal);

      await assert.rejects(commit(store, [put(sampleKey(1, { name: 'renamed' })), put(sampleKey(2))]), (error: StoreWriteError) => {
        assert.ok(error instanceof StoreWriteError);
        assert.equal(error.code, code);
        assert.match(error.message, /disk refused to write .*store\.journal/);
        assert.match(error.message, /not saved/);
        return true;
      });
      scratch.fs.heal();
      assert.deepEqual(await fsp.readFile(path.join(scratch.dir, 'store.json')), storeBefore, 'store.json is byte-identical');
      assert.deepEqual(await fsp.readFile(journalFile()), journalBefore, 'the journal holds nothing of the refused batch');
      assert.deepEqual(ids(store.read()), ['key_1'], 'reads still work and show no trace of the batch');
      assert.equal(store.read().keys[0]!.name, 'Key 1');

      await commit(store, [put(sampleKey(3))]);
      assert.deepEqual(ids(await onDisk()), ['key_1', 'key_3']);
      assert.deepEqual(ids(store.read()), ['key_1', 'key_3']);
      assert.equal((await onDisk()).keys[0]!.name, 'Key 1');
    });
  }

  it('rejects every commit of the failed batch with the disk error', async () => {
    scratch.fs.fail('write', 'ENOSPC', journal);
    const outcomes = await Promise.allSettled([2, 3, 4].map((n) => commit(store, [put(sampleKey(n))])));
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected', 'rejected'],
    );
    for (const outcome of outcomes) assert.equal(((outcome as PromiseRejectedResult).reason as StoreWriteError).code, 'ENOSPC');
    assert.deepEqual(ids(store.read()), ['key_1']);
  });

  it('keeps commits queued behind a failed batch and writes them in the next write', async () => {
    const held = scratch.fs.pause('write', journal);
    scratch.fs.failOnce('write', 'ENOSPC', journal);
    const doomed = commit(store, [put(sampleKey(1, { status: 'inactive' })), put(sampleKey(2))]);
    await held.reached;
    const queued = [3, 4].map((n) => commit(store, [put(sampleKey(n))]));
    held.release();

    await assert.rejects(doomed, { code: 'ENOSPC' });
    await Promise.all(queued);
    for (const state of [store.read(), await onDisk()]) {
      assert.deepEqual(ids(state), ['key_1', 'key_3', 'key_4']);
      assert.equal(state.keys[0]!.status, 'active');
    }
  });

  it('keeps verify uses recorded around a failed write and saves them on the next flush', async () => {
    store.recordUse({ keyId: 'key_1', at: '2026-03-01T00:00:01.000Z', ip: '10.0.0.1' });
    const held = scratch.fs.pause('write', journal);
    scratch.fs.failOnce('write', 'ENOSPC', journal);
    const flushing = store.flush();
    await held.reached;
    store.recordUse({ keyId: 'key_1', at: '2026-03-01T00:00:02.000Z', ip: '10.0.0.2' });
    held.release();
    await assert.rejects(flushing, { code: 'ENOSPC' });
    assert.equal(store.read().keys[0]!.useCount, 2, 'uses stay visible in memory');

    await store.flush();
    const saved = (await onDisk()).keys[0]!;
    assert.equal(saved.useCount, 2);
    assert.equal(saved.lastUsedAt, '2026-03-01T00:00:02.000Z');
    assert.equal(saved.lastUsedIp, '10.0.0.2');
  });

  it('counts a use recorded during a refused write once, on a key the refused batch had changed', async () => {
    const held = scratch.fs.pause('write', journal);
    scratch.fs.failOnce('write', 'ENOSPC', journal);
    const doomed = commit(store, [put(sampleKey(1, { name: 'doomed' }))]);
    await held.reached;
    store.recordUse({ keyId: 'key_1', at: '2026-03-01T00:00:03.000Z' });
    held.release();
    await assert.rejects(doomed, { code: 'ENOSPC' });
    assert.equal(store.read().keys[0]!.name, 'Key 1');
    assert.equal(store.read().keys[0]!.useCount, 1);
    await store.flush();
    const saved = (await onDisk()).keys[0]!;
    assert.equal(saved.useCount, 1);
    assert.equal(saved.name, 'Key 1');
  });

  it('keeps a store that could not write its snapshot working from the journal, and compacts once the disk recovers', async () => {
    await store.close();
    store = scratch.keep(
      await openEmbeddedStore({
        dataDir: scratch.dir,
        initialData: emptyData,
        fs: scratch.fs,
        usageFlushMs: 60_000,
        compactAfterBatches: 2,
      }),
    );
    scratch.fs.fail('write', 'ENOSPC', (file) => path.basename(file).startsWith('store.json.'));
    for (const n of [2, 3, 4]) await commit(store, [put(sampleKey(n))]);
    assert.equal(store.snapshotCount, 0, 'the snapshot was refused');
    assert.deepEqual(ids(await onDisk()), ['key_1', 'key_2', 'key_3', 'key_4']);
    scratch.fs.heal();
    for (const n of [5, 6, 7, 8]) await commit(store, [put(sampleKey(n))]);
    assert.ok(store.snapshotCount >= 1, 'a snapshot was written once the disk had room');
    assert.deepEqual(ids(await onDisk()), ['key_1', 'key_2', 'key_3', 'key_4', 'key_5', 'key_6', 'key_7', 'key_8']);
  });
});
