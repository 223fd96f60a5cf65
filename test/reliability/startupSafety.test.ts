// What the daemon process promises at start-up, checked on the real bundle (dist/daemon.js): its
// secret files are private from the first byte, it refuses to run on files others can read, on a
// damaged store (keeping the file and saying how to restore the backup), and beside another daemon.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, cp, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createKey, expectStillServing, regenerateKey } from './support/api';
import {
  delay,
  ensureDaemonBuilt,
  expectRefusal,
  launchDaemonProcess,
  readDaemonInfo,
  startDaemonProcess,
  stopDaemonProcess,
  type RunningDaemon,
} from '../support/childDaemon';
import { send } from '../support/http';
import { fileModes, findStoreFile } from './support/storeFile';
import { makeTempDir, removeDir, useTempDirs } from '../support/tempDirs';

const CHMOD_SPY = path.join(__dirname, 'support/chmodSpy.cjs');

describe('reliability: daemon start-up safety (spawned process)', function () {
  this.timeout(60_000);
  const running: RunningDaemon[] = [];

  let usedTemplate: string;

  before(async function () {
    this.timeout(120_000);
    ensureDaemonBuilt();
    usedTemplate = await makeTempDir('used-template');
    await useDataDir(usedTemplate);
  });
  afterEach(async function () {
    await Promise.all(running.splice(0).map((daemon) => stopDaemonProcess(daemon)));
  });
  const temp = useTempDirs();
  after(async function () {
    if (usedTemplate) await removeDir(usedTemplate);
  });

  async function start(dataDir: string, options?: Parameters<typeof startDaemonProcess>[1]): Promise<RunningDaemon> {
    const daemon = await startDaemonProcess(dataDir, options);
    running.push(daemon);
    return daemon;
  }

  /**
   * Runs a daemon twice on `dataDir` (so whatever automatic backup the store keeps exists), leaving a few
   * keys, the audit log and the master key, stopped cleanly.
   */
  async function useDataDir(dataDir: string): Promise<void> {
    for (const run of [1, 2]) {
      const daemon = await startDaemonProcess(dataDir);
      try {
        const { key } = await createKey(daemon, { name: `run ${run}` });
        await regenerateKey(daemon, key.id);
        await createKey(daemon, { name: `run ${run} production`, environment: 'production' });
      } finally {
        await stopDaemonProcess(daemon);
      }
    }
  }

  /** A fresh copy of the used data dir (modes kept), made once in `before` to spare daemon starts. */
  async function usedDataDir(): Promise<string> {
    const dataDir = await temp.make('used');
    await cp(usedTemplate, dataDir, { recursive: true });
    return dataDir;
  }

  it('creates daemon.json, master.key, the admin socket, the store and the audit log 0600 under umask 000, without chmod', async function () {
    const dataDir = await temp.make('modes');
    const chmodLog = path.join(await temp.make('spy'), 'chmod.log');
    const daemon = await start(dataDir, { umask: 0o000, nodeArgs: ['--require', CHMOD_SPY], env: { KEYSMITH_CHMOD_LOG: chmodLog } });
    await createKey(daemon, { name: 'writes the store and the audit log' });

    const modes = await fileModes(dataDir);
    const storeFile = path.basename(await findStoreFile(dataDir));
    for (const required of ['daemon.json', 'master.key', 'daemon.sock', storeFile]) {
      assert.ok(required in modes, `${required} missing from the data dir: ${JSON.stringify(modes)}`);
    }
    assert.ok(
      Object.keys(modes).some((name) => /audit/i.test(name)),
      `no audit file in ${JSON.stringify(modes)}`,
    );
    for (const [name, mode] of Object.entries(modes)) {
      assert.equal(mode, '600', `${name} is mode ${mode} under umask 000: it was not created private`);
    }
    const chmods = await readFile(chmodLog, 'utf8').catch(() => '');
    assert.equal(chmods, '', `the daemon chmod'ed files after creating them:\n${chmods}`);
  });

  for (const secretFile of ['master.key', 'daemon.json']) {
    it(`refuses to start when ${secretFile} is readable by others, and says why`, async function () {
      const dataDir = await usedDataDir();
      const file = path.join(dataDir, secretFile);
      if (secretFile === 'daemon.json') {
        // Left behind by a daemon that died without cleaning up, then opened up by someone.
        await writeFile(file, JSON.stringify({ port: 1, pid: 999_999_999, token: 'stale', version: '0.0.0' }));
      }
      await chmod(file, 0o644);
      const before = await readFile(file);

      const refused = launchDaemonProcess(dataDir);
      const exit = await expectRefusal(refused);
      assert.notEqual(exit.code, 0, `the daemon started anyway:\n${refused.output()}`);
      assert.match(refused.output(), new RegExp(secretFile.replace('.', '\\.')), 'the message names the file');
      assert.match(refused.output(), /chmod 600|mode 600|readable|accessible/i, 'the message says what is wrong');
      if (secretFile === 'master.key') assert.deepEqual(await readFile(file), before, 'the master key was changed');
    });
  }

  const damages: Array<[string, (file: string, original: Buffer) => Promise<void>]> = [
    ['a truncated', async (file, original) => truncate(file, Math.floor(original.length / 2))],
    ['an empty', async (file) => truncate(file, 0)],
    ['a garbage', async (file) => writeFile(file, randomBytes(4096))],
    ['a valid JSON but wrong-shape', async (file) => writeFile(file, '{"version": 1, "keys": "not a list"}')],
  ];
  for (const [damage, inflict] of damages) {
    it(`refuses to start on ${damage} store, keeps it byte-identical and says how to restore the backup`, async function () {
      const dataDir = await usedDataDir();
      const storeFile = await findStoreFile(dataDir);
      await inflict(storeFile, await readFile(storeFile));
      const damaged = await readFile(storeFile);
      const filesBefore = await readdir(dataDir);

      const refused = launchDaemonProcess(dataDir);
      const exit = await expectRefusal(refused);
      const output = refused.output();
      assert.notEqual(exit.code, 0, `the daemon started on ${damage} store:\n${output}`);
      assert.deepEqual(await readFile(storeFile), damaged, 'the damaged store file was modified');
      assert.ok(output.includes(storeFile), `the message names the store file ${storeFile}:\n${output}`);
      assert.deepEqual(
        (await readdir(dataDir)).filter((name) => name !== 'daemon.lock'),
        filesBefore.filter((name) => name !== 'daemon.lock'),
      );

      // The message names a backup in the data dir and the command restoring it; following it works.
      const backup = filesBefore
        .map((name) => path.join(dataDir, name))
        .find((file) => file !== storeFile && output.includes(file) && /bak|backup/i.test(file));
      assert.ok(backup, `the message names no backup file of ${dataDir}:\n${output}`);
      assert.ok(output.includes(`cp ${backup} ${storeFile}`), `the message does not say how to restore ${backup}:\n${output}`);
      await copyFile(backup, storeFile);
      const restored = await start(dataDir);
      assert.equal((await send(restored, 'GET', '/v1/keys?pageSize=1')).status, 200);
      assert.ok((await send(restored, 'GET', '/v1/keys?pageSize=1')).body.total >= 1, 'the restored backup holds no keys');
    });
  }

  it('refuses a second daemon on the same data dir with a clear message, leaving the first unharmed', async function () {
    const dataDir = await temp.make('two');
    const first = await start(dataDir);
    const { key } = await createKey(first, { name: 'owned by the first' });

    const second = launchDaemonProcess(dataDir);
    const exit = await expectRefusal(second);
    assert.notEqual(exit.code, 0, `the second daemon started:\n${second.output()}`);
    assert.match(second.output(), /another|already|in use|lock/i, `unclear message:\n${second.output()}`);
    assert.match(second.output(), new RegExp(`pid ${first.pid}|${first.pid}`), 'the message names the running daemon');

    await expectStillServing(first);
    const info = JSON.parse(await readFile(path.join(dataDir, 'daemon.json'), 'utf8'));
    assert.equal(info.pid, first.pid, 'daemon.json no longer names the first daemon');
    assert.equal(info.token, first.token);
    assert.equal((await send(first, 'GET', `/v1/keys/${key.id}`)).status, 200);
  });

  it('lets exactly one of two daemons started at the same instant on a fresh data dir serve', async function () {
    for (let round = 1; round <= 3; round++) {
      const dataDir = await temp.make(`race-${round}`);
      const rivals = [launchDaemonProcess(dataDir), launchDaemonProcess(dataDir)];
      let giveUp: (value: undefined) => void = () => undefined;
      const bothStillRunning = new Promise<undefined>((resolve) => (giveUp = resolve));
      const timer = setTimeout(() => giveUp(undefined), 15_000);
      const loser = await Promise.race([...rivals.map((rival) => rival.exited.then(() => rival)), bothStillRunning]);
      clearTimeout(timer);
      if (!loser) {
        rivals.forEach((rival) => rival.child.kill('SIGKILL'));
        assert.fail(`round ${round}: both daemons kept running on one data dir`);
      }
      const winner = rivals.find((rival) => rival !== loser)!;
      assert.notEqual((await loser.exited).code, 0, `round ${round}: a daemon exited 0 instead of refusing:\n${loser.output()}`);
      assert.match(loser.output(), /another|already|in use|lock/i, `round ${round}: unclear message:\n${loser.output()}`);
      let info = await readDaemonInfo(dataDir);
      for (let waited = 0; info?.pid !== winner.pid && waited < 15_000; waited += 50) {
        await delay(50);
        info = await readDaemonInfo(dataDir);
      }
      assert.equal(info?.pid, winner.pid, `round ${round}: the surviving daemon never wrote daemon.json:\n${winner.output()}`);
      const survivor = { ...winner, socket: info!.socket, port: info!.port, token: info!.token, info: info! };
      running.push(survivor);
      const { secret } = await createKey(survivor, { name: `round ${round}` });
      assert.equal((await send(survivor, 'POST', '/v1/verify', { json: { key: secret.secret } })).body.valid, true);
    }
  });

  it('stops cleanly on SIGTERM: exit 0, daemon.json removed, keys kept for the next start', async function () {
    const dataDir = await temp.make('clean-stop');
    const first = await start(dataDir);
    const { key } = await createKey(first, { name: 'survives a restart' });
    const exit = await stopDaemonProcess(first);
    assert.equal(exit.code, 0, first.output());
    assert.ok(!(await readdir(dataDir)).includes('daemon.json'), 'daemon.json left behind after a clean stop');
    const again = await start(dataDir);
    assert.equal((await send(again, 'GET', `/v1/keys/${key.id}`)).body.name, 'survives a restart');
  });
});
