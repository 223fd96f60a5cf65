// The daemon refuses to write a secret into a file git tracks (409 TRACKED_BY_GIT) unless told to.
// Here the user is asked, naming the refusal, and the call is repeated with `force` if they agree.
import * as vscode from 'vscode';
import { DaemonError } from '../daemonErrors';
import { cancelled } from '../commands/runCommand';

export async function confirmIfTrackedByGit<T>(call: (force: boolean) => Promise<T>): Promise<T> {
  try {
    return await call(false);
  } catch (error) {
    if (!(error instanceof DaemonError) || error.code !== 'TRACKED_BY_GIT') throw error;
    const write = vscode.l10n.t('Write Anyway');
    const choice = await vscode.window.showWarningMessage(
      error.message,
      { modal: true, detail: vscode.l10n.t('A secret in a tracked file ends up in the repository history.') },
      write,
    );
    if (choice !== write) cancelled();
    return call(true);
  }
}

/**
 * Where generate and regenerate write the mapped config files; none in Restricted Mode, where the key is
 * still made but no workspace file is written (workspaceTrust.ts).
 */
export function firstWorkspaceFolder(): string | undefined {
  if (!vscode.workspace.isTrusted) return undefined;
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}
