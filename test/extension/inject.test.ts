// Writing a key into the workspace's config files: targets pre-filled from .vscode/keysmith.json,
// a diff preview, then the write, which changes only the mapped variable.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import { answerQuickPicks, clickFirstAction, createKey, enabledService, eventually, keysmith, uniqueName, useSandbox } from './helpers';

describe('Inject into config files', () => {
  const sandbox = useSandbox();
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const mappingFile = () => path.join(folder(), '.vscode', 'keysmith.json');
  const envFile = () => path.join(folder(), 'inject-test.env');

  const repoDir = () => path.join(folder(), 'leak-test-repo');

  afterEach(async () => {
    await fs.rm(mappingFile(), { force: true });
    await fs.rm(envFile(), { force: true });
    await fs.rm(repoDir(), { recursive: true, force: true });
  });

  it('writes the mapped variable after showing a diff preview, and keeps the rest of the file', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'test');
    await fs.writeFile(envFile(), '# app settings\nAPP_NAME=demo\nAPI_REF=old\n');
    await fs.writeFile(
      mappingFile(),
      JSON.stringify({
        mappings: [
          { serviceId: key.serviceId, environment: 'test', targets: [{ file: 'inject-test.env', path: 'API_REF', value: 'reference' }] },
        ],
      }),
    );
    const pick = sandbox().stub(vscode.window, 'showQuickPick');
    answerQuickPicks(pick, (i) => i.label === 'inject-test.env');
    const confirm = sandbox().stub(vscode.window, 'showInformationMessage').callsFake(clickFirstAction);
    const diff = sandbox().spy(vscode.commands, 'executeCommand');
    await vscode.commands.executeCommand('keysmith.injectKey', key.id);
    assert.ok(pick.calledOnce, 'mapped targets were offered');
    assert.ok(confirm.calledOnce, 'the write was confirmed after the preview');
    assert.ok(
      diff.getCalls().some((c) => c.args[0] === 'vscode.diff'),
      'a diff preview was opened',
    );
    assert.equal(await fs.readFile(envFile(), 'utf8'), `# app settings\nAPP_NAME=demo\nAPI_REF=${key.reference}\n`);
  });

  it('the generate form writes the new key into the mapped files it was given', async () => {
    const ks = await keysmith();
    const service = await enabledService(ks, false, true);
    await fs.writeFile(envFile(), 'API_REF=old\n');
    await vscode.commands.executeCommand('keysmith.generateKey');
    const panel = ks.panels().generate!;
    await panel.receive({
      type: 'key/generate',
      requestId: 'req-inject',
      form: {
        serviceId: service.id,
        environment: 'test',
        name: uniqueName('form-inject'),
        startsAt: '',
        expiresAt: '',
        permissions: [],
        companies: [],
        ipAllowList: [],
        inject: [{ file: 'inject-test.env', path: 'API_REF', value: 'reference' }],
      },
    });
    assert.ok(panel.generated);
    assert.equal(await fs.readFile(envFile(), 'utf8'), `API_REF=${panel.generated.reference}\n`);
    ks.panels().reveal?.dispose();
  });

  it('regenerateKey rewrites the files the workspace maps for the key', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'test');
    await fs.writeFile(envFile(), 'API_REF=old\n');
    await fs.writeFile(
      mappingFile(),
      JSON.stringify({
        mappings: [
          { serviceId: key.serviceId, environment: 'test', targets: [{ file: 'inject-test.env', path: 'API_REF', value: 'reference' }] },
        ],
      }),
    );
    answerQuickPicks(sandbox().stub(vscode.window, 'showQuickPick'), (i) => (i as { seconds?: number }).seconds === 0);
    const fresh = await vscode.commands.executeCommand<KeyView>('keysmith.regenerateKey', key.id);
    assert.ok(fresh);
    assert.equal(await fs.readFile(envFile(), 'utf8'), `API_REF=${fresh.reference}\n`);
    ks.panels().reveal?.dispose();
  });

  it('pre-fills from a mapping file with comments and trailing commas (JSONC, as VS Code writes it)', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'test');
    await fs.writeFile(envFile(), 'API_REF=old\n');
    await fs.writeFile(
      mappingFile(),
      [
        '// Keysmith: where keys go',
        `{ "mappings": [ { "serviceId": "${key.serviceId}", "environment": "test", /* test only */`,
        '  "targets": [ { "file": "inject-test.env", "path": "API_REF", "value": "reference" }, ] } ] }',
      ].join('\n'),
    );
    const pick = sandbox().stub(vscode.window, 'showQuickPick');
    answerQuickPicks(pick, (i) => i.label === 'inject-test.env');
    sandbox().stub(vscode.window, 'showInformationMessage').callsFake(clickFirstAction);
    await vscode.commands.executeCommand('keysmith.injectKey', key.id);
    assert.ok(pick.calledOnce, 'the mapped target was offered');
    assert.equal(await fs.readFile(envFile(), 'utf8'), `API_REF=${key.reference}\n`);
  });

  it('reports an invalid mapping file by name and line instead of ignoring it', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'test');
    await fs.writeFile(mappingFile(), '{\n  "mappings": [\n    { "serviceId": "x" "environment": "test" }\n  ]\n}\n');
    const error = sandbox().stub(vscode.window, 'showErrorMessage').resolves(undefined);
    const dialog = sandbox().stub(vscode.window, 'showOpenDialog').resolves(undefined);
    await vscode.commands.executeCommand('keysmith.injectKey', key.id);
    assert.ok(error.calledOnce, 'no error was shown');
    assert.match(String(error.firstCall.args[0]), /\.vscode\/keysmith\.json .*line 3, column 24/);
    assert.ok(dialog.notCalled, 'the flow went on as if there were no mappings');
  });

  it('warns after writing into a file git would commit, and "Add to .gitignore" adds the line that ignores it', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'test');
    await fs.mkdir(repoDir());
    execFileSync('git', ['init', '-q'], { cwd: repoDir() });
    await fs.writeFile(path.join(repoDir(), '.gitignore'), 'node_modules/');
    await fs.writeFile(
      mappingFile(),
      JSON.stringify({
        mappings: [
          {
            serviceId: key.serviceId,
            environment: 'test',
            targets: [{ file: 'leak-test-repo/app.env', path: 'API_REF', value: 'reference' }],
          },
        ],
      }),
    );
    answerQuickPicks(sandbox().stub(vscode.window, 'showQuickPick'), (i) => i.label === 'leak-test-repo/app.env');
    sandbox().stub(vscode.window, 'showInformationMessage').callsFake(clickFirstAction);
    const warning = sandbox().stub(vscode.window, 'showWarningMessage').callsFake(clickFirstAction);
    await vscode.commands.executeCommand('keysmith.injectKey', key.id);
    assert.equal(await fs.readFile(path.join(repoDir(), 'app.env'), 'utf8'), `API_REF=${key.reference}\n`, 'the write went ahead');
    await eventually(
      async () => (await fs.readFile(path.join(repoDir(), '.gitignore'), 'utf8')) !== 'node_modules/',
      '.gitignore to be updated',
    );
    assert.ok(warning.calledOnce);
    assert.match(String(warning.firstCall.args[0]), /leak-test-repo\/app\.env is not ignored by git/);
    assert.equal(await fs.readFile(path.join(repoDir(), '.gitignore'), 'utf8'), 'node_modules/\n/app.env\n');
    const status = execFileSync('git', ['status', '--porcelain'], { cwd: repoDir(), encoding: 'utf8' });
    assert.ok(!status.includes('app.env'), `git still sees the file: ${status}`);
  });

  it("offers the integration-kit presets of the key's service, writes one, and saves it in .vscode/keysmith.json", async () => {
    const ks = await keysmith();
    const { key, secret } = await ks.client.createKey({ serviceId: 'cloudmc', environment: 'test', name: uniqueName('preset') });
    const configDir = path.join(folder(), 'config');
    const hadConfigDir = await fs.stat(configDir).then(
      () => true,
      () => false,
    );
    const yamlFile = path.join(configDir, 'cloudmc.yaml');
    try {
      const pick = sandbox().stub(vscode.window, 'showQuickPick');
      answerQuickPicks(
        pick,
        (i) => i.label.includes('Use an integration-kit preset'),
        (i) => i.label === 'CloudMC client (YAML config): API key',
      );
      sandbox().stub(vscode.window, 'showInformationMessage').callsFake(clickFirstAction);
      sandbox().stub(vscode.window, 'showWarningMessage').resolves(undefined);
      await vscode.commands.executeCommand('keysmith.injectKey', key.id);
      const offered = (await pick.secondCall.args[0]) as readonly vscode.QuickPickItem[];
      assert.deepEqual(
        offered.map((i) => i.label),
        ['CloudMC client (YAML config): API key'],
        "only the presets of the key's service",
      );
      assert.ok((await fs.readFile(yamlFile, 'utf8')).includes(secret.secret), 'the preset target was written');
      await eventually(
        () =>
          fs.stat(mappingFile()).then(
            () => true,
            () => false,
          ),
        'the preset to be saved',
      );
      assert.deepEqual(JSON.parse(await fs.readFile(mappingFile(), 'utf8')), {
        mappings: [
          {
            serviceId: 'cloudmc',
            environment: 'test',
            targets: [{ file: 'config/cloudmc.yaml', path: 'cloudmc.apiKey', value: 'secret' }],
          },
        ],
      });
    } finally {
      await fs.rm(hadConfigDir ? yamlFile : configDir, { recursive: true, force: true });
    }
  });

  it('writes nothing when the preview is not confirmed', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'test');
    await fs.writeFile(envFile(), 'API_REF=old\n');
    await fs.writeFile(
      mappingFile(),
      JSON.stringify({
        mappings: [
          { serviceId: key.serviceId, environment: 'test', targets: [{ file: 'inject-test.env', path: 'API_REF', value: 'reference' }] },
        ],
      }),
    );
    answerQuickPicks(sandbox().stub(vscode.window, 'showQuickPick'), (i) => i.label === 'inject-test.env');
    sandbox().stub(vscode.window, 'showInformationMessage').resolves(undefined);
    await vscode.commands.executeCommand('keysmith.injectKey', key.id);
    assert.equal(await fs.readFile(envFile(), 'utf8'), 'API_REF=old\n');
  });
});
