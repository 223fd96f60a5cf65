import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { openEmbeddedStore, type EmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import type { StoreData } from '../../daemon/store/types';
import { useStoreDir } from './support/storeDir';
import { commit, durableState, emptyData, put, sampleKey } from './support/storeData';
import { isTemp, named } from './support/scriptedFs';

describe('store: lowdb commit (durability and group commit)', () => {
  const scratch = useStoreDir();
  let store: EmbeddedStore | undefined;
  const onDisk = (): Promise<StoreData> => durableState(scratch.dir);
  const open = async () => scratch.keep(await openEmbeddedStore({ dataDir: scratch.dir, initialData: emptyData, fs: scratch.fs }));

  afterEach(() => {
    store = undefined;
  });

  it('is on disk by the time commit resolves, and survives a reopen', async () => {
    store = await open();
    const stored = await commit(store, [put(sampleKey(1))]);
    assert.deepEqual(stored, [put({ ...sampleKey(1), version: 1 })]);
    assert.deepEqual(
      (await onDisk()).keys.map((k) => k.id),
      ['key_1'],
    );
    await store.close();
    store = await open();
    assert.deepEqual(store.read().keys, [{ ...sampleKey(1), version: 1 }]);
  });

  it('writes each store file private from creation (wx, 0600) and keeps store.json at 0600', async () => {
    store = await open();
    await commit(store, [put(sampleKey(1))]);
    const tempOpens = scratch.fs.calls.filter((c) => c.op === 'open' && isTemp(c.path));
    assert.ok(tempOpens.length >= 2, 'the initial store, its backup and the change were written via temp files');
    for (const call of tempOpens) {
      assert.equal(call.flags, 'wx', call.path);
      assert.equal(call.mode, 0o600, call.path);
    }
    for (const name of ['store.json', 'store.json.bak', 'store.journal', 'audit.jsonl', 'daemon.lock']) {
      assert.equal((await fsp.stat(path.join(scratch.dir, name))).mode & 0o777, 0o600, name);
    }
  });

  it('appends the change to the journal and fsyncs it before commit resolves', async () => {
    store = await open();
    scratch.fs.calls.length = 0;
    await commit(store, [put(sampleKey(1))]);
    const steps = scratch.fs.calls
      .filter((c) => c.op === 'write' || c.op === 'sync' || c.op === 'rename')
      .map((c) => `${c.op}:${path.basename(c.path)}`);
    assert.deepEqual(steps, ['write:store.journal', 'sync:store.journal']);
  });

  it('shares one write among concurrent commits and keeps every change', async () => {
    store = await open();
    const writesBefore = store.writeCount;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => commit(store!, [put(sampleKey(i))])));
    assert.equal(results.length, 50);
    assert.ok(store.writeCount - writesBefore < 50, `expected fewer writes than commits, got ${store.writeCount - writesBefore}`);
    assert.ok(store.writeCount - writesBefore <= 2, `50 concurrent commits took ${store.writeCount - writesBefore} writes`);
    assert.equal((await onDisk()).keys.length, 50);
  });

  it('queues commits made while a write is in flight into one next write', async () => {
    store = await open();
    const held = scratch.fs.pause('sync', named('store.journal'));
    const first = commit(store, [put(sampleKey(0))]);
    await held.reached;
    const writesBefore = store.writeCount;
    const later = Array.from({ length: 20 }, (_, i) => commit(store!, [put(sampleKey(i + 1))]));
    held.release();
    await Promise.all([first, ...later]);
    assert.equal(store.writeCount - writesBefore, 2, 'the held write, then one write for all 20 queued');
    assert.equal((await onDisk()).keys.length, 21);
  });

  it('leaves nothing of a commit refused by its check, while its batch-mates commit', async () => {
    store = await open();
    await commit(store, [put(sampleKey(1))]);
    // The unit of work decided on key_1 at version 1; the rename queued before it moves key_1 first,
    // so the unit's check, at its turn in the batch, refuses all of it.
    const writesBefore = store.writeCount;
    const [before, failing, after] = await Promise.allSettled([
      store.keys.update({ ...sampleKey(1), name: 'renamed' }, 1),
      store.unitOfWork(async (tx) => {
        await tx.keys.update({ ...sampleKey(1), status: 'revoked' }, 1);
        await tx.keys.insert(sampleKey(99));
      }),
      commit(store, [put(sampleKey(3))]),
    ]);
    assert.equal(before.status, 'fulfilled');
    assert.equal(after.status, 'fulfilled');
    assert.equal(failing.status, 'rejected');
    assert.match(String((failing as PromiseRejectedResult).reason), /changed by someone else/);
    assert.equal(store.writeCount - writesBefore, 1, 'the three commits shared one batch');
    for (const state of [store.read(), await onDisk()]) {
      assert.deepEqual(
        state.keys.map((k) => k.id),
        ['key_1', 'key_3'],
      );
      assert.equal(state.keys[0]!.status, 'active');
      assert.equal(state.keys[0]!.name, 'renamed');
    }
  });

  it('runs a check after the batch-mates queued before it, so it sees them', async () => {
    store = await open();
    // Both inserts were decided on a store without key_1; the second one's check runs after the first
    // was applied in the same batch, and sees it.
    const writesBefore = store.writeCount;
    const [first, second] = await Promise.allSettled([
      store.keys.insert(sampleKey(1)),
      store.keys.insert(sampleKey(1, { secretHash: 'f'.repeat(64) })),
    ]);
    assert.equal(first.status, 'fulfilled');
    assert.equal(second.status, 'rejected');
    assert.match(String((second as PromiseRejectedResult).reason), /changed by someone else/);
    assert.equal(store.writeCount - writesBefore, 1, 'both in one batch');
    assert.deepEqual((await onDisk()).keys, [{ ...sampleKey(1), version: 1 }]);
  });

  it('writes nothing and rejects when the store is closed', async () => {
    store = await open();
    await store.close();
    await assert.rejects(commit(store, [put(sampleKey(1))]), /closed/);
    store = undefined;
  });

  it('removes its temp files when a write and the journal repair after it fail, so none pile up', async () => {
    store = await open();
    scratch.fs.failOnce('sync', 'EIO', named('store.journal'));
    scratch.fs.failOnce('rename', 'EACCES', named('store.journal'));
    await assert.rejects(commit(store, [put(sampleKey(1))]));
    assert.equal((await fsp.readdir(scratch.dir)).filter(isTemp).length, 0);
    await commit(store, [put(sampleKey(2))]);
    assert.deepEqual(
      (await onDisk()).keys.map((k) => k.id),
      ['key_2'],
      'the refused line was taken out before the next append',
    );
  });
});
