// Every file the store creates or appends to (store temp files, the backup, the audit log, the lock) is
// opened with mode 0600 in the open call itself, seen through the store's fs facade: private from the
// first byte, with no window in which another user could open it.
import assert from 'node:assert/strict';
import { constants } from 'node:fs';
import { initialStoreData } from '../../daemon/server';
import { openEmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import { nodeStoreFs, type StoreFs } from '../../daemon/store/storeFs';
import { createKey, regenerateKey, verifyKey } from './support/api';
import { startTestDaemon, type TestDaemon } from '../support/inProcessDaemon';
import { useTempDirs } from '../support/tempDirs';

interface OpenCall {
  path: string;
  flags: string | number;
  mode: number | undefined;
}

/** 'wx', 'a'... or O_* bits (the audit log opens with O_NOFOLLOW, which only the numeric form can say). */
function opensForWriting(flags: string | number): boolean {
  return typeof flags === 'number' ? (flags & (constants.O_WRONLY | constants.O_RDWR)) !== 0 : /[wa+]/.test(flags);
}

function recordingFs(calls: OpenCall[]): StoreFs {
  return {
    ...nodeStoreFs,
    open: (path, flags, mode) => {
      calls.push({ path, flags, mode });
      return nodeStoreFs.open(path, flags, mode);
    },
  };
}

describe('reliability: private files from the first byte', function () {
  let daemon: TestDaemon | undefined;
  afterEach(async function () {
    await daemon?.stop();
    daemon = undefined;
  });
  const temp = useTempDirs();

  it('opens every file it writes with mode 0600', async function () {
    const dataDir = await temp.make('private');
    const calls: OpenCall[] = [];
    const store = await openEmbeddedStore({ dataDir, initialData: initialStoreData, fs: recordingFs(calls), usageFlushMs: 10 });
    daemon = await startTestDaemon({ defaults: 'daemon', dataDir, store });
    const { key, secret } = await createKey(daemon, { name: 'private' });
    await regenerateKey(daemon, key.id, 60);
    await verifyKey(daemon, secret.secret);
    await daemon.stop();
    daemon = undefined;

    const writes = calls.filter((call) => opensForWriting(call.flags));
    assert.ok(
      writes.some((call) => call.path.includes('store.json')),
      'the store file was never written',
    );
    assert.ok(
      writes.some((call) => /audit/.test(call.path)),
      'the audit log was never opened',
    );
    const open = writes.filter((call) => call.mode !== 0o600).map((call) => `${call.path} (${call.flags}, mode ${call.mode?.toString(8)})`);
    assert.deepEqual(open, [], 'files opened for writing without mode 0600');
  });
});
