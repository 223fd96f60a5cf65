// Keys in open files: recognized locally, named by the daemon through their hashes, and shown where
// they sit: the Problems panel, a hover, a CodeLens. Never the secret.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { generateSecret } from '../../daemon/keys/keyFormat';
import type { WorkspaceScanResult } from '../../extension/editor/workspaceScan';
import { useGitRepoInWorkspace } from './gitRepoInWorkspace';
import { createKey, eventually, keysmith } from './helpers';

const DAY_MS = 86_400_000;

describe('Keys in the editor (Problems, hover, CodeLens)', () => {
  const { root: repo, git, open } = useGitRepoInWorkspace('editor-test-repo', 'ignored.env\n');
  const problems = (document: vscode.TextDocument) =>
    vscode.languages
      .getDiagnostics(document.uri)
      .filter((d) => d.source === 'Keysmith')
      .map((d) => [d.code, d.severity, d.range.start.line]);

  it('flags a live production key in a tracked or addable file as an Error, and not in an ignored one', async () => {
    const ks = await keysmith();
    const { key, secret } = await createKey(ks, 'production');
    const tracked = await open('app.env', `# settings\nAPI_KEY=${secret.secret}\n`, true);
    assert.deepEqual(problems(tracked), [['productionKeyInGit', vscode.DiagnosticSeverity.Error, 1]]);
    assert.match(vscode.languages.getDiagnostics(tracked.uri)[0]!.message, new RegExp(`"${key.name}".*git tracks`));
    const addable = await open('other.env', `API_KEY=${secret.secret}\n`);
    assert.deepEqual(problems(addable), [['productionKeyInGit', vscode.DiagnosticSeverity.Error, 0]]);
    const ignored = await open('ignored.env', `API_KEY=${secret.secret}\n`);
    assert.deepEqual(problems(ignored), []);
    for (const diagnostic of vscode.languages.getDiagnostics()) {
      for (const d of diagnostic[1]) assert.ok(!d.message.includes(secret.secret), 'a diagnostic holds the secret');
    }
  });

  it('warns about a revoked key and an unknown Keysmith key, and informs about one expiring soon', async () => {
    const ks = await keysmith();
    const revoked = await createKey(ks, 'test');
    await ks.client.revokeKey(revoked.key.id);
    const expiring = await createKey(ks, 'test');
    await ks.client.updateKey(expiring.key.id, { expiresAt: new Date(Date.now() + 3 * DAY_MS).toISOString() });
    const unknown = generateSecret('zzz', 'production');
    const document = await open(
      'keys.json',
      `{\n  "old": "${revoked.secret.secret}",\n  "soon": "${expiring.secret.secret}",\n  "other": "${unknown}"\n}\n`,
    );
    assert.deepEqual(problems(document), [
      ['deadKey', vscode.DiagnosticSeverity.Warning, 1],
      ['expiringKey', vscode.DiagnosticSeverity.Information, 2],
      ['unknownKey', vscode.DiagnosticSeverity.Warning, 3],
    ]);
  });

  it('follows edits and key changes: a removed key loses its problem, a revoked one turns into a warning', async () => {
    const ks = await keysmith();
    const { key, secret } = await createKey(ks, 'production');
    const document = await open('live.env', `API_KEY=${secret.secret}\n`, true);
    assert.deepEqual(problems(document), [['productionKeyInGit', vscode.DiagnosticSeverity.Error, 0]]);
    // As the revoke command does after its modal confirmation: revoke, then keysChanged() invalidates.
    await ks.client.revokeKey(key.id);
    ks.editorKeys.invalidate();
    await eventually(() => problems(document)[0]?.[0] === 'deadKey', 'the revoked key to be a warning');
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((edit) => edit.replace(new vscode.Range(0, 0, 1, 0), 'API_KEY=\n'));
    await eventually(() => problems(document).length === 0, 'the problem to go with the key');
  });

  it('hovers a managed key with its name, state, masked value and links, never the secret', async () => {
    const ks = await keysmith();
    const { key, secret } = await createKey(ks, 'test');
    const document = await open('hover.env', `KEY=${secret.secret}\n`);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(0, 10),
    );
    const text = hovers.flatMap((hover) => hover.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.ok(text.includes(key.name.replace(/-/g, '\\-')), text);
    assert.ok(text.includes(key.masked.replace(/\*/g, '\\*')), 'the masked value is shown');
    assert.ok(text.includes('command:keysmith.showKeyDetails') && text.includes('command:keysmith.regenerateKey'));
    assert.ok(!text.includes(secret.secret), 'the hover holds the secret');
  });

  it('puts "name · state · expires in N days | Regenerate | Details" above a managed key', async () => {
    const ks = await keysmith();
    const { key, secret } = await createKey(ks, 'test');
    await ks.client.updateKey(key.id, { expiresAt: new Date(Date.now() + 12 * DAY_MS - 60_000).toISOString() });
    const document = await open('lens.yaml', `service:\n  key: ${secret.secret}\n`);
    ks.editorKeys.invalidate();
    await ks.editorKeys.refresh(document);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    const mine = lenses.filter((lens) => lens.range.start.line === 1);
    assert.deepEqual(
      mine.map((lens) => lens.command?.title),
      [`${key.name} · active · expires in 12 days`, 'Regenerate', 'Details'],
    );
    assert.deepEqual(
      mine.slice(1).map((lens) => [lens.command?.command, lens.command?.arguments]),
      [
        ['keysmith.regenerateKey', [key.id]],
        ['keysmith.showKeyDetails', [key.id]],
      ],
    );
  });

  it('"Scan Workspace for Keys" reports keys in files that are not open, and an opened file is then reported once', async () => {
    const ks = await keysmith();
    const { secret } = await createKey(ks, 'production');
    const revoked = await createKey(ks, 'test');
    await ks.client.revokeKey(revoked.key.id);
    // Names no other test opens: VS Code keeps a closed editor's document for minutes, and the scan
    // leaves open documents to the live diagnostics.
    const committed = path.join(repo(), 'never-opened-committed.env');
    const ignored = path.join(repo(), 'never-opened-ignored.env');
    await fs.appendFile(path.join(repo(), '.gitignore'), 'never-opened-ignored.env\n');
    await fs.writeFile(committed, `KEY=${secret.secret}\n`);
    git('add', 'never-opened-committed.env');
    await fs.writeFile(ignored, `KEY=${secret.secret}\nOLD=${revoked.secret.secret}\n`);
    const result = await vscode.commands.executeCommand<WorkspaceScanResult>('keysmith.scanWorkspace');
    assert.ok(result && result.keys >= 3, JSON.stringify(result));
    const problemsAt = (file: string) =>
      vscode.languages
        .getDiagnostics(vscode.Uri.file(file))
        .filter((d) => d.source === 'Keysmith')
        .map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character]);
    assert.deepEqual(problemsAt(committed), [['productionKeyInGit', vscode.DiagnosticSeverity.Error, 0, 4]]);
    assert.deepEqual(problemsAt(ignored), [['deadKey', vscode.DiagnosticSeverity.Warning, 1, 4]], 'an ignored file: only the dead key');
    const document = await vscode.workspace.openTextDocument(committed);
    await ks.editorKeys.refresh(document);
    assert.deepEqual(
      problemsAt(committed),
      [['productionKeyInGit', vscode.DiagnosticSeverity.Error, 0, 4]],
      'reported once, by the live diagnostics',
    );
  });
});
