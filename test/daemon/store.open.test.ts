import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { StoreCorruptError, StoreLockedError } from '../../daemon/store/errors';
import { openEmbeddedStore, type EmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import type { StoreData } from '../../daemon/store/types';
import { makeTempDir, removeDir } from '../support/tempDirs';
import { commit, dataWithKeys, emptyData, put, sampleKey, snapshotOnDisk } from './support/storeData';
import { ScriptedFs } from './support/scriptedFs';

describe('store: opening the lowdb store', () => {
  let dir: string;
  let stores: EmbeddedStore[];
  let children: ChildProcess[];
  const file = (name: string) => path.join(dir, name);
  const open = async (initialData: () => StoreData = emptyData) => {
    const store = await openEmbeddedStore({ dataDir: dir, initialData });
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await makeTempDir('store');
    stores = [];
    children = [];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    for (const child of children) child.kill();
    await removeDir(dir);
  });

  describe('a new data directory', () => {
    it('starts from initialData and writes it durably, private, with a backup copy', async () => {
      const nested = path.join(dir, 'nested', 'data');
      const store = await openEmbeddedStore({ dataDir: nested, initialData: () => dataWithKeys(2) });
      stores.push(store);
      assert.deepEqual(store.read(), dataWithKeys(2));
      const written = await fsp.readFile(path.join(nested, 'store.json'), 'utf8');
      assert.deepEqual(await snapshotOnDisk(nested), dataWithKeys(2));
      assert.equal(await fsp.readFile(path.join(nested, 'store.json.bak'), 'utf8'), written);
      assert.equal((await fsp.stat(path.join(nested, 'store.json.bak'))).mode & 0o777, 0o600);
      assert.equal((await fsp.stat(nested)).mode & 0o777, 0o700, 'the data dir it creates is private too');
    });

    it('does not call initialData when a store exists', async () => {
      await (await open(() => dataWithKeys(1))).close();
      stores = [];
      const store = await open(() => {
        throw new Error('initialData must not be called');
      });
      assert.deepEqual(store.read(), dataWithKeys(1));
    });
  });

  describe('the data-dir lock', () => {
    const spawnNode = (code: string) => {
      const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
      children.push(child);
      return child;
    };

    it('refuses a second daemon while the first holds the lock, naming its pid', async () => {
      await open();
      await assert.rejects(open(), (error: StoreLockedError) => {
        assert.ok(error instanceof StoreLockedError);
        assert.equal(error.pid, process.pid);
        assert.match(error.message, new RegExp(`Another Keysmith daemon \\(pid ${process.pid}\\) uses this data directory`));
        return true;
      });
    });

    it('refuses a lock held by another live process', async () => {
      const holder = spawnNode('setTimeout(() => {}, 60000)');
      await once(holder, 'spawn');
      await fsp.writeFile(file('daemon.lock'), `${holder.pid}\n`, { mode: 0o600 });
      await assert.rejects(open(), { name: 'StoreLockedError', pid: holder.pid });
      assert.equal(await fsp.readFile(file('daemon.lock'), 'utf8'), `${holder.pid}\n`, 'the live lock is left alone');
    });

    it('takes over a lock left by a process that no longer runs', async () => {
      const gone = spawnNode('');
      await once(gone, 'exit');
      await fsp.writeFile(file('daemon.lock'), `${gone.pid}\n`, { mode: 0o600 });
      await open();
      assert.match(await fsp.readFile(file('daemon.lock'), 'utf8'), new RegExp(`^${process.pid}\n`));
    });

    it('refuses a lock of a live process written during this boot', async () => {
      const holder = spawnNode('setTimeout(() => {}, 60000)');
      await once(holder, 'spawn');
      const bootId = (await fsp.readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
      await fsp.writeFile(file('daemon.lock'), `${holder.pid}\nboot ${bootId}\n`, { mode: 0o600 });
      await assert.rejects(open(), { name: 'StoreLockedError', pid: holder.pid });
    });

    it('takes over a lock written before a reboot, even if its pid now belongs to a live process', async () => {
      const unrelated = spawnNode('setTimeout(() => {}, 60000)');
      await once(unrelated, 'spawn');
      await fsp.writeFile(file('daemon.lock'), `${unrelated.pid}\nboot 00000000-0000-4000-8000-000000000000\n`, { mode: 0o600 });
      await open();
      assert.match(await fsp.readFile(file('daemon.lock'), 'utf8'), new RegExp(`^${process.pid}\n`));
    });

    it('takes over a lock naming this very process when this process never took it (pid reused)', async () => {
      await fsp.writeFile(file('daemon.lock'), `${process.pid}\n`, { mode: 0o600 });
      await open();
    });

    it('takes over a lock whose content is unreadable', async () => {
      await fsp.writeFile(file('daemon.lock'), 'not a pid', { mode: 0o600 });
      await open();
      assert.match(await fsp.readFile(file('daemon.lock'), 'utf8'), new RegExp(`^${process.pid}\n`));
    });

    it('takes over an empty lock left by a crash, after giving a starting owner a moment', async () => {
      await fsp.writeFile(file('daemon.lock'), '', { mode: 0o600 });
      await open();
      assert.match(await fsp.readFile(file('daemon.lock'), 'utf8'), new RegExp(`^${process.pid}\\n`));
    });

    it('still locks on a file system without hard links, and still refuses a second daemon', async () => {
      const fs = new ScriptedFs();
      fs.fail('link', 'EPERM');
      const first = await openEmbeddedStore({ dataDir: dir, initialData: emptyData, fs });
      stores.push(first);
      assert.match(await fsp.readFile(file('daemon.lock'), 'utf8'), new RegExp(`^${process.pid}\\n`));
      assert.equal((await fsp.stat(file('daemon.lock'))).mode & 0o777, 0o600);
      await assert.rejects(openEmbeddedStore({ dataDir: dir, initialData: emptyData, fs }), StoreLockedError);
    });

    it('releases the lock on close so the next daemon can open', async () => {
      const first = await open();
      await first.close();
      await assert.rejects(fsp.stat(file('daemon.lock')), { code: 'ENOENT' });
      await open();
    });
  });

  describe('a damaged store file', () => {
    const damaged: Array<[string, string]> = [
      ['empty', ''],
      ['truncated', JSON.stringify(dataWithKeys(3)).slice(0, 150)],
      ['garbage', '\u0000\u0001binary garbage\n'],
      ['the wrong shape', JSON.stringify({ version: 1, services: [], keys: [{ id: 7 }], tokens: [] })],
      ['another version', JSON.stringify({ ...emptyData(), version: 2 })],
      ['not an object', '[]'],
    ];

    for (const [what, content] of damaged) {
      it(`refuses a store that is ${what}, leaves it byte-identical, and names the file and the backup`, async () => {
        const good = await open(() => dataWithKeys(1));
        await good.close();
        stores = [];
        await fsp.writeFile(file('store.json'), content, { mode: 0o600 });

        await assert.rejects(open(), (error: StoreCorruptError) => {
          assert.ok(error instanceof StoreCorruptError, String(error));
          assert.ok(error.message.includes(file('store.json')), error.message);
          assert.ok(error.message.includes(`cp ${file('store.json.bak')} ${file('store.json')}`), error.message);
          assert.match(error.message, /saved when the daemon last started \(\d{4}-\d\d-\d\dT/);
          return true;
        });
        assert.equal(await fsp.readFile(file('store.json'), 'utf8'), content);
        assert.deepEqual(await snapshotOnDisk(dir, 'store.json.bak'), dataWithKeys(1), 'backup kept');
      });
    }

    it('gives the position of a syntax error', async () => {
      await fsp.writeFile(file('store.json'), '{"version":1,\n"services":[],\n"keys":[,]}', { mode: 0o600 });
      await assert.rejects(open(), /at line 3, column 9/);
    });

    it('says there is no backup, and how to start over explicitly, when none exists', async () => {
      await fsp.writeFile(file('store.json'), '{', { mode: 0o600 });
      await assert.rejects(open(), (error: Error) => {
        assert.match(error.message, /There is no backup/);
        assert.ok(error.message.includes(`mv ${file('store.json')} ${file('store.json.damaged')}`), error.message);
        return true;
      });
      assert.equal(await fsp.readFile(file('store.json'), 'utf8'), '{');
    });

    it('releases the lock after refusing, so the store opens once the file is restored', async () => {
      await (await open(() => dataWithKeys(1))).close();
      stores = [];
      await fsp.writeFile(file('store.json'), 'oops', { mode: 0o600 });
      await assert.rejects(open(), StoreCorruptError);
      await fsp.copyFile(file('store.json.bak'), file('store.json'));
      assert.deepEqual((await open()).read(), dataWithKeys(1));
    });
  });

  it('refuses a store file other users can read, with the chmod fix', async () => {
    await (await open()).close();
    stores = [];
    await fsp.chmod(file('store.json'), 0o644);
    await assert.rejects(open(), new RegExp(`chmod 600 ${file('store.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('refuses a usage flush period that is not a number of milliseconds', async () => {
    for (const usageFlushMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assert.rejects(
        openEmbeddedStore({ dataDir: dir, initialData: emptyData, usageFlushMs }),
        /usageFlushMs must be a number of milliseconds >= 0/,
      );
    }
  });

  it('removes temp files left by a crash and nothing else', async () => {
    await (await open(() => dataWithKeys(1))).close();
    stores = [];
    const leftovers = ['store.json.4242.a1b2c3.tmp', 'store.json.bak.4242.d4e5f6.tmp', 'store.journal.4242.0a1b2c.tmp'];
    for (const name of leftovers) await fsp.writeFile(file(name), '{"half":', { mode: 0o600 });
    await fsp.writeFile(file('notes.txt'), 'mine');
    await open();
    const names = (await fsp.readdir(dir)).sort();
    assert.deepEqual(names, ['audit.jsonl', 'daemon.lock', 'notes.txt', 'store.journal', 'store.json', 'store.json.bak']);
  });

  it('removes a lock temp file left by a dead process, but not one of a live process', async () => {
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await once(gone, 'exit');
    const deadTemp = `daemon.lock.${gone.pid}.abcdef.tmp`;
    const liveTemp = `daemon.lock.${process.pid}.fedcba.tmp`;
    await fsp.writeFile(file(deadTemp), `${gone.pid}\n`, { mode: 0o600 });
    await fsp.writeFile(file(liveTemp), `${process.pid}\n`, { mode: 0o600 });
    await open();
    const names = await fsp.readdir(dir);
    assert.ok(!names.includes(deadTemp), 'dead process temp removed');
    assert.ok(names.includes(liveTemp), 'live process temp kept');
  });

  it('lets close() be called twice, both waiting for the same shutdown', async () => {
    const store = await open();
    store.recordUse({ keyId: 'none', at: '2026-01-01T00:00:00.000Z' });
    await Promise.all([store.close(), store.close()]);
    await assert.rejects(fsp.stat(file('daemon.lock')), { code: 'ENOENT' });
  });

  it('keeps store.json.bak as the last good copy at each open', async () => {
    const first = await open();
    await commit(first, [put(sampleKey(5))]);
    await first.close();
    stores = [];
    await open();
    assert.deepEqual(
      JSON.parse(await fsp.readFile(file('store.json.bak'), 'utf8')).keys.map((k: { id: string }) => k.id),
      ['key_5'],
    );
  });
});
