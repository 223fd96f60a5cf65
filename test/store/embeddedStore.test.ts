// The embedded store: the repository contract, plus what only it promises (versions on disk, records
// from before versions, one durable write per unit of work, its single owner).
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { KeysmithError } from '../../daemon/errors';
import { initialStoreData } from '../../daemon/server';
import { openEmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import { durableState, emptyData, sampleKey } from '../daemon/support/storeData';
import { makeTempDir, removeDir, useTempDirs } from '../support/tempDirs';
import { describeRepositoryContract, sampleKeyOf, sampleService } from './repositoryContract';

describeRepositoryContract('embedded', async () => {
  const dataDir = await makeTempDir('contract');
  const store = await openEmbeddedStore({ dataDir, initialData: initialStoreData, ownerName: 'tester', usageFlushMs: 10 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await removeDir(dataDir);
    },
  };
});

describe('embedded store', function () {
  const temp = useTempDirs();

  it('keeps a key write whose audit append failed, reports it, and writes its events ahead of the next ones', async function () {
    const dataDir = await temp.make('embedded-audit-after-commit');
    const reported: string[] = [];
    const store = await openEmbeddedStore({
      dataDir,
      initialData: initialStoreData,
      ownerName: 'tester',
      onAuditError: (error) => reported.push(error.message),
    });
    try {
      const service = await store.services.insert(sampleService());
      const append = store.audit.append;
      let refuse = true;
      store.audit.append = async (events) => {
        if (refuse) {
          refuse = false;
          throw new Error('ENOSPC: no space left on device');
        }
        return append(events);
      };
      const event = (action: string, keyId: string) => ({
        id: `evt_${action}_${keyId}`,
        at: new Date().toISOString(),
        actor: 'tester',
        action,
        keyId,
      });
      const record = sampleKeyOf(service.id);
      // The key is durable before its event is appended: the write resolves, with the event kept.
      const stored = await store.keys.insert(record, { events: [event('key.created', record.id)], requireEnabledService: true });
      assert.deepEqual(await store.keys.get(record.id), stored);
      assert.equal(reported.length, 1);
      assert.match(reported[0]!, /refused 1 event\(s\) of committed writes, kept to retry \(1 pending\): ENOSPC/);
      assert.deepEqual(await store.audit.query({ keyId: record.id, limit: 10 }), []);
      await store.keys.update({ ...record, name: 'renamed' }, 1, [event('key.updated', record.id)]);
      assert.deepEqual(
        (await store.audit.query({ keyId: record.id, limit: 10 })).map((written) => written.action),
        ['key.updated', 'key.created'],
      );
    } finally {
      await store.close();
    }
  });

  it('reads a record stored before versions existed as version 1, and writes version 2 over it', async function () {
    const dataDir = await temp.make('embedded-legacy');
    const store = await openEmbeddedStore({ dataDir, initialData: () => ({ ...emptyData(), keys: [sampleKey(1)] }) });
    try {
      const legacy = (await store.keys.get('key_1'))!;
      assert.equal(legacy.version, 1);
      assert.equal((await store.keys.findByHash(legacy.secretHash))!.version, 1);
      assert.equal((await store.keys.update({ ...sampleKey(1), name: 'versioned' }, 1)).version, 2);
    } finally {
      await store.close();
    }
  });

  it('refuses a store file whose record version is not a positive integer, naming where, and leaves it as it was', async function () {
    const dataDir = await temp.make('embedded-bad-version');
    const store = await openEmbeddedStore({ dataDir, initialData: () => ({ ...emptyData(), keys: [sampleKey(1)] }) });
    await store.close();
    const file = path.join(dataDir, 'store.json');
    const damaged = (await fsp.readFile(file, 'utf8')).replace('"useCount":0', '"useCount":0,"version":"2"');
    assert.notEqual(damaged, await fsp.readFile(file, 'utf8'), 'the test did not damage the file');
    await fsp.writeFile(file, damaged);
    await assert.rejects(openEmbeddedStore({ dataDir, initialData: emptyData }), /keys\[0\]\.version/);
    assert.equal(await fsp.readFile(file, 'utf8'), damaged);
  });

  it('keeps versions on disk: a restart after kill -9 finds each record at the version it was last written', async function () {
    const dataDir = await temp.make('embedded-durable');
    const store = await openEmbeddedStore({ dataDir, initialData: emptyData });
    try {
      const service = await store.services.insert(sampleService());
      const key = await store.keys.insert(sampleKeyOf(service.id));
      await store.keys.update({ ...sampleKeyOf(service.id), id: key.id, secretHash: key.secretHash, name: 'second' }, 1);
      const onDisk = await durableState(dataDir);
      assert.deepEqual(
        onDisk.keys.map((record) => [record.id, record.name, (record as { version?: number }).version]),
        [[key.id, 'second', 2]],
      );
    } finally {
      await store.close();
    }
    const reopened = await openEmbeddedStore({ dataDir, initialData: emptyData });
    try {
      assert.equal((await reopened.keys.all())[0]!.version, 2);
    } finally {
      await reopened.close();
    }
  });

  it('hints exactly how many keys it holds, deleted ones gone (the verify index makes room for them)', async function () {
    const dataDir = await temp.make('embedded-hint');
    const store = await openEmbeddedStore({ dataDir, initialData: emptyData });
    try {
      const service = await store.services.insert(sampleService());
      assert.equal(await store.keys.keyCountHint!(), 0);
      const kept = await store.keys.insert(sampleKeyOf(service.id));
      const gone = await store.keys.insert(sampleKeyOf(service.id));
      await store.keys.delete(gone.id, gone.version);
      assert.equal(await store.keys.keyCountHint!(), 1);
      assert.ok(kept);
    } finally {
      await store.close();
    }
  });

  it('writes a unit of work as one durable batch: both records on disk after it resolves, in one journal append', async function () {
    const dataDir = await temp.make('embedded-unit');
    const store = await openEmbeddedStore({ dataDir, initialData: emptyData });
    try {
      const service = await store.services.insert(sampleService());
      const old = await store.keys.insert(sampleKeyOf(service.id));
      const writesBefore = store.writeCount;
      const successor = sampleKeyOf(service.id, { rotatedFrom: old.id });
      await store.unitOfWork(async (tx) => {
        await tx.keys.update({ ...sampleKeyOf(service.id), id: old.id, secretHash: old.secretHash, rotatedTo: successor.id }, 1);
        await tx.keys.insert(successor);
      });
      assert.equal(store.writeCount, writesBefore + 1);
      const onDisk = await durableState(dataDir);
      assert.equal(onDisk.keys.find((record) => record.id === old.id)!.rotatedTo, successor.id);
      assert.ok(onDisk.keys.some((record) => record.id === successor.id));
    } finally {
      await store.close();
    }
  });

  it('has one member, the OS user as owner, and refuses member changes with a pointer to the team store', async function () {
    const dataDir = await temp.make('embedded-members');
    const store = await openEmbeddedStore({ dataDir, initialData: emptyData, ownerName: 'ann' });
    try {
      const owner = await store.members.current();
      assert.deepEqual({ name: owner.name, role: owner.role }, { name: 'ann', role: 'owner' });
      assert.deepEqual(await store.members.list(), [owner]);
      assert.equal(await store.members.get('bob'), undefined);
      const refusal = (error: unknown) => {
        assert.ok(error instanceof KeysmithError);
        assert.equal(error.code, 'VALIDATION_FAILED');
        assert.match(error.message, /--store postgres:\/\//);
        return true;
      };
      await assert.rejects(store.members.add({ name: 'bob', role: 'issuer', createdAt: owner.createdAt }), refusal);
      await assert.rejects(store.members.setRole('ann', 'auditor'), refusal);
      await assert.rejects(store.members.remove('ann'), refusal);
      assert.equal(store.description, 'embedded');
    } finally {
      await store.close();
    }
  });
});
