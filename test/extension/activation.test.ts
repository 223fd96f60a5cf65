// Activation: the extension finds or starts the daemon for the data dir of the user's (machine) settings,
// never one a workspace names, shows it in the status bar, and registers every command package.json
// contributes.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, keysmith } from './helpers';

describe('Activation', () => {
  it('starts (or finds) the daemon of the configured data dir and connects to it', async () => {
    const ks = await keysmith();
    assert.equal(ks.daemon.state, 'connected');
    const dataDir = vscode.workspace.getConfiguration('keysmith').get<string>('dataDir');
    assert.ok(dataDir, "the harness sets keysmith.dataDir in the profile's settings");
    assert.equal(ks.daemon.dataDir, path.resolve(dataDir));
    const card = JSON.parse(readFileSync(path.join(dataDir, 'daemon.json'), 'utf8')) as { socket: string; port: number; pid: number };
    assert.ok(card.port > 0 && card.pid > 0);
    assert.equal(card.socket, path.join(dataDir, 'daemon.sock'), 'the admin API is on the socket in the data dir');
    const health = await ks.client.health();
    assert.equal(health.status, 'ok');
  });

  it('ignores the keysmith.dataDir a workspace sets (a machine setting): no daemon is started there', async () => {
    const ks = await keysmith();
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const settings = JSON.parse(readFileSync(path.join(folder, '.vscode', 'settings.json'), 'utf8')) as Record<string, string>;
    const decoy = settings['keysmith.dataDir'];
    assert.ok(decoy, 'the harness puts a decoy keysmith.dataDir in the workspace settings, as a hostile repository would');
    assert.notEqual(ks.daemon.dataDir, path.resolve(decoy));
    assert.equal(existsSync(path.join(decoy, 'daemon.json')), false, 'nothing was started in the decoy data dir');
  });

  it('shows the connected daemon in the status bar', async () => {
    const ks = await keysmith();
    assert.equal(ks.statusBar.state, 'connected');
    assert.match(ks.statusBar.text, /Keysmith/);
    assert.doesNotMatch(ks.statusBar.text, /unreachable|starting/);
  });

  it('registers every command that package.json contributes', async () => {
    const ks = await keysmith();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: Array<{ command: string }> } };
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual([...ks.commands].sort(), contributed);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of contributed) assert.ok(registered.has(id), `${id} is not registered`);
  });

  it('logs the connection without the admin token', async () => {
    const ks = await keysmith();
    const dataDir = ks.daemon.dataDir;
    const { token } = JSON.parse(readFileSync(path.join(dataDir, 'daemon.json'), 'utf8')) as { token: string };
    assert.ok(ks.log.recent().some((line) => /Connected to the daemon/.test(line)));
    assert.ok(ks.log.recent().every((line) => !line.includes(token)));
    assert.ok(existsSync(dataDir));
  });
});
