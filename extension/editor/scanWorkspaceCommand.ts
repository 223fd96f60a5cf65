// keysmith.scanWorkspace: runs the workspace scan with a progress notification and says what it found.
import * as vscode from 'vscode';
import type { CommandContext } from '../commands/commandContext';
import type { WorkspaceScanResult } from './workspaceScan';

export function scanWorkspace(ctx: CommandContext) {
  return async (): Promise<WorkspaceScanResult> => {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Scanning the workspace for Keysmith keys…') },
      () => ctx.workspaceScan.run(folders),
    );
    ctx.log.info(`Workspace scan: ${result.keys} key(s) in ${result.files} file(s), ${result.problems} problem(s).`);
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Keysmith found {0} key(s) in {1} file(s) not open in an editor; {2} problem(s) are in the Problems panel.',
        result.keys,
        result.files,
        result.problems,
      ),
    );
    return result;
  };
}
