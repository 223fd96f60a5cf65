import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { AuditEvent } from '../../daemon/protocol';
import { AuditLog } from '../../daemon/store/embedded/auditLog';
import { openEmbeddedStore, type EmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import { useStoreDir } from './support/storeDir';
import { emptyData } from './support/storeData';
import { named } from './support/scriptedFs';

const event = (n: number, keyId?: string): AuditEvent => ({
  id: `evt_${n}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  actor: 'tester',
  action: 'key.updated',
  ...(keyId ? { keyId } : {}),
});
const ids = (events: AuditEvent[]) => events.map((e) => e.id);

describe('store: audit log', () => {
  const scratch = useStoreDir();
  let store: EmbeddedStore | undefined;
  const auditFile = () => path.join(scratch.dir, 'audit.jsonl');
  const open = async () =>
    (store = scratch.keep(await openEmbeddedStore({ dataDir: scratch.dir, initialData: emptyData, fs: scratch.fs })));

  afterEach(() => {
    store = undefined;
  });

  it('appends one JSON event per line, fsynced before it resolves, in a 0600 file', async () => {
    await open();
    await store!.audit.append([event(1, 'k1'), event(2)]);
    const lines = (await fsp.readFile(auditFile(), 'utf8')).split('\n');
    assert.deepEqual(lines, [JSON.stringify(event(1, 'k1')), JSON.stringify(event(2)), '']);
    assert.ok(scratch.fs.count('sync', named('audit.jsonl')) >= 1);
    assert.equal((await fsp.stat(auditFile())).mode & 0o777, 0o600);
    const opened = scratch.fs.calls.find((c) => c.op === 'open' && named('audit.jsonl')(c.path));
    assert.equal(opened?.mode, 0o600);
  });

  it('shares fsyncs among concurrent appends and keeps their order', async () => {
    await open();
    await Promise.all(Array.from({ length: 30 }, (_, i) => store!.audit.append([event(i)])));
    assert.ok(
      scratch.fs.count('sync', named('audit.jsonl')) < 30,
      `${scratch.fs.count('sync', named('audit.jsonl'))} fsyncs for 30 appends`,
    );
    assert.deepEqual(
      ids(await store!.audit.query({ limit: 100 })),
      Array.from({ length: 30 }, (_, i) => `evt_${29 - i}`),
    );
  });

  it('reads newest first, with a limit and an optional key filter, also after a reopen', async () => {
    await open();
    await store!.audit.append([event(1, 'k1'), event(2, 'k2'), event(3, 'k1')]);
    await store!.audit.append([event(4), event(5, 'k1')]);
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(ids(await store!.audit.query({ limit: 10 })), ['evt_5', 'evt_4', 'evt_3', 'evt_2', 'evt_1']);
      assert.deepEqual(ids(await store!.audit.query({ limit: 2 })), ['evt_5', 'evt_4']);
      assert.deepEqual(ids(await store!.audit.query({ limit: 10, keyId: 'k1' })), ['evt_5', 'evt_3', 'evt_1']);
      assert.deepEqual(ids(await store!.audit.query({ limit: 1, keyId: 'k2' })), ['evt_2']);
      await store!.close();
      await open();
    }
  });

  it('skips a line torn by a crash and starts the next append on a fresh line', async () => {
    await open();
    await store!.audit.append([event(1), event(2)]);
    await store!.close();
    await fsp.appendFile(auditFile(), '{"id":"evt_3","at":"2026-01-0');
    await open();
    assert.deepEqual(ids(await store!.audit.query({ limit: 10 })), ['evt_2', 'evt_1']);
    await store!.audit.append([event(4)]);
    await store!.close();
    await open();
    assert.deepEqual(ids(await store!.audit.query({ limit: 10 })), ['evt_4', 'evt_2', 'evt_1']);
  });

  it('rejects with the disk error when an append cannot be made durable, and lists nothing of it', async () => {
    await open();
    await store!.audit.append([event(1)]);
    scratch.fs.failOnce('sync', 'ENOSPC', named('audit.jsonl'));
    await assert.rejects(store!.audit.append([event(2)]), (error: Error & { code?: string }) => {
      assert.equal(error.name, 'StoreWriteError');
      assert.equal(error.code, 'ENOSPC');
      assert.match(error.message, /audit\.jsonl.*audit events were not recorded/);
      return true;
    });
    assert.deepEqual(ids(await store!.audit.query({ limit: 10 })), ['evt_1']);
    await store!.audit.append([event(3)]);
    assert.deepEqual(ids(await store!.audit.query({ limit: 10 })), ['evt_3', 'evt_1']);
  });

  it('flush() waits for audit appends still in flight', async () => {
    await open();
    const held = scratch.fs.pause('sync', named('audit.jsonl'));
    let appended = false;
    void store!.audit.append([event(1)]).then(() => (appended = true));
    await held.reached;
    const flushed = store!.flush();
    held.release();
    await flushed;
    assert.equal(appended, true);
  });

  it('reads history older than it keeps in memory from the file', async () => {
    const log = await AuditLog.open(scratch.fs, path.join(scratch.dir, 'audit.jsonl'), 5);
    try {
      for (let i = 0; i < 12; i++) await log.append([event(i, i % 3 === 0 ? 'k0' : 'kx')]);
      assert.deepEqual(ids(await log.read({ limit: 3 })), ['evt_11', 'evt_10', 'evt_9']);
      assert.deepEqual(ids(await log.read({ limit: 20, keyId: 'k0' })), ['evt_9', 'evt_6', 'evt_3', 'evt_0']);
    } finally {
      await log.close();
    }
  });
});
