// Quick fixes on Keysmith's Problems, in a real git repository: what each problem offers, and what
// applying a fix does to git and to the file. Never the secret in a title.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { useGitRepoInWorkspace } from './gitRepoInWorkspace';
import { clickFirstAction, createKey, eventually, keysmith, useSandbox } from './helpers';

describe('Quick fixes on Keysmith problems', () => {
  const sandbox = useSandbox();
  const { root: repo, git, open } = useGitRepoInWorkspace('quickfix-test-repo');
  const ignoredByGit = (name: string) => {
    try {
      git('check-ignore', '-q', '--', name);
      return true;
    } catch {
      return false;
    }
  };

  const problemCodes = (document: vscode.TextDocument) =>
    vscode.languages
      .getDiagnostics(document.uri)
      .filter((d) => d.source === 'Keysmith')
      .map((d) => d.code);
  async function fixesFor(document: vscode.TextDocument, code: string): Promise<vscode.CodeAction[]> {
    const diagnostic = vscode.languages.getDiagnostics(document.uri).find((d) => d.source === 'Keysmith' && d.code === code);
    assert.ok(diagnostic, `no ${code} problem`);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      diagnostic.range,
    );
    return actions.filter((action) => action.command?.command.startsWith('keysmith.quickFix.'));
  }
  const run = (action: vscode.CodeAction) => vscode.commands.executeCommand(action.command!.command, ...(action.command!.arguments ?? []));

  it('offers "Add to .gitignore" on a production key in an addable file, and applying it makes git ignore the file', async () => {
    const { secret } = await createKey(await keysmith(), 'production');
    const document = await open('settings.env', `API_KEY=${secret.secret}\n`);
    const fixes = await fixesFor(document, 'productionKeyInGit');
    assert.deepEqual(
      fixes.map((f) => f.title),
      ['Add "settings.env" to .gitignore', 'Move this line to .env.local (git-ignored, created if needed)'],
    );
    assert.equal(ignoredByGit('settings.env'), false);
    await run(fixes[0]!);
    assert.equal(ignoredByGit('settings.env'), true);
    assert.equal(await fs.readFile(path.join(repo(), '.gitignore'), 'utf8'), '/settings.env\n');
    await eventually(() => problemCodes(document).length === 0, 'the production-key problem to go');
  });

  it('on a tracked file, untracks it after a confirmation and leaves it on disk', async () => {
    const { secret } = await createKey(await keysmith(), 'production');
    const warn = sandbox().stub(vscode.window, 'showWarningMessage').callsFake(clickFirstAction);
    await fs.mkdir(path.join(repo(), 'config'), { recursive: true });
    const document = await open('config/app.env', `A=1\nAPI_KEY=${secret.secret}\n`, true);
    const fixes = await fixesFor(document, 'productionKeyInGit');
    assert.equal(fixes.length, 2);
    assert.match(fixes[0]!.title, /"app\.env".*git rm --cached/);
    await run(fixes[0]!);
    assert.equal(warn.callCount, 1);
    assert.equal(git('ls-files', '--', 'config/app.env'), '');
    assert.equal(ignoredByGit('config/app.env'), true);
    assert.match(await fs.readFile(path.join(repo(), '.gitignore'), 'utf8'), /^\/config\/app\.env$/m);
    assert.ok((await fs.readFile(path.join(repo(), 'config/app.env'), 'utf8')).includes('API_KEY='));
    await eventually(() => problemCodes(document).length === 0, 'the production-key problem to go');
  });

  it('moves the key line into a git-ignored .env.local next to the file, and the error goes', async () => {
    const { secret } = await createKey(await keysmith(), 'production');
    const document = await open('app.env', `A=1\nAPI_KEY=${secret.secret}\nB=2\n`);
    const move = (await fixesFor(document, 'productionKeyInGit')).find((f) => f.title.includes('.env.local'));
    assert.ok(move, 'no move fix');
    await run(move);
    assert.equal(await fs.readFile(path.join(repo(), 'app.env'), 'utf8'), 'A=1\nB=2\n');
    assert.equal(await fs.readFile(path.join(repo(), '.env.local'), 'utf8'), `API_KEY=${secret.secret}\n`);
    assert.equal(ignoredByGit('.env.local'), true);
    assert.equal((await fs.stat(path.join(repo(), '.env.local'))).mode & 0o077, 0, '.env.local is private');
    await eventually(() => problemCodes(document).length === 0, 'the production-key problem to go');
  });

  it('leaves a tracked file tracked when the confirmation is dismissed', async () => {
    const { secret } = await createKey(await keysmith(), 'production');
    sandbox().stub(vscode.window, 'showWarningMessage').resolves(undefined);
    const document = await open('kept.env', `API_KEY=${secret.secret}\n`, true);
    await run((await fixesFor(document, 'productionKeyInGit'))[0]!);
    assert.equal(git('ls-files', '--', 'kept.env').trim(), 'kept.env');
    assert.deepEqual(problemCodes(document), ['productionKeyInGit']);
  });

  it('replaces a rotated test key with its successor: only the key range changes and the warning goes', async () => {
    const ks = await keysmith();
    const old = await createKey(ks, 'test');
    const before = `# keep me\nAPI_KEY=${old.secret.secret} # trailing\nOTHER=x\n`;
    const document = await open('rotated.env', before);
    const regenerated = await ks.client.regenerateKey(old.key.id, { graceSeconds: 0 });
    ks.editorKeys.invalidate();
    await ks.editorKeys.refresh(document);
    assert.deepEqual(problemCodes(document), ['deadKey']);
    const fixes = await fixesFor(document, 'deadKey');
    assert.equal(fixes.length, 1);
    assert.match(fixes[0]!.title, /successor/);
    assert.ok(
      !fixes[0]!.title.includes(regenerated.secret.secret) && !JSON.stringify(fixes[0]!.command).includes(regenerated.secret.secret),
    );
    await run(fixes[0]!);
    assert.equal(document.getText(), before.replace(old.secret.secret, regenerated.secret.secret));
    await document.save(); // a dirty editor would stop closeAllEditors with a save prompt
    await eventually(() => problemCodes(document).length === 0, 'the dead-key warning to go');
  });

  it('offers no fix for a revoked key without a successor, and no replacement (only a regenerate) past a production successor', async () => {
    const ks = await keysmith();
    const revoked = await createKey(ks, 'test');
    await ks.client.revokeKey(revoked.key.id);
    const rotated = await createKey(ks, 'production');
    const successor = await ks.client.regenerateKey(rotated.key.id, { graceSeconds: 0 });
    const document = await open('revoked.env', `A=${revoked.secret.secret}\nB=${rotated.secret.secret}\n`);
    assert.deepEqual(problemCodes(document), ['deadKey', 'deadKey']);
    const titles: string[][] = [];
    for (const diagnostic of vscode.languages.getDiagnostics(document.uri)) {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        document.uri,
        diagnostic.range,
      );
      titles.push(actions.filter((action) => action.command?.command.startsWith('keysmith.quickFix.')).map((action) => action.title));
    }
    assert.deepEqual(titles, [[], [`Regenerate its successor "${successor.key.name}" and rewrite the files holding either`]]);
  });
});
