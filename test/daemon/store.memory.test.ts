import assert from 'node:assert/strict';
import { createMemoryStore } from '../../daemon/store/memoryStore';
import { emptyData, sampleKey } from './support/storeData';

describe('store: in-memory test double', () => {
  it('returns what mutate returns and shows the change to readers', async () => {
    const store = createMemoryStore(emptyData());
    const id = await store.transact((data) => {
      data.keys.push(sampleKey(1));
      return data.keys[0]!.id;
    });
    assert.equal(id, 'key_1');
    assert.equal(store.read().keys.length, 1);
  });

  it('leaves no trace of a mutation that throws halfway', async () => {
    const store = createMemoryStore({ ...emptyData(), keys: [sampleKey(1)] });
    await assert.rejects(
      store.transact((data) => {
        data.keys[0]!.status = 'revoked';
        data.keys.push(sampleKey(2));
        throw new Error('conflict');
      }),
      /conflict/,
    );
    assert.equal(store.read().keys.length, 1);
    assert.equal(store.read().keys[0]!.status, 'active');
  });

  it('refuses an async mutation, like the durable store', async () => {
    const store = createMemoryStore(emptyData());
    await assert.rejects(
      store.transact(async (data) => {
        data.keys.push(sampleKey(1));
      }),
      /must be synchronous/,
    );
    assert.deepEqual(store.read().keys, []);
  });

  it('does not share objects with the initial data it was given', async () => {
    const initial = { ...emptyData(), keys: [sampleKey(1)] };
    const store = createMemoryStore(initial);
    await store.transact((data) => {
      data.keys[0]!.name = 'renamed';
    });
    assert.equal(initial.keys[0]!.name, 'Key 1');
  });

  it('counts uses and keeps the newest time and address', () => {
    const store = createMemoryStore({ ...emptyData(), keys: [sampleKey(1)] });
    store.recordUse({ keyId: 'key_1', at: '2026-02-01T00:00:02.000Z', ip: '10.0.0.2' });
    store.recordUse({ keyId: 'key_1', at: '2026-02-01T00:00:01.000Z', ip: '10.0.0.1' });
    store.recordUse({ keyId: 'missing', at: '2026-02-01T00:00:03.000Z' });
    const key = store.read().keys[0]!;
    assert.equal(key.useCount, 2);
    assert.equal(key.lastUsedAt, '2026-02-01T00:00:02.000Z');
    assert.equal(key.lastUsedIp, '10.0.0.2');
  });

  it('lists audit events newest first, limited and filtered by key', async () => {
    const store = createMemoryStore(emptyData());
    await store.appendAudit([
      { id: 'e1', at: '2026-01-01T00:00:01Z', actor: 'a', action: 'key.created', keyId: 'k1' },
      { id: 'e2', at: '2026-01-01T00:00:02Z', actor: 'a', action: 'key.created', keyId: 'k2' },
    ]);
    await store.appendAudit([{ id: 'e3', at: '2026-01-01T00:00:03Z', actor: 'a', action: 'key.revoked', keyId: 'k1' }]);
    assert.deepEqual(
      (await store.readAudit({ limit: 10 })).map((e) => e.id),
      ['e3', 'e2', 'e1'],
    );
    assert.deepEqual(
      (await store.readAudit({ limit: 2 })).map((e) => e.id),
      ['e3', 'e2'],
    );
    assert.deepEqual(
      (await store.readAudit({ limit: 10, keyId: 'k1' })).map((e) => e.id),
      ['e3', 'e1'],
    );
  });

  it('refuses changes after close', async () => {
    const store = createMemoryStore(emptyData());
    await store.close();
    await assert.rejects(
      store.transact(() => undefined),
      /closed/,
    );
  });
});
