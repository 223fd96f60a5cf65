import assert from 'node:assert/strict';
import { openEmbeddedStore, type EmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import type { StoreData } from '../../daemon/store/types';
import { useStoreDir } from './support/storeDir';
import { commit, dataWithKeys, durableState, put } from './support/storeData';

describe('store: batched verify uses', () => {
  const scratch = useStoreDir();
  let store: EmbeddedStore | undefined;
  const onDisk = (): Promise<StoreData> => durableState(scratch.dir);
  const open = async (usageFlushMs: number) =>
    scratch.keep(await openEmbeddedStore({ dataDir: scratch.dir, initialData: () => dataWithKeys(3), fs: scratch.fs, usageFlushMs }));
  const at = (second: number) => new Date(Date.UTC(2026, 3, 1, 0, 0, second)).toISOString();

  afterEach(() => {
    store = undefined;
  });

  it('shows a use to readers at once, before anything is written', async () => {
    store = await open(60_000);
    const writes = store.writeCount;
    store.recordUse({ keyId: 'key_1', at: at(1), ip: '192.0.2.1' });
    const key = store.read().keys[1]!;
    assert.equal(key.useCount, 1);
    assert.equal(key.lastUsedAt, at(1));
    assert.equal(key.lastUsedIp, '192.0.2.1');
    assert.equal(store.writeCount, writes);
  });

  it('writes 1000 uses in at most two writes, with the right totals after flush', async () => {
    store = await open(60_000);
    const writes = store.writeCount;
    for (let i = 0; i < 1000; i++) {
      store.recordUse({ keyId: `key_${i % 2}`, at: at(Math.floor(i / 20)), ip: `10.0.${i % 2}.${i % 250}` });
    }
    await store.flush();
    assert.ok(store.writeCount - writes <= 2, `1000 uses took ${store.writeCount - writes} writes`);
    const [first, second, untouched] = (await onDisk()).keys;
    assert.equal(first!.useCount, 500);
    assert.equal(second!.useCount, 500);
    assert.equal(untouched!.useCount, 0);
    assert.equal(first!.lastUsedAt, at(49));
    assert.equal(first!.lastUsedIp, '10.0.0.248');
    assert.equal(second!.lastUsedAt, at(49));
    assert.equal(second!.lastUsedIp, '10.0.1.249');
    assert.equal(untouched!.lastUsedAt, undefined);
  });

  it('keeps the newest time and its address when uses arrive out of order', async () => {
    store = await open(60_000);
    store.recordUse({ keyId: 'key_0', at: at(30), ip: '10.0.0.30' });
    store.recordUse({ keyId: 'key_0', at: at(10), ip: '10.0.0.10' });
    await store.flush();
    const saved = (await onDisk()).keys[0]!;
    assert.equal(saved.lastUsedAt, at(30));
    assert.equal(saved.lastUsedIp, '10.0.0.30');
    assert.equal(saved.useCount, 2);
  });

  it('writes pending uses by itself after the flush period', async () => {
    store = await open(20);
    store.recordUse({ keyId: 'key_2', at: at(5) });
    for (let waited = 0; (await onDisk()).keys[2]!.useCount === 0; waited += 10) {
      assert.ok(waited < 5000, 'uses were not written within 5 s of a 20 ms flush period');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal((await onDisk()).keys[2]!.lastUsedAt, at(5));
  });

  it('writes pending uses on close', async () => {
    store = await open(60_000);
    store.recordUse({ keyId: 'key_0', at: at(1) });
    await store.close();
    store = await open(60_000);
    assert.equal(store.read().keys[0]!.useCount, 1);
  });

  it('ignores a use of a key that does not exist', async () => {
    store = await open(60_000);
    store.recordUse({ keyId: 'key_404', at: at(1) });
    await store.flush();
    assert.deepEqual(
      (await onDisk()).keys.map((k) => k.useCount),
      [0, 0, 0],
    );
  });

  it('counts uses of a key that a commit just replaced', async () => {
    store = await open(60_000);
    await commit(
      store,
      store.read().keys.map((key) => put({ ...key, name: `${key.name}!` })),
    );
    store.recordUse({ keyId: 'key_1', at: at(1) });
    await store.flush();
    assert.equal((await onDisk()).keys[1]!.useCount, 1);
  });
});
