// The real entry point, dist/daemon.js, as a child process (npm test builds it first).
import { strict as assert } from 'node:assert';
import { chmod, lstat, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { expectRefusal, killHard, launchDaemonProcess, startDaemonProcess, type RunningDaemon } from '../support/childDaemon';
import { send } from '../support/http';
import { makeTempDir, removeDir } from '../support/tempDirs';

/** Runs the daemon expecting it to refuse to start; resolves with its exit code and output. */
async function runToExit(dataDir: string, args: string[] = []): Promise<{ code: number | null; output: string }> {
  const launched = launchDaemonProcess(dataDir, { args });
  const exit = await expectRefusal(launched);
  // expectRefusal kills a daemon still up after 15 s: that is a failure here, not an exit code.
  if (exit.signal === 'SIGKILL') throw new Error(`daemon did not exit:\n${launched.output()}`);
  return { code: exit.code, output: launched.output() };
}

describe('keysmith-daemon process', () => {
  let dataDir: string;
  const children: RunningDaemon[] = [];
  const start = async (args: string[] = []) => {
    const child = await startDaemonProcess(dataDir, { args });
    children.push(child);
    return child;
  };

  beforeEach(async () => {
    dataDir = await makeTempDir('proc');
  });
  afterEach(async () => {
    for (const child of children.splice(0)) await killHard(child);
    await removeDir(dataDir);
  });

  it('serves admin on its socket and verify on 127.0.0.1, writes daemon.json 0600 and says where each is', async () => {
    const daemon = await start();
    const file = path.join(dataDir, 'daemon.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const info = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(Object.keys(info).sort(), ['pid', 'port', 'socket', 'token', 'version']);
    assert.equal(info.pid, daemon.pid);
    assert.equal(info.socket, path.join(dataDir, 'daemon.sock'));
    assert.ok((await lstat(info.socket)).isSocket());
    assert.equal((await lstat(info.socket)).mode & 0o777, 0o600);
    assert.ok(daemon.output().includes(`admin API on ${info.socket}, verify on http://127.0.0.1:${info.port}`), daemon.output());
    assert.ok(daemon.output().includes(file));
    assert.ok(!daemon.output().includes(info.token), 'the token is not printed');
    assert.equal((await send(info, 'GET', '/v1/keys')).status, 200);
    assert.equal((await send(info, 'GET', '/v1/keys', { tcp: true })).status, 403, 'no admin API on TCP');
    assert.equal((await stat(path.join(dataDir, 'master.key'))).mode & 0o777, 0o600);
  });

  it('refuses a second daemon on the same data dir with a clear message', async () => {
    const first = await start();
    const second = await runToExit(dataDir);
    assert.notEqual(second.code, 0);
    assert.match(second.output, new RegExp(`Another Keysmith daemon \\(pid ${first.pid}\\)`));
    assert.equal(
      JSON.parse(await readFile(path.join(dataDir, 'daemon.json'), 'utf8')).pid,
      first.pid,
      'the first daemon keeps its daemon.json',
    );
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops on ${signal}: exits 0, removes daemon.json, keeps every change for the next start`, async () => {
      const first = await start();
      const created = await send(first, 'POST', '/v1/keys', { json: { serviceId: 'cloudmc', environment: 'production', name: 'kept' } });
      assert.equal(created.status, 201);
      await send(first, 'POST', '/v1/verify', { json: { key: created.body.secret.secret } });
      first.child.kill(signal);
      assert.equal((await first.exited).code, 0);
      await assert.rejects(stat(path.join(dataDir, 'daemon.json')), { code: 'ENOENT' });
      await assert.rejects(lstat(first.info.socket), { code: 'ENOENT' }, 'the socket is removed too');

      const second = await start();
      assert.notEqual(second.info.token, first.info.token, 'a fresh admin token per start');
      const key = await send(second, 'GET', `/v1/keys/${created.body.key.id}`);
      assert.equal(key.body.name, 'kept');
      assert.equal(key.body.useCount, 1, 'the batched verify use was flushed on stop');
      const verified = await send(second, 'POST', '/v1/verify', { json: { key: created.body.secret.secret } });
      assert.equal(verified.body.valid, true);
    });
  }

  it('refuses a corrupt store, naming the file, and leaves it untouched', async () => {
    const store = path.join(dataDir, 'store.json');
    await writeFile(store, '{"version": 1, "keys": [', { mode: 0o600 });
    const result = await runToExit(dataDir);
    assert.equal(result.code, 1);
    assert.ok(result.output.includes(store), result.output);
    assert.equal(await readFile(store, 'utf8'), '{"version": 1, "keys": [');
  });

  it('refuses to start when master.key is gone but sealed secrets need it, instead of minting a new one', async () => {
    const first = await start();
    const created = await send(first, 'POST', '/v1/keys', { json: { serviceId: 'cloudmc', environment: 'test', name: 'sealed' } });
    assert.equal(created.status, 201);
    first.child.kill('SIGTERM');
    assert.equal((await first.exited).code, 0);
    await rm(path.join(dataDir, 'master.key'));

    const result = await runToExit(dataDir);
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /master\.key is missing.*1 sealed secret.*Restore master\.key/s);
    await assert.rejects(stat(path.join(dataDir, 'master.key')), { code: 'ENOENT' }, 'no new master key was written');
  });

  it('refuses a daemon.json or master.key that other users can read', async () => {
    for (const name of ['daemon.json', 'master.key']) {
      const dir = await makeTempDir('mode');
      try {
        await writeFile(path.join(dir, name), name === 'master.key' ? `${Buffer.alloc(32, 7).toString('base64')}\n` : '{}');
        await chmod(path.join(dir, name), 0o644);
        const result = await runToExit(dir);
        assert.equal(result.code, 1, `${name}: ${result.output}`);
        assert.match(result.output, /accessible by other users.*chmod 600/, name);
      } finally {
        await removeDir(dir);
      }
    }
  });

  it('rejects a bad --port with usage help', async () => {
    const result = await runToExit(dataDir, ['--port', 'eighty']);
    assert.equal(result.code, 1);
    assert.match(result.output, /--port must be a port number/);
    assert.match(result.output, /Usage: keysmith-daemon/);
  });
});
