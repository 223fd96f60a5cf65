// ${command:keysmith.secret}: a launch configuration gets a test key's secret without it touching
// disk; a production key's secret is refused, with a message that names the key and holds no secret.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { createKey, keysmith, uniqueName } from './helpers';

describe('keysmith.secret (command variable for launch.json)', () => {
  it("returns exactly a test key's secret, by id or by name", async () => {
    const ks = await keysmith();
    const name = uniqueName('launch');
    const { key, secret } = await createKey(ks, 'test', name);
    assert.equal(await vscode.commands.executeCommand('keysmith.secret', key.id), secret.secret);
    assert.equal(await vscode.commands.executeCommand('keysmith.secret', name), secret.secret);
  });

  it('rejects for a production key with a clear message, and returns no secret', async () => {
    const ks = await keysmith();
    const { key, secret } = await createKey(ks, 'production');
    await assert.rejects(
      () => Promise.resolve(vscode.commands.executeCommand('keysmith.secret', key.id)),
      (error: Error) => {
        assert.match(error.message, new RegExp(`"${key.name}" cannot be retrieved`));
        assert.ok(!error.message.includes(secret.secret), 'the error holds the secret');
        return true;
      },
    );
  });

  it('rejects for a name no key has', async () => {
    await assert.rejects(
      () => Promise.resolve(vscode.commands.executeCommand('keysmith.secret', uniqueName('nobody'))),
      /No single Keysmith key has the id or name/,
    );
  });
});
