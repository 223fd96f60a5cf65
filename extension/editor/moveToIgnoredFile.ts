// The "Move to .env.local" quick fix: a production key on a `NAME=value` line of a file git would commit
// moves, whole line, into `.env.local` next to that file, the usual home of local-only settings that
// dotenv loaders read after `.env`. `.env.local` gets the repository's ignore line first if git would
// take it, so the key never lands in a committable file, and a new one is created private (0600).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { gitignoreLine } from '../../common/gitignoreLine';
import { appendLines } from '../inject/gitignoreOffer';
import { restrictedModeMessage } from '../inject/workspaceTrust';
import type { Log } from '../log';
import type { DocumentKeys } from './documentKeys';
import { gitPlaceOf, gitTopLevel } from './gitPlace';

export const LOCAL_ENV_FILE = '.env.local';
export const MOVE_COMMAND = 'keysmith.quickFix.moveToLocalEnv';

/** Whether the line holding a key can move as it is: a dotenv assignment, in a file other than .env.local. */
export function canMoveLine(document: vscode.TextDocument, line: number): boolean {
  if (document.uri.scheme !== 'file' || path.basename(document.uri.fsPath) === LOCAL_ENV_FILE) return false;
  return /^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=/.test(document.lineAt(line).text);
}

export function registerMoveCommand(model: DocumentKeys, log: Log): vscode.Disposable {
  return vscode.commands.registerCommand(MOVE_COMMAND, async (uri: vscode.Uri, line: number) => {
    if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage(restrictedModeMessage());
    const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
    const root = await gitTopLevel(uri.fsPath);
    if (!document || !root || !canMoveLine(document, line)) return;
    const target = path.join(path.dirname(uri.fsPath), LOCAL_ENV_FILE);
    try {
      if ((await gitPlaceOf(target)) !== 'ignored') {
        await appendLines(vscode.Uri.file(path.join(root, '.gitignore')), [gitignoreLine(path.relative(root, target))]);
      }
      await appendLine(target, document.lineAt(line).text);
      const edit = new vscode.WorkspaceEdit();
      edit.delete(uri, document.lineAt(line).rangeIncludingLineBreak);
      await vscode.workspace.applyEdit(edit);
      await document.save();
      log.info(`Moved a line of ${uri.fsPath} to ${target}.`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not move the key to {0}: {1}', LOCAL_ENV_FILE, reason));
    }
    await model.refresh(document);
  });
}

async function appendLine(file: string, line: string): Promise<void> {
  const existing = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const separator = existing === '' || existing.endsWith('\n') ? '' : eol;
  await fs.appendFile(file, `${separator}${line}${eol}`, { mode: 0o600 });
}
