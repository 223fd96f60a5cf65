// keysmith.terminalEnv.enabled: the integrated terminals' environment gets the test keys mapped to .env
// files in .vscode/keysmith.json, never a production key, and nothing while the setting is off.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { KeysmithApi } from '../../extension/extension';
import { createKey, eventually, keysmith } from './helpers';

describe('Mapped keys in the integrated terminals (keysmith.terminalEnv.enabled)', () => {
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const mappingFile = () => path.join(folder(), '.vscode', 'keysmith.json');
  const settings = () => vscode.workspace.getConfiguration('keysmith');
  const variable = (ks: KeysmithApi, name: string) => ks.terminalEnv.collection.get(name)?.value;

  afterEach(async () => {
    await settings().update('terminalEnv.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    await fs.rm(mappingFile(), { force: true });
    await (await keysmith()).terminalEnv.refresh();
  });

  /** A test key and a production key of one service, mapped to .env variables and to a JSON path. */
  async function mapKeys(ks: KeysmithApi) {
    const test = await createKey(ks, 'test');
    const production = await createKey(ks, 'production');
    await fs.mkdir(path.dirname(mappingFile()), { recursive: true });
    await fs.writeFile(
      mappingFile(),
      JSON.stringify({
        mappings: [
          {
            serviceId: test.key.serviceId,
            environment: 'test',
            targets: [
              { file: 'app/.env', path: 'KS_TEST_KEY', value: 'secret' },
              { file: 'settings.json', path: 'api.key', value: 'secret' },
            ],
          },
          { serviceId: test.key.serviceId, environment: 'production', targets: [{ file: '.env', path: 'KS_PROD_KEY', value: 'secret' }] },
        ],
      }),
    );
    return { test, production };
  }

  it('sets nothing while the setting is off (its default)', async () => {
    const ks = await keysmith();
    await mapKeys(ks);
    await ks.terminalEnv.refresh();
    assert.equal(variable(ks, 'KS_TEST_KEY'), undefined);
  });

  it('once enabled, sets the mapped .env variable to the newest test key, never a production key, and clears it when disabled', async () => {
    const ks = await keysmith();
    const { test, production } = await mapKeys(ks);
    await settings().update('terminalEnv.enabled', true, vscode.ConfigurationTarget.Workspace);
    await eventually(() => variable(ks, 'KS_TEST_KEY') === test.secret.secret, 'the terminal variable to be set');
    assert.equal(variable(ks, 'KS_PROD_KEY'), undefined);
    assert.equal(variable(ks, 'api.key'), undefined, 'a JSON target is no variable');
    ks.terminalEnv.collection.forEach((_name, mutator) => assert.notEqual(mutator.value, production.secret.secret));
    assert.equal(ks.terminalEnv.collection.persistent, false, 'VS Code keeps no copy of the secret across restarts');

    const next = await ks.client.regenerateKey(test.key.id, { graceSeconds: 0 });
    await ks.terminalEnv.refresh();
    assert.equal(variable(ks, 'KS_TEST_KEY'), next.secret.secret);

    await settings().update('terminalEnv.enabled', false, vscode.ConfigurationTarget.Workspace);
    await eventually(() => variable(ks, 'KS_TEST_KEY') === undefined, 'the terminal variable to be cleared');
  });

  it('resolves a refresh only once the newest one has applied, so its caller never finds an older key', async () => {
    const ks = await keysmith();
    const { test } = await mapKeys(ks);
    await settings().update('terminalEnv.enabled', true, vscode.ConfigurationTarget.Workspace);
    await eventually(() => variable(ks, 'KS_TEST_KEY') === test.secret.secret, 'the terminal variable to be set');
    const next = await ks.client.regenerateKey(test.key.id, { graceSeconds: 0 });
    // Two refreshes in flight, as when the mappings' file watcher or a key change refreshes while a
    // command does: the first one's answer is dropped, and whoever awaits it must still see the new key.
    const first = ks.terminalEnv.refresh();
    const second = ks.terminalEnv.refresh();
    await first;
    assert.equal(variable(ks, 'KS_TEST_KEY'), next.secret.secret);
    await second;
  });
});
