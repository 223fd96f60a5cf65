// Restricted Mode: in a workspace the user has not trusted, Keysmith writes nothing into its files. The
// inject command refuses with a message saying why, and generate and regenerate leave the mapped files
// as they were (the key itself is still made: it lives in the data dir, not in the workspace).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import { answerQuickPicks, createKey, keysmith, useSandbox } from './helpers';

describe('Restricted Mode (untrusted workspace)', () => {
  const sandbox = useSandbox();
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const mappingFile = () => path.join(folder(), '.vscode', 'keysmith.json');
  const envFile = () => path.join(folder(), 'restricted-test.env');

  beforeEach(async () => {
    // The harness disables workspace trust (everything trusted); this window is told otherwise.
    sandbox()
      .stub(vscode.workspace, 'isTrusted')
      .get(() => false);
    await fs.writeFile(envFile(), 'API_REF=old\n');
  });
  afterEach(async () => {
    await fs.rm(mappingFile(), { force: true });
    await fs.rm(envFile(), { force: true });
  });

  it('injectKey refuses with a message naming Restricted Mode, and no file changes', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'test');
    const error = sandbox().stub(vscode.window, 'showErrorMessage').resolves(undefined);
    const pick = sandbox().stub(vscode.window, 'showQuickPick');
    await vscode.commands.executeCommand('keysmith.injectKey', key.id);
    assert.ok(
      error.getCalls().some((call) => /Restricted Mode/.test(String(call.args[0]))),
      'the user is told why',
    );
    assert.ok(pick.notCalled, 'no target was even offered');
    assert.equal(await fs.readFile(envFile(), 'utf8'), 'API_REF=old\n');
  });

  it('regenerateKey makes the new key but leaves the mapped files untouched', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'test');
    await fs.writeFile(
      mappingFile(),
      JSON.stringify({
        mappings: [
          {
            serviceId: key.serviceId,
            environment: 'test',
            targets: [{ file: 'restricted-test.env', path: 'API_REF', value: 'reference' }],
          },
        ],
      }),
    );
    answerQuickPicks(sandbox().stub(vscode.window, 'showQuickPick'), (i) => (i as { seconds?: number }).seconds === 0);
    const fresh = await vscode.commands.executeCommand<KeyView>('keysmith.regenerateKey', key.id);
    assert.ok(fresh, 'the key was regenerated');
    assert.equal(await fs.readFile(envFile(), 'utf8'), 'API_REF=old\n');
    ks.panels().reveal?.dispose();
  });
});
