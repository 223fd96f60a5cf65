import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { StoreWriteError } from '../../daemon/store/errors';
import { openLowdbStore, type LowdbKeyStore } from '../../daemon/store/lowdbStore';
import type { StoreData } from '../../daemon/store/types';
import { emptyData, makeTempDir, named, removeDir, sampleKey, ScriptedFs, tempOf } from './storeTestSupport';

describe('store: lowdb when the disk refuses a write', () => {
  let dir: string;
  let fs: ScriptedFs;
  let store: LowdbKeyStore;
  const storeFile = () => path.join(dir, 'store.json');
  const onDisk = async (): Promise<StoreData> => JSON.parse(await fsp.readFile(storeFile(), 'utf8')) as StoreData;
  const ids = (data: Readonly<StoreData>) => data.keys.map((k) => k.id);

  beforeEach(async () => {
    dir = await makeTempDir();
    fs = new ScriptedFs();
    store = await openLowdbStore({ dataDir: dir, initialData: emptyData, fs, usageFlushMs: 60_000 });
    await store.transact((data) => void data.keys.push(sampleKey(1)));
  });
  afterEach(async () => {
    fs.heal();
    await store.close();
    await removeDir(dir);
  });

  const faults = [
    { op: 'write', code: 'ENOSPC', when: tempOf('store.json') },
    { op: 'open', code: 'EROFS', when: tempOf('store.json') },
    { op: 'rename', code: 'EACCES', when: named('store.json') },
  ] as const;

  for (const { op, code, when } of faults) {
    it(`rejects with ${code} (${op} fails), keeps the file, rolls back memory, and recovers once the fault clears`, async () => {
      const before = await fsp.readFile(storeFile());
      fs.fail(op, code, when);

      await assert.rejects(
        store.transact((data) => {
          data.keys[0]!.name = 'renamed';
          data.keys.push(sampleKey(2));
        }),
        (error: StoreWriteError) => {
          assert.ok(error instanceof StoreWriteError);
          assert.equal(error.code, code);
          assert.match(error.message, /disk refused to write .*store\.json/);
          assert.match(error.message, /not saved/);
          return true;
        },
      );
      assert.deepEqual(await fsp.readFile(storeFile()), before, 'store.json is byte-identical');
      assert.deepEqual(ids(store.read()), ['key_1'], 'reads still work and show no trace of the batch');
      assert.equal(store.read().keys[0]!.name, 'Key 1');

      fs.heal();
      await store.transact((data) => void data.keys.push(sampleKey(3)));
      assert.deepEqual(ids(await onDisk()), ['key_1', 'key_3']);
      assert.deepEqual(ids(store.read()), ['key_1', 'key_3']);
    });
  }

  it('rejects every transact of the failed batch with the disk error', async () => {
    fs.fail('write', 'ENOSPC', tempOf('store.json'));
    const outcomes = await Promise.allSettled(
      [2, 3, 4].map((n) => store.transact((data) => void data.keys.push(sampleKey(n)))),
    );
    assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected']);
    for (const outcome of outcomes) assert.equal(((outcome as PromiseRejectedResult).reason as StoreWriteError).code, 'ENOSPC');
    assert.deepEqual(ids(store.read()), ['key_1']);
  });

  it('keeps mutations queued behind a failed batch and commits them in the next write', async () => {
    const held = fs.pause('write', tempOf('store.json'));
    fs.failOnce('write', 'ENOSPC', tempOf('store.json'));
    const doomed = store.transact((data) => {
      data.keys[0]!.status = 'inactive';
      data.keys.push(sampleKey(2));
    });
    await held.reached;
    const queued = [3, 4].map((n) => store.transact((data) => void data.keys.push(sampleKey(n))));
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
    const held = fs.pause('write', tempOf('store.json'));
    fs.failOnce('write', 'ENOSPC', tempOf('store.json'));
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

  it('treats a failed directory fsync as a failed write (the rename may not survive a crash)', async () => {
    fs.failOnce('sync', 'EIO', (file) => file === dir);
    await assert.rejects(store.transact((data) => void data.keys.push(sampleKey(2))), { code: 'EIO' });
    assert.deepEqual(ids(store.read()), ['key_1']);
  });
});
