// A full disk (ENOSPC) or a read-only / forbidden store (EROFS, EACCES), injected through the store's fs
// facade under a real server: a change fails with the documented 500 STORE_WRITE_FAILED and advice for
// the fault, every file of the data dir stays byte-identical, reads and verify keep working, and once
// the fault clears changes succeed again. Nothing of a refused change may show up later.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyView } from '../../daemon/protocol';
import { initialStoreData } from '../../daemon/server';
import { openEmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import { createKey, listAllKeys, validKeyBody, verifyKey } from './support/api';
import { delay } from '../support/childDaemon';
import { expectApiError } from './support/expectations';
import { faultyDisk, type DiskFault } from './support/faultyDisk';
import { describeAnswer, send } from '../support/http';
import { startTestDaemon, type TestDaemon } from '../support/inProcessDaemon';
import { findStoreFile, readStoreFile, tempFilesIn } from './support/storeFile';
import { useTempDirs } from '../support/tempDirs';

/** Each fault, and the advice the daemon must add to the kernel's errno (not just repeat it). */
/** Every file of the data dir with its bytes: store, its log or backup, audit log, master key (not the admin socket). */
async function filesIn(dataDir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dataDir, { withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
  return new Map(await Promise.all(names.map(async (name): Promise<[string, Buffer]> => [name, await readFile(path.join(dataDir, name))])));
}

const FAULTS: Array<[DiskFault, RegExp]> = [
  ['ENOSPC', /free some disk space/i],
  ['EROFS', /read-only.*(remount|another data directory)/i],
  ['EACCES', /own the data directory|may write/i],
];

describe('reliability: disk faults under a running server', function () {
  let daemon: TestDaemon | undefined;
  afterEach(async function () {
    await daemon?.stop().catch(() => undefined);
    daemon = undefined;
  });
  const temp = useTempDirs();

  it('never answers an error for a change it kept: with only the audit log failing, a change is either refused whole or answered 2xx', async function () {
    this.timeout(30_000);
    const dataDir = await temp.make('audit-only');
    const disk = faultyDisk();
    const store = await openEmbeddedStore({ dataDir, initialData: initialStoreData, fs: disk.fs, usageFlushMs: 20 });
    daemon = await startTestDaemon({ defaults: 'daemon', dataDir, store });
    const kept = await createKey(daemon, { name: 'kept' });

    disk.setFault('ENOSPC', (file) => path.basename(file).startsWith('audit'));
    const create = await send(daemon, 'POST', '/v1/keys', {
      json: validKeyBody({ name: 'created while the audit log fails', environment: 'production' }),
    });
    const revoke = await send(daemon, 'POST', `/v1/keys/${kept.key.id}/revoke`, { json: {} });
    assert.ok(disk.refused > 0, 'the audit fault was never hit: the test proves nothing');
    disk.setFault(undefined);

    const names = (await listAllKeys(daemon)).map((key) => key.name);
    const createKept = names.includes('created while the audit log fails');
    assert.equal(
      createKept,
      create.status === 201,
      `create answered ${describeAnswer(create)} but the key was ${createKept ? '' : 'not '}stored`,
    );
    const revokeKept = (await send(daemon, 'GET', `/v1/keys/${kept.key.id}`)).body.status === 'revoked';
    assert.equal(
      revokeKept,
      revoke.status === 200,
      `revoke answered ${describeAnswer(revoke)} but the key is ${revokeKept ? '' : 'not '}revoked`,
    );
  });

  for (const [fault, explanation] of FAULTS) {
    it(`refuses to open a store on ${fault} with a clear message, leaving no lock behind, and opens once it clears`, async function () {
      const dataDir = await temp.make(`open-${fault}`);
      const disk = faultyDisk();
      disk.setFault(fault);
      await assert.rejects(openEmbeddedStore({ dataDir, initialData: initialStoreData, fs: disk.fs }), (error: Error) => {
        assert.match(error.message, explanation, `the message gives no advice for ${fault}: ${error.message}`);
        assert.ok(error.message.includes(dataDir), `the message names the data dir: ${error.message}`);
        return true;
      });
      disk.setFault(undefined);
      const store = await openEmbeddedStore({ dataDir, initialData: initialStoreData, fs: disk.fs });
      daemon = await startTestDaemon({ defaults: 'daemon', dataDir, store });
      const { secret } = await createKey(daemon, { name: 'after the disk came back' });
      assert.equal((await verifyKey(daemon, secret.secret)).valid, true);
    });
  }

  for (const [fault, explanation] of FAULTS) {
    it(`answers 500 STORE_WRITE_FAILED on ${fault}, keeps the store intact and serving, and recovers`, async function () {
      this.timeout(30_000);
      const dataDir = await temp.make(`fault-${fault}`);
      const disk = faultyDisk();
      const store = await openEmbeddedStore({ dataDir, initialData: initialStoreData, fs: disk.fs, usageFlushMs: 20 });
      daemon = await startTestDaemon({ defaults: 'daemon', dataDir, store });

      const kept = await createKey(daemon, { name: 'kept' });
      const storeFile = await findStoreFile(dataDir);
      const durableBefore = await filesIn(dataDir);

      disk.setFault(fault);
      const refusals = [
        await send(daemon, 'POST', '/v1/keys', { json: validKeyBody({ name: 'refused by the disk' }) }),
        await send(daemon, 'POST', `/v1/keys/${kept.key.id}/regenerate`, { json: { graceSeconds: 0 } }),
        await send(daemon, 'POST', `/v1/keys/${kept.key.id}/revoke`, { json: {} }),
        await send(daemon, 'PATCH', `/v1/keys/${kept.key.id}`, { json: { name: 'renamed on a broken disk' } }),
      ];
      for (const answer of refusals) {
        expectApiError(answer, 500, 'STORE_WRITE_FAILED');
        assert.match(answer.body.error.message, explanation, 'the message says what to do about the disk');
        assert.ok(!answer.text.includes(kept.secret.secret), 'a secret in the error');
      }
      assert.ok(disk.refused > 0, 'the fault was never hit: the test proves nothing');

      // Reads and verify keep working on the state as it was; nothing of the refused changes shows.
      assert.deepEqual(await filesIn(dataDir), durableBefore, 'a file of the data dir changed while the disk refused writes');
      assert.deepEqual(await tempFilesIn(dataDir), [], 'a failed write left its temp file behind');
      const during = await listAllKeys(daemon);
      assert.deepEqual(
        during.map((key) => key.id),
        [kept.key.id],
      );
      assert.equal(during[0]!.name, 'kept');
      assert.equal(during[0]!.status, 'active');
      const verified = await verifyKey(daemon, kept.secret.secret);
      assert.equal(verified.valid, true, `verify during ${fault}: ${JSON.stringify(verified)}`);
      await delay(100); // let the batched lastUsed write hit the fault too
      assert.equal((await verifyKey(daemon, kept.secret.secret)).valid, true);
      assert.equal((await send(daemon, 'GET', '/v1/health', { token: null })).status, 200);

      disk.setFault(undefined);
      const after = await createKey(daemon, { name: 'after recovery' });
      assert.equal((await verifyKey(daemon, after.secret.secret)).valid, true);
      const revoked = await send(daemon, 'POST', `/v1/keys/${kept.key.id}/revoke`, { json: {} });
      assert.equal(revoked.status, 200, describeAnswer(revoked));

      const logged = daemon.logs.join('\n');
      assert.match(logged, new RegExp(fault), 'the daemon logged the disk fault');
      for (const secret of [kept.secret.secret, after.secret.secret]) assert.ok(!logged.includes(secret), 'a secret reached the log');

      await daemon.stop();
      daemon = undefined;
      const onDisk = await readStoreFile(storeFile);
      const names = onDisk.keys.map((key) => key.name).sort();
      assert.deepEqual(names, ['after recovery', 'kept']);
      assert.equal(onDisk.keys.find((key) => key.id === kept.key.id)?.status, 'revoked');

      // And a fresh daemon on the same dir sees exactly that.
      daemon = await startTestDaemon({ defaults: 'daemon', dataDir });
      const reopened: KeyView[] = await listAllKeys(daemon);
      assert.deepEqual(reopened.map((key) => key.name).sort(), ['after recovery', 'kept']);
      assert.deepEqual(await tempFilesIn(path.dirname(storeFile)), []);
    });
  }
});
