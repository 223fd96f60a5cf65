// The keysmith CLI (dist/cli.js) against a real daemon process found through daemon.json.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { startDaemonProcess, stopDaemonProcess, type RunningDaemon } from '../support/childDaemon';
import { makeTempDir, removeDir } from '../support/tempDirs';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

type Run = { code: number; stdout: string; stderr: string };

function keysmith(dataDir: string, ...args: string[]): Promise<Run> {
  return keysmithWithStdin(dataDir, '', ...args);
}

function keysmithWithStdin(dataDir: string, stdin: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args, '--data-dir', dataDir], { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.end(stdin);
  });
}

describe('keysmith CLI', () => {
  let dataDir: string;
  let daemon: RunningDaemon;
  before(async () => {
    dataDir = await makeTempDir('cli');
    daemon = await startDaemonProcess(dataDir);
  });
  after(async () => {
    await stopDaemonProcess(daemon);
    await removeDir(dataDir);
  });

  it('lists services', async () => {
    const table = await keysmith(dataDir, 'services', 'list');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /cegid-loop-cabinet\s+Cegid Loop - APIKey Cabinet\s+P04454\s+pair\s+no \(requires a Cabinet subscription\)/);
    const json = JSON.parse((await keysmith(dataDir, 'services', 'list', '--json')).stdout);
    assert.equal(json.items.length, 5);
  });

  it('creates, lists, verifies and revokes a key', async () => {
    const created = JSON.parse(
      (await keysmith(dataDir, 'keys', 'create', '--service', 'cloudmc', '--env', 'production', '--name', 'cli key', '--json')).stdout,
    );
    assert.match(created.secret.secret, /^cmc_live_/);
    const list = await keysmith(dataDir, 'keys', 'list', '--q', 'cli');
    assert.match(list.stdout, new RegExp(`${created.key.id}\\s+cli key\\s+cloudmc\\s+production\\s+active\\s+\\*\\*\\*\\*`));
    assert.ok(!list.stdout.includes(created.secret.secret));
    const valid = await keysmith(dataDir, 'keys', 'verify', created.secret.secret);
    assert.equal(valid.code, 0);
    assert.match(valid.stdout, /^valid: /);
    assert.equal((await keysmith(dataDir, 'keys', 'revoke', created.key.id)).code, 0);
    const revoked = await keysmith(dataDir, 'keys', 'verify', created.secret.secret);
    assert.equal(revoked.code, 2);
    assert.match(revoked.stdout, /invalid: REVOKED/);
  });

  it('verifies a secret read from stdin with "-" or no argument, so it stays out of argv', async () => {
    const created = JSON.parse(
      (await keysmith(dataDir, 'keys', 'create', '--service', 'cloudmc', '--env', 'test', '--name', 'stdin key', '--json')).stdout,
    );
    const secret: string = created.secret.secret;
    const dash = await keysmithWithStdin(dataDir, `${secret}\n`, 'keys', 'verify', '-');
    assert.equal(dash.code, 0, dash.stderr);
    assert.match(dash.stdout, new RegExp(`^valid: ${created.key.id} `));
    const bare = await keysmithWithStdin(dataDir, secret, 'keys', 'verify', '--json');
    assert.equal(bare.code, 0, bare.stderr);
    assert.equal(JSON.parse(bare.stdout).keyId, created.key.id);
    const wrong = await keysmithWithStdin(dataDir, `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}\n`, 'keys', 'verify', '-');
    assert.equal(wrong.code, 2);
    assert.match(wrong.stdout, /^invalid: /);
  });

  it('refuses an empty stdin for keys verify and shows the recommended usage', async () => {
    const empty = await keysmithWithStdin(dataDir, '\n', 'keys', 'verify', '-');
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /read no secret from stdin/);
    assert.match(empty.stderr, /keysmith keys verify - < secret\.txt/);
  });

  it('explains validation errors field by field and exits 1', async () => {
    const result = await keysmith(dataDir, 'keys', 'create', '--service', 'nope', '--env', 'test', '--name', 'x');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /serviceId: no service has this id/);
  });

  it('says how to start a daemon when none runs for the data dir', async () => {
    const empty = await makeTempDir('cli-empty');
    try {
      const result = await keysmith(empty, 'keys', 'list');
      assert.equal(result.code, 1);
      assert.match(result.stderr, /No Keysmith daemon runs for .* Start one with: keysmith-daemon --data-dir/);
    } finally {
      await removeDir(empty);
    }
  });
});
