// Stopping while a change is in flight: close() drains the queued transaction, and the audit event its
// caller appends right after the change committed is written too, not refused because the store is
// "closed". Otherwise a SIGTERM under load keeps the change and loses its trace in the audit log.
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { AuditEvent } from '../../daemon/protocol';
import { openEmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import { useStoreDir } from './support/storeDir';
import { commit, emptyData, put, sampleKey } from './support/storeData';

describe('store: closing while a change is in flight', () => {
  const scratch = useStoreDir();

  it('commits the queued change and writes the audit event appended after it', async () => {
    const store = await openEmbeddedStore({ dataDir: scratch.dir, initialData: emptyData });
    const event: AuditEvent = { id: 'evt_drained', at: new Date().toISOString(), actor: 'tester', action: 'key.created', keyId: 'key_7' };
    const change = store.keys.insert(sampleKey(7)).then(() => store.audit.append([event]));
    await store.close();
    await change;
    const audit = await fsp.readFile(path.join(scratch.dir, 'audit.jsonl'), 'utf8');
    assert.match(audit, /evt_drained/);
    const reopened = await openEmbeddedStore({ dataDir: scratch.dir, initialData: emptyData });
    assert.deepEqual(
      reopened.read().keys.map((key) => key.id),
      ['key_7'],
    );
    await reopened.close();
  });

  it('refuses changes asked for after close()', async () => {
    const store = await openEmbeddedStore({ dataDir: scratch.dir, initialData: emptyData });
    const closing = store.close();
    await assert.rejects(commit(store, [put(sampleKey(1))]), /closed/);
    await closing;
    await assert.rejects(store.audit.append([]), /closed/);
  });
});
