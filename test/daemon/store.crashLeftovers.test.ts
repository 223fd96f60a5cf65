// A crash between writing a temp file and renaming it over its target leaves `<target>.<pid>.<hex>.tmp`
// in the data dir. The next start, once it holds the lock (so no live writer owns one), removes exactly
// those: regular files whose name is a temp name of a file the daemon writes atomically, nothing else.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { openEmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import { useTempDirs } from '../support/tempDirs';
import { useStoreDir } from './support/storeDir';
import { emptyData } from './support/storeData';

const hex12 = () => randomBytes(6).toString('hex');
const leftoverOf = (target: string) => `${target}.${40_000 + Math.floor(Math.random() * 20_000)}.${hex12()}.tmp`;

describe('store: crash leftovers in the data dir', () => {
  const scratch = useStoreDir();
  const temp = useTempDirs();
  let outside: string;
  const file = (name: string) => path.join(scratch.dir, name);
  const open = async () => scratch.keep(await openEmbeddedStore({ dataDir: scratch.dir, initialData: emptyData }));

  beforeEach(async () => {
    outside = await temp.make('store-outside');
  });

  it('removes the temp files of daemon.json, master.key and the store files at start', async () => {
    const leftovers = ['daemon.json', 'master.key', 'store.json', 'store.json.bak', 'store.journal'].map(leftoverOf);
    for (const name of leftovers) await fsp.writeFile(file(name), 'half-written', { mode: 0o600 });
    await open();
    const left = await fsp.readdir(scratch.dir);
    assert.deepEqual(
      leftovers.filter((name) => left.includes(name)),
      [],
      `leftovers kept: ${left.join(', ')}`,
    );
  });

  it('keeps files that only resemble a temp name, symbolic links and folders, and what they point at', async () => {
    const kept = [
      'daemon.json.tmp', // no pid and random part
      `notes-daemon.json.123.${hex12()}.tmp`, // another file's name
      `daemon.json.123.${hex12()}.tmp.keep`, // not ending in .tmp
      `master.key.12x.${hex12()}.tmp`, // pid not a number
      `store.json.123.${hex12().toUpperCase()}x.tmp`, // random part not lower-case hex
    ];
    for (const name of kept) await fsp.writeFile(file(name), 'mine', { mode: 0o600 });
    const precious = path.join(outside, 'precious.txt');
    await fsp.writeFile(precious, 'do not delete');
    const link = leftoverOf('master.key');
    await fsp.symlink(precious, file(link));
    const folder = leftoverOf('store.json');
    await fsp.mkdir(file(folder));

    await open();

    const left = await fsp.readdir(scratch.dir);
    for (const name of [...kept, link, folder]) assert.ok(left.includes(name), `${name} was removed`);
    assert.equal(await fsp.readFile(precious, 'utf8'), 'do not delete');
  });

  it('removes nothing while another daemon holds the lock', async () => {
    await open();
    const leftover = leftoverOf('daemon.json');
    await fsp.writeFile(file(leftover), 'a live writer may own this', { mode: 0o600 });
    await assert.rejects(openEmbeddedStore({ dataDir: scratch.dir, initialData: emptyData }), { name: 'StoreLockedError' });
    assert.ok((await fsp.readdir(scratch.dir)).includes(leftover));
  });
});
