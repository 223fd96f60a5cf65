// A lock whose owner is a zombie (exited, never reaped: the usual fate of a child in a container without
// an init process) must not block a restart forever. The zombie here is real: a shell starts a child,
// then execs `sleep`, which never waits for it. The child outlives that exec by a moment: had it exited
// while the shell was still a shell, the shell could have reaped it, and there would be no zombie.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { openEmbeddedStore, type EmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import { makeTempDir, removeDir } from '../support/tempDirs';
import { emptyData } from './support/storeData';

/** Starts a parent that never reaps its exited child; resolves with the zombie's pid once it is one. */
async function makeZombie(parents: ChildProcess[]): Promise<number> {
  const parent = spawn('/bin/sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  parents.push(parent);
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString('utf8').trim())));
    parent.once('error', reject);
  });
  for (let tries = 0; tries < 1000; tries++) {
    const stat = await fsp.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (/^\d+ \(.*\) Z /.test(stat)) return pid;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`pid ${pid} did not become a zombie`);
}

describe('store: a data-dir lock owned by a zombie process', function () {
  if (process.platform !== 'linux') return;
  let dir: string;
  let parents: ChildProcess[];
  let stores: EmbeddedStore[];

  beforeEach(async () => {
    dir = await makeTempDir('store');
    parents = [];
    stores = [];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    for (const parent of parents) parent.kill('SIGKILL');
    await removeDir(dir);
  });

  it('takes the lock over: a zombie has exited and will never release it', async () => {
    const zombie = await makeZombie(parents);
    const bootId = (await fsp.readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    await fsp.writeFile(path.join(dir, 'daemon.lock'), `${zombie}\nboot ${bootId}\n`, { mode: 0o600 });
    stores.push(await openEmbeddedStore({ dataDir: dir, initialData: emptyData }));
    assert.match(await fsp.readFile(path.join(dir, 'daemon.lock'), 'utf8'), new RegExp(`^${process.pid}\n`));
  });
});
