// When the daemon dies: the status bar says unreachable, commands say the daemon is not running
// (with a Start action) instead of throwing, and the extension reconnects once a daemon is back.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isRunning } from '../../common/processAlive';
import { EXTENSION_ID, createKey, eventually, keysmith, useSandbox } from './helpers';

function daemonPid(dataDir: string): number {
  return (JSON.parse(readFileSync(path.join(dataDir, 'daemon.json'), 'utf8')) as { pid: number }).pid;
}

/**
 * Whether the daemon still runs. An exited daemon stays a zombie until the extension host (its parent)
 * reaps it, which happens on a later turn of its event loop; signal 0 still reaches a zombie, so a
 * check right after stopDaemon raced that turn. A zombie has exited: it counts as stopped.
 */
function isAlive(pid: number): boolean {
  return isRunning(pid);
}

describe('Daemon loss and recovery', () => {
  const sandbox = useSandbox();

  it('stopDaemon and startDaemon stop and start it', async () => {
    const ks = await keysmith();
    const pid = daemonPid(ks.daemon.dataDir);
    assert.equal(await vscode.commands.executeCommand('keysmith.stopDaemon'), 'unreachable');
    assert.equal(isAlive(pid), false);
    assert.match(ks.statusBar.text, /unreachable/);
    assert.equal(await vscode.commands.executeCommand('keysmith.startDaemon'), 'connected');
    assert.notEqual(daemonPid(ks.daemon.dataDir), pid);
    assert.equal((await ks.client.health()).status, 'ok');
  });

  it('shows unreachable when the daemon is killed, and commands say it is not running', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks);
    const pid = daemonPid(ks.daemon.dataDir);
    process.kill(pid, 'SIGKILL');
    await eventually(() => !isAlive(pid), 'the daemon to die');
    assert.equal(await ks.daemon.checkNow(), 'unreachable');
    assert.match(ks.statusBar.text, /unreachable/);
    const error = sandbox().stub(vscode.window, 'showErrorMessage').resolves(undefined);
    await assert.doesNotReject(Promise.resolve(vscode.commands.executeCommand('keysmith.deactivateKey', key.id)));
    assert.ok(error.calledOnce);
    assert.equal(error.firstCall.args[0], 'Keysmith daemon is not running.');
    assert.ok(error.firstCall.args.includes('Start Daemon'), 'the message offers to start it');
    assert.deepEqual(await ks.keyTree.getChildren(), [], 'the tree gives way to the "not running" welcome view');
  });

  it('reconnects by itself when a daemon comes back on the same data dir', async () => {
    const ks = await keysmith();
    assert.equal(await ks.daemon.checkNow(), 'unreachable');
    // Started from outside VS Code, as `keysmith-daemon` would be.
    const script = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'daemon.js');
    const child = spawn(process.execPath, [script, '--data-dir', ks.daemon.dataDir, '--port', '0'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    child.unref();
    await eventually(() => ks.daemon.state === 'connected', 'the extension to reconnect on its own');
    assert.match(ks.statusBar.text, /Keysmith/);
    assert.doesNotMatch(ks.statusBar.text, /unreachable/);
    const { key } = await createKey(ks);
    assert.equal((await ks.client.getKey(key.id)).id, key.id);
  });
});
