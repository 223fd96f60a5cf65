// How the daemon stops: on every signal a terminal or service manager sends (SIGINT, SIGTERM, SIGHUP),
// pending writes are flushed and daemon.json and the lock are removed; when the disk refuses the last
// writes, the files that would mislead the next start are still removed and the exit code and log say
// what was lost, without a secret.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { writeDaemonFile } from '../../daemon/daemonFile';
import { initialStoreData, startServer } from '../../daemon/server';
import { openEmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import { stopDaemon } from '../../daemon/stopDaemon';
import { createKey, getKey, verifyKey } from './support/api';
import { ensureDaemonBuilt, killHard, startDaemonProcess, type RunningDaemon } from '../support/childDaemon';
import { faultyDisk } from './support/faultyDisk';
import { useTempDirs } from '../support/tempDirs';

describe('reliability: stopping the daemon', function () {
  this.timeout(60_000);
  const children: RunningDaemon[] = [];
  before(() => ensureDaemonBuilt());
  afterEach(async () => {
    for (const child of children.splice(0)) await killHard(child);
  });
  const temp = useTempDirs();

  for (const signal of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) {
    it(`on ${signal} (${signal === 'SIGHUP' ? 'the terminal closed' : 'a stop request'}) writes pending usage, removes daemon.json and the lock, exits 0`, async () => {
      const dataDir = await temp.make('signal');
      const first = await startDaemonProcess(dataDir);
      children.push(first);
      const {
        key,
        secret: { secret },
      } = await createKey(first);
      // Usage is batched (1 s by default): the signal arrives while this use is still pending.
      assert.equal((await verifyKey(first, secret)).valid, true);
      first.child.kill(signal);
      const exit = await first.exited;
      assert.deepEqual(exit, { code: 0, signal: null }, first.output());
      const left = await readdir(dataDir);
      assert.ok(!left.includes('daemon.json'), `daemon.json left behind: ${left.join(', ')}`);
      assert.ok(!left.includes('daemon.lock'), `lock left behind: ${left.join(', ')}`);
      const again = await startDaemonProcess(dataDir);
      children.push(again);
      assert.equal((await getKey(again, key.id)).useCount, 1, 'the use pending at the signal was lost');
    });
  }

  it('on a full disk removes daemon.json and the lock anyway, exits 1 and logs what was not written, without a secret', async () => {
    const dataDir = await temp.make('full-disk-stop');
    const disk = faultyDisk();
    const logs: string[] = [];
    const logger = { info: (line: string) => void logs.push(line), error: (line: string) => void logs.push(line) };
    const store = await openEmbeddedStore({ dataDir, initialData: initialStoreData, fs: disk.fs, usageFlushMs: 60_000 });
    const server = await startServer({ dataDir, store, logger, env: {}, adminName: 'tester' });
    await writeDaemonFile(dataDir, { socket: server.socket, port: server.port, pid: process.pid, token: server.token, version: 'test' });
    const target = { port: server.port, token: server.token, socket: server.socket };
    const {
      secret: { secret },
    } = await createKey(target);
    assert.equal((await verifyKey(target, secret)).valid, true);
    disk.setFault('ENOSPC');

    const code = await stopDaemon(server, dataDir, logger);

    assert.equal(code, 1, 'a stop that lost writes must not report success');
    const left = await readdir(dataDir);
    assert.ok(!left.includes('daemon.json'), `daemon.json left behind: ${left.join(', ')}`);
    assert.ok(!left.includes('daemon.lock'), `lock left behind: ${left.join(', ')}`);
    const said = logs.join('\n');
    assert.match(said, /not (be )?written|could not write|refused/i, said);
    assert.match(said, /ENOSPC|free some disk space/i, said);
    assert.match(said, /store\.(journal|json)/, `the log must name the file that could not be written:\n${said}`);
    assert.ok(!said.includes(secret) && !said.includes(server.token), 'a secret reached the log');
    // Once space is freed, the next start is not blocked by a leftover.
    const next = await openEmbeddedStore({ dataDir, initialData: initialStoreData });
    await next.close();
  });
});
