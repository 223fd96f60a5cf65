// Cloaking: a Keysmith key in a config file is hidden behind `••••` and its last four characters as
// soon as the file shows, from local recognition alone, and the palette toggle shows and hides it.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createKey, eventually, keysmith, useSandbox } from './helpers';

describe('Cloaking keys in config files', () => {
  const sandbox = useSandbox();
  const dir = () => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'cloak-test');

  beforeEach(() => fs.mkdir(dir(), { recursive: true }));
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fs.rm(dir(), { recursive: true, force: true });
  });

  async function show(name: string, text: string): Promise<vscode.TextDocument> {
    const file = path.join(dir(), name);
    await fs.writeFile(file, text);
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    return document;
  }
  const cloaked = async (document: vscode.TextDocument) =>
    (await keysmith()).cloak.cloakedKeys(document.uri).map(({ range, shown }) => ({
      from: [range.start.line, range.start.character],
      to: [range.end.line, range.end.character],
      shown,
    }));

  it('covers exactly the key in a .env file, showing only its last four characters, without waiting for the daemon', async () => {
    const ks = await keysmith();
    const { secret } = await createKey(ks, 'test');
    // The daemon never answers: the cloak must not depend on it.
    sandbox()
      .stub(ks.client, 'lookupKeys')
      .returns(new Promise(() => undefined));
    const value = secret.secret;
    const document = await show('cloak-a.env', `# local settings\nAPI_KEY=${value}\nDEBUG=1\n`);
    const expected = [{ from: [1, 8], to: [1, 8 + value.length], shown: `••••${value.slice(-4)}` }];
    await eventually(async () => (await cloaked(document)).length > 0, 'the .env file to be cloaked', 5_000);
    assert.deepEqual(await cloaked(document), expected);
  });

  it('does not cloak a .json file by default', async () => {
    const ks = await keysmith();
    const { secret } = await createKey(ks, 'test');
    const document = await show('cloak-b.json', `{ "apiKey": "${secret.secret}" }\n`);
    await ks.editorKeys.refresh(document);
    assert.equal(ks.editorKeys.get(document)?.keys.length, 1, 'the key is recognised');
    assert.deepEqual(await cloaked(document), []);
  });

  it('keysmith.toggleCloak uncovers the keys, and covers them again', async () => {
    const ks = await keysmith();
    const { secret } = await createKey(ks, 'test');
    const document = await show('cloak-c.properties', `api.key=${secret.secret}\n`);
    await eventually(async () => (await cloaked(document)).length === 1, 'the .properties file to be cloaked', 5_000);
    assert.equal(await vscode.commands.executeCommand('keysmith.toggleCloak'), false);
    assert.deepEqual(await cloaked(document), []);
    assert.equal(await vscode.commands.executeCommand('keysmith.toggleCloak'), true);
    assert.deepEqual(await cloaked(document), [
      { from: [0, 8], to: [0, 8 + secret.secret.length], shown: `••••${secret.secret.slice(-4)}` },
    ]);
  });
});
