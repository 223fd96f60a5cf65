// A real git repository inside the test workspace, made fresh for each test and removed after it, with
// files opened the way a user opens them and Keysmith's scan of each awaited. For the editor tests
// (Problems, quick fixes), which judge what git tracks, would commit or ignores.
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { keysmith } from './helpers';

export interface GitRepoInWorkspace {
  root(): string;
  /** Runs git in the repository; its output as text. */
  git(...args: string[]): string;
  /** Writes `text` into `name` (staged when `track`), opens it in an editor and waits for Keysmith's scan. */
  open(name: string, text: string, track?: boolean): Promise<vscode.TextDocument>;
}

/** Registers the mocha hooks; `gitignore` is the repository's .gitignore at the start of each test. */
export function useGitRepoInWorkspace(folderName: string, gitignore?: string): GitRepoInWorkspace {
  const root = () => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, folderName);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root(), stdio: 'pipe' }).toString();

  beforeEach(async () => {
    await fs.mkdir(root(), { recursive: true });
    git('init', '-q');
    if (gitignore !== undefined) await fs.writeFile(path.join(root(), '.gitignore'), gitignore);
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fs.rm(root(), { recursive: true, force: true });
  });

  return {
    root,
    git,
    async open(name, text, track = false) {
      const file = path.join(root(), name);
      await fs.writeFile(file, text);
      if (track) git('add', name);
      const document = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(document);
      await (await keysmith()).editorKeys.refresh(document);
      return document;
    },
  };
}
