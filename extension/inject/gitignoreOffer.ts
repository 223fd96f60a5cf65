// After a write, a config file that git would pick up with `git add .` (in a work tree, untracked,
// not ignored: the daemon's NOT_GITIGNORED warning) is named to the user with an action that appends
// the line the daemon computed to the repository's .gitignore, creating it if needed. Lines are only
// ever added, never rewritten.
import * as vscode from 'vscode';
import { gitignoreLine } from '../../common/gitignoreLine';
import type { InjectResult } from '../../daemon/protocol';
import type { Log } from '../log';
import { restrictedModeMessage } from './workspaceTrust';

interface NotIgnored {
  file: string;
  gitignore: vscode.Uri;
  line: string;
}

/** The files of `results` the daemon warned about, once each, with where their ignore line goes. */
export function notIgnored(folder: vscode.Uri, results: readonly InjectResult[]): NotIgnored[] {
  const found = new Map<string, NotIgnored>();
  for (const result of results) {
    const warning = result.warnings?.find((w) => w.code === 'NOT_GITIGNORED');
    if (!warning || found.has(result.file)) continue;
    found.set(result.file, {
      file: result.file,
      // Without the daemon's answer (an older daemon), the workspace folder's .gitignore works too.
      gitignore: warning.gitignoreFile ? vscode.Uri.file(warning.gitignoreFile) : vscode.Uri.joinPath(folder, '.gitignore'),
      line: warning.gitignoreLine ?? gitignoreLine(result.file),
    });
  }
  return [...found.values()];
}

/**
 * Shows the warning when there is something to warn about; resolves once the user answered (or
 * dismissed it), with the .gitignore lines it added. Callers need not await it.
 */
export async function offerGitignore(folder: vscode.Uri, results: readonly InjectResult[], log: Log): Promise<string[]> {
  const files = notIgnored(folder, results);
  if (files.length === 0) return [];
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(restrictedModeMessage());
    return [];
  }
  const add = vscode.l10n.t('Add to .gitignore');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} is not ignored by git: the next "git add ." would commit the key.', files.map((f) => f.file).join(', ')),
    add,
  );
  if (choice !== add) return [];
  const added: string[] = [];
  try {
    for (const gitignore of new Set(files.map((f) => f.gitignore.toString()))) {
      const uri = vscode.Uri.parse(gitignore);
      const lines = await appendLines(
        uri,
        files.filter((f) => f.gitignore.toString() === gitignore).map((f) => f.line),
      );
      if (lines.length) log.info(`Added ${lines.join(', ')} to ${uri.fsPath}.`);
      added.push(...lines);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not update .gitignore: {0}', reason));
  }
  return added;
}

/** Appends the lines not already present, keeping the file's own newline style. Also used by the editor's quick fix. */
export async function appendLines(uri: vscode.Uri, lines: string[]): Promise<string[]> {
  let text = '';
  try {
    // ignoreBOM keeps a byte-order mark in the text, so writing it back keeps it too.
    text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'FileNotFound' && code !== 'ENOENT') throw error;
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const present = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  const missing = [...new Set(lines)].filter((line) => !present.has(line));
  if (missing.length === 0) return [];
  const separator = text === '' || text.endsWith('\n') ? '' : eol;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`${text}${separator}${missing.join(eol)}${eol}`));
  return missing;
}
