// Rotation follows the key: after a regenerate or a revoke, every workspace file still holding the old
// secret (open or not, mapped or not) is offered a rewrite in VS Code's Refactor Preview, which the
// tests answer as a user would (Apply or Discard). File bytes are checked exactly: only the secret moves.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as sinon from 'sinon';
import * as vscode from 'vscode';
import { recognizeKeys } from '../../common/keyRecognition';
import type { KeyView } from '../../daemon/protocol';
import type { RewriteOffer } from '../../extension/editor/secretRewriter';
import { useGitRepoInWorkspace } from './gitRepoInWorkspace';
import { answerQuickPicks, clickFirstAction, createKey, eventually, keysmith, useSandbox } from './helpers';

const REPO = 'rotation-test-repo';

describe('Rotation follows the key into the workspace files', () => {
  const sandbox = useSandbox();
  // Everything the tests write is git-ignored: no production-key error or .gitignore offer in the way.
  const { root: repo, open } = useGitRepoInWorkspace(REPO, '*.env\n*.json\n*.yaml\n');
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const mappingFile = () => path.join(folder(), '.vscode', 'keysmith.json');
  const read = (name: string) => fs.readFile(path.join(repo(), name), 'utf8');
  const write = async (name: string, text: string) => {
    await fs.mkdir(path.dirname(path.join(repo(), name)), { recursive: true });
    await fs.writeFile(path.join(repo(), name), text);
  };
  const uriOf = (name: string) => vscode.Uri.file(path.join(repo(), name)).toString();

  afterEach(async () => {
    await fs.rm(mappingFile(), { force: true });
    (await keysmith()).panels().reveal?.dispose();
  });

  interface Preview {
    before: string;
    after: string;
  }

  /**
   * Runs a command that ends in a rewrite preview and answers its modal as a user would, after reading
   * the diff tabs open at that moment; resolves with what was offered, the diffs, and the command's result.
   */
  async function answeringPreview<T>(
    answer: 'apply' | 'discard',
    command: () => Thenable<T>,
  ): Promise<{ offer: RewriteOffer; previews: Preview[]; result: T }> {
    const ks = await keysmith();
    let offer: RewriteOffer | undefined;
    const subscription = ks.rewriter.onDidOffer((offered) => (offer = offered));
    const previews: Preview[] = [];
    sandbox()
      .stub(vscode.window, 'showInformationMessage')
      .callsFake((async (...args: unknown[]) => {
        if (!(args[1] as vscode.MessageOptions | undefined)?.modal) return undefined;
        for (const tab of vscode.window.tabGroups.all.flatMap((group) => group.tabs)) {
          if (!(tab.input instanceof vscode.TabInputTextDiff) || tab.input.modified.scheme !== 'keysmith-preview') continue;
          const text = async (uri: vscode.Uri) => (await vscode.workspace.openTextDocument(uri)).getText();
          previews.push({ before: await text(tab.input.original), after: await text(tab.input.modified) });
        }
        return answer === 'apply' ? args[2] : undefined;
      }) as never);
    try {
      const result = await command();
      assert.ok(offer, 'the command ended without offering a preview');
      return { offer, previews, result };
    } finally {
      subscription.dispose();
    }
  }

  /** Every file under the workspace folder whose bytes contain `secret`, and open documents holding it. */
  async function placesHolding(secret: string): Promise<string[]> {
    const found: string[] = [];
    const pending = [folder()];
    while (pending.length > 0) {
      const dir = pending.pop()!;
      for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
        if (entry.name === '.git' || entry.name === 'node_modules') continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) pending.push(full);
        else if (entry.isFile() && (await fs.readFile(full, 'utf8')).includes(secret)) found.push(full);
      }
    }
    for (const document of vscode.workspace.textDocuments) if (document.getText().includes(secret)) found.push(`open:${document.uri}`);
    return found;
  }

  const revokeNow = (stub: sinon.SinonStub) => answerQuickPicks(stub, (item) => (item as { seconds?: number }).seconds === 0);

  it('regenerate: previews the rewrite of every file holding the old secret but the injected one, and Apply writes only the secret', async () => {
    const ks = await keysmith();
    const old = await createKey(ks, 'test');
    const oldSecret = old.secret.secret;
    const appEnv = `# keep me\nAPI_KEY=${oldSecret} # trailing\nOTHER=x\n`;
    const settings = `{\n  "apiKey": "${oldSecret}",\n  "again": "${oldSecret}",\n  "other": 1\n}\n`;
    await fs.mkdir(path.dirname(mappingFile()), { recursive: true });
    await fs.writeFile(
      mappingFile(),
      JSON.stringify({
        mappings: [
          {
            serviceId: old.key.serviceId,
            environment: 'test',
            targets: [{ file: `${REPO}/mapped.env`, path: 'API_KEY', value: 'secret' }],
          },
        ],
      }),
    );
    await write('config/settings.json', settings);
    await open('mapped.env', `API_KEY=${oldSecret}\n`); // open: its editor may not have reloaded the daemon's write yet
    const document = await open('regenerated.env', appEnv);
    revokeNow(sandbox().stub(vscode.window, 'showQuickPick'));

    const { offer, previews, result } = await answeringPreview('apply', () =>
      vscode.commands.executeCommand<KeyView>('keysmith.regenerateKey', old.key.id),
    );
    assert.ok(result, 'the key was regenerated');
    const newSecret = (await ks.client.revealKey(result.id)).secret.secret;
    assert.equal(previews.length, 2, 'a diff per file');
    for (const { before, after } of previews) {
      assert.ok(before.includes(`••••${oldSecret.slice(-4)}`) && after.includes(`••••${newSecret.slice(-4)}`), 'the diff shows the change');
      assert.ok(![oldSecret, newSecret].some((secret) => before.includes(secret) || after.includes(secret)), 'the diff cloaks the secrets');
    }
    assert.deepEqual(
      [...offer.files].sort(),
      [uriOf('regenerated.env'), uriOf('config/settings.json')].sort(),
      'the injected file is not edited twice',
    );
    assert.ok(!offer.label.includes(newSecret) && !offer.label.includes(oldSecret), 'no secret in the preview label');
    assert.equal(await read('regenerated.env'), appEnv.replace(oldSecret, newSecret));
    assert.equal(document.getText(), appEnv.replace(oldSecret, newSecret));
    assert.equal(document.isDirty, false, 'the rewritten file is saved');
    assert.equal(await read('config/settings.json'), settings.replaceAll(oldSecret, newSecret));
    assert.equal(await read('mapped.env'), `API_KEY=${newSecret}\n`, 'the daemon wrote the mapped file once');
    // The editor of mapped.env reloads the daemon's write from disk on its own schedule.
    await eventually(async () => (await placesHolding(oldSecret)).length === 0, 'the old secret to be nowhere in the workspace');
  });

  it('regenerate: a discarded preview changes no file', async () => {
    const ks = await keysmith();
    const old = await createKey(ks, 'test');
    const appEnv = `API_KEY=${old.secret.secret}\r\nB=2\r\n`;
    const yaml = `api:\n  key: ${old.secret.secret}\n`;
    await write('declined.yaml', yaml);
    const document = await open('declined.env', appEnv);
    revokeNow(sandbox().stub(vscode.window, 'showQuickPick'));
    const { offer, result } = await answeringPreview('discard', () =>
      vscode.commands.executeCommand<KeyView>('keysmith.regenerateKey', old.key.id),
    );
    assert.ok(result && result.id !== old.key.id, 'the key was regenerated all the same');
    assert.deepEqual([...offer.files].sort(), [uriOf('declined.env'), uriOf('declined.yaml')].sort());
    assert.equal(await read('declined.env'), appEnv);
    assert.equal(document.getText(), appEnv);
    assert.equal(document.isDirty, false);
    assert.equal(await read('declined.yaml'), yaml);
  });

  it('revoke: previews emptying the revoked secret, and Apply keeps every line but the value', async () => {
    const ks = await keysmith();
    const old = await createKey(ks, 'test');
    const appEnv = `A=1\nAPI_KEY=${old.secret.secret}\nB=2\n`;
    await write('nested/deep/service.yaml', `service:\n  key: "${old.secret.secret}"\n`);
    const document = await open('revoked.env', appEnv);
    sandbox().stub(vscode.window, 'showWarningMessage').callsFake(clickFirstAction);
    const { offer, previews, result } = await answeringPreview('apply', () =>
      vscode.commands.executeCommand<KeyView>('keysmith.revokeKey', old.key.id),
    );
    assert.equal(result?.status, 'revoked');
    assert.equal(offer.files.length, 2);
    assert.deepEqual(
      previews.find((preview) => preview.before.startsWith('A=1')),
      { before: `A=1\nAPI_KEY=••••${old.secret.secret.slice(-4)}\nB=2\n`, after: 'A=1\nAPI_KEY=\nB=2\n' },
      'the diff shows the value emptied, the secret cloaked',
    );
    assert.equal(await read('revoked.env'), 'A=1\nAPI_KEY=\nB=2\n');
    assert.equal(document.getText(), 'A=1\nAPI_KEY=\nB=2\n');
    assert.equal(await read('nested/deep/service.yaml'), 'service:\n  key: ""\n');
    assert.deepEqual(await placesHolding(old.secret.secret), []);
  });

  it('revoke: a discarded preview leaves the files as they were', async () => {
    const ks = await keysmith();
    const old = await createKey(ks, 'test');
    const appEnv = `API_KEY=${old.secret.secret}\n`;
    await open('revoke-declined.env', appEnv);
    sandbox().stub(vscode.window, 'showWarningMessage').callsFake(clickFirstAction);
    await answeringPreview('discard', () => vscode.commands.executeCommand<KeyView>('keysmith.revokeKey', old.key.id));
    assert.equal((await ks.client.getKey(old.key.id)).status, 'revoked');
    assert.equal(await read('revoke-declined.env'), appEnv);
  });

  it('with a grace period: a Warning names the grace end on the line, and its end is announced while a file holds the old secret', async () => {
    const ks = await keysmith();
    const old = await createKey(ks, 'test');
    const document = await open('grace.env', `API_KEY=${old.secret.secret}\n`);
    // A grace period of a few seconds, through the command's own grace prompt.
    sandbox()
      .stub(vscode.window, 'showQuickPick')
      .callsFake(async () => ({ label: 'a few seconds', seconds: 10 }) as never);
    const warn = sandbox().stub(vscode.window, 'showWarningMessage').resolves(undefined);
    await answeringPreview('discard', () => vscode.commands.executeCommand<KeyView>('keysmith.regenerateKey', old.key.id));
    const previous = await ks.client.getKey(old.key.id);
    assert.ok(previous.graceUntil && previous.state === 'active', 'the old key lives on in its grace period');
    const keysmithProblems = () => vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'Keysmith');
    await eventually(() => keysmithProblems()[0]?.code === 'graceKey', 'the grace-period warning');
    const [problem] = keysmithProblems();
    assert.equal(problem!.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(problem!.range.start.line, 0);
    assert.ok(problem!.message.includes(old.key.name), problem!.message);
    assert.ok(problem!.message.includes(`${previous.graceUntil.slice(0, 16).replace('T', ' ')} UTC`), problem!.message);
    assert.ok(!problem!.message.includes(old.secret.secret));

    await eventually(() => warn.called, 'the notification at the end of the grace period');
    const message = warn.firstCall.args[0] as string;
    assert.match(message, new RegExp(`grace period of "${old.key.name}" has ended`));
    assert.ok(message.includes('1 file(s)') && message.includes('grace.env'), message);
    await eventually(() => keysmithProblems()[0]?.code === 'deadKey', 'the warning to turn into "revoked"');
  });

  it('"Regenerate and rewrite" on an inactive key regenerates it and rewrites every file holding it', async () => {
    const ks = await keysmith();
    const old = await createKey(ks, 'test');
    await ks.client.deactivateKey(old.key.id);
    const appEnv = `X=1\nAPI_KEY=${old.secret.secret}\n`;
    await write('elsewhere/app.json', `{"key":"${old.secret.secret}"}`);
    const document = await open('inactive.env', appEnv);
    const diagnostic = vscode.languages.getDiagnostics(document.uri).find((d) => d.code === 'deadKey');
    assert.ok(diagnostic, 'the inactive key is a Warning');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      diagnostic.range,
    );
    const fix = actions.find((action) => action.command?.command === 'keysmith.quickFix.regenerateAndRewrite');
    assert.ok(fix, `no regenerate fix among ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.title, `Regenerate "${old.key.name}" and rewrite the files holding it`);
    const quickPick = sandbox().stub(vscode.window, 'showQuickPick');
    await answeringPreview('apply', () => vscode.commands.executeCommand(fix.command!.command, ...(fix.command!.arguments ?? [])));
    assert.ok(quickPick.notCalled, 'no grace period is asked for a key that does not work');
    const successorId = (await ks.client.getKey(old.key.id)).rotatedTo;
    assert.ok(successorId, 'the key was regenerated');
    const newSecret = (await ks.client.revealKey(successorId)).secret.secret;
    assert.equal(await read('inactive.env'), appEnv.replace(old.secret.secret, newSecret));
    assert.equal(await read('elsewhere/app.json'), `{"key":"${newSecret}"}`);
    assert.deepEqual(await placesHolding(old.secret.secret), []);
    await eventually(() => vscode.languages.getDiagnostics(document.uri).length === 0, 'the warning to go');
  });

  it('"Regenerate and rewrite" past a production successor regenerates the successor and rewrites the files holding either secret', async () => {
    const ks = await keysmith();
    const first = await createKey(ks, 'production');
    const second = await ks.client.regenerateKey(first.key.id, { graceSeconds: 0 });
    const appEnv = `API_KEY=${first.secret.secret}\n`;
    const other = `OTHER_KEY=${second.secret.secret}\n`;
    await write('chain-other.env', other);
    const document = await open('chain.env', appEnv);
    const diagnostic = vscode.languages.getDiagnostics(document.uri).find((d) => d.code === 'deadKey');
    assert.ok(diagnostic);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      diagnostic.range,
    );
    const fixes = actions.filter((action) => action.command?.command.startsWith('keysmith.quickFix.'));
    assert.deepEqual(
      fixes.map((f) => f.title),
      [`Regenerate its successor "${second.key.name}" and rewrite the files holding either`],
    );
    revokeNow(sandbox().stub(vscode.window, 'showQuickPick'));
    await answeringPreview('apply', () =>
      vscode.commands.executeCommand(fixes[0]!.command!.command, ...(fixes[0]!.command!.arguments ?? [])),
    );
    const third = (await ks.client.getKey(second.key.id)).rotatedTo;
    assert.ok(third, 'the successor was regenerated');
    // A production secret cannot be revealed again: the files' new key is recognized and named by hash.
    for (const [name, before, oldSecret] of [
      ['chain.env', appEnv, first.secret.secret],
      ['chain-other.env', other, second.secret.secret],
    ] as const) {
      const text = await read(name);
      const [found] = recognizeKeys(text);
      assert.ok(found, `${name} holds a key`);
      const [match] = await ks.client.lookupKeys([found.hash]);
      assert.equal(match?.key.id, third, `${name} holds the newest key`);
      assert.equal(text, before.replace(oldSecret, text.slice(found.start, found.end)));
    }
    assert.deepEqual(await placesHolding(first.secret.secret), []);
    assert.deepEqual(await placesHolding(second.secret.secret), []);
  });
});
