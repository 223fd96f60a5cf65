// After kill -9, daemon.json stays behind and names a port and a socket nobody serves any more. Another
// local process takes both and answers /v1/health like the daemon. Neither the CLI (`keysmith keys verify -`
// with a production secret on stdin) nor the extension's client may send it the admin token or the
// secret: both must ask for the daemon's proof first, and refuse. The squatters' own records show it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { DaemonClient, ImpostorError } from '../../extension/client';
import { readDaemonFile } from '../../extension/daemonFile';
import { createKey } from './support/api';
import { ensureDaemonBuilt, killHard, readDaemonInfo, REPO_ROOT, startDaemonProcess } from '../support/childDaemon';
import { squat, type Squatter } from './support/squatter';
import { useTempDirs } from '../support/tempDirs';

const CLI = path.join(REPO_ROOT, 'dist/cli.js');

function keysmith(args: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { timeout: 15_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin);
  });
}

describe('reliability: an impostor where a crashed daemon was', function () {
  this.timeout(60_000);
  const squatters: Squatter[] = [];
  before(ensureDaemonBuilt);
  afterEach(async function () {
    await Promise.all(squatters.splice(0).map((squatter) => squatter.close()));
  });
  const temp = useTempDirs();

  it('gets neither the admin token nor a secret from the CLI or the extension client, which both refuse', async function () {
    const dataDir = await temp.make('impostor');
    const daemon = await startDaemonProcess(dataDir);
    const { secret } = await createKey(daemon, { environment: 'production', name: 'production key' });
    const { socket, port, token, version } = daemon.info;
    await killHard(daemon);
    assert.equal((await readDaemonInfo(dataDir))?.token, token, 'kill -9 left daemon.json behind');

    await unlink(socket); // the impostor replaces the dead socket file, as any process of this user could
    squatters.push(await squat({ port }, version), await squat({ socket }, version));
    const [onPort, onSocket] = squatters as [Squatter, Squatter];

    const cli = await keysmith(['keys', 'verify', '-', '--data-dir', dataDir], secret.secret);
    assert.equal(cli.code, 1, `the CLI must refuse: ${cli.stderr}`);
    assert.match(cli.stderr, /is not the Keysmith daemon of .*Nothing was sent to it/);
    assert.doesNotMatch(cli.stdout, /valid/, 'the impostor\'s "valid" is never printed');

    const endpoint = await readDaemonFile(dataDir); // the extension's own reader of daemon.json
    assert.ok(endpoint, 'the extension reads the stale daemon.json');
    const client = new DaemonClient({ current: () => endpoint, refresh: async () => endpoint, lost: () => undefined });
    try {
      const imported = { serviceId: 'cloudmc', environment: 'production' as const, name: 'imported', secret: secret.secret };
      await assert.rejects(client.importKey(imported), ImpostorError);
      await assert.rejects(client.listKeys(), ImpostorError);
    } finally {
      client.dispose();
    }

    for (const [name, squatter] of [
      ['port', onPort],
      ['socket', onSocket],
    ] as const) {
      for (const request of squatter.requests) {
        assert.ok(!request.includes(token), `the squatter on the ${name} received the admin token`);
        assert.ok(!request.includes(secret.secret), `the squatter on the ${name} received the secret`);
        assert.ok(!/authorization/i.test(request), `the squatter on the ${name} received an Authorization header`);
      }
    }
    assert.ok(onSocket.requests.length >= 3, 'the CLI and the client did ask the socket, for a proof only');
    for (const request of onSocket.requests) assert.match(request, /^GET \/v1\/health\?challenge=[0-9a-f]{64}\n/);
  });
});
