// Quick fixes on Keysmith's Problems. A production key where git would commit it: ignore the file (and,
// for a tracked file, stop tracking it after a confirmation, since .gitignore alone does not untrack),
// or move its line to .env.local (moveToIgnoredFile.ts).
// A dead key with a successor whose secret can be revealed (test or imported keys): replace exactly the
// key's range with the successor's secret. A production successor cannot be revealed: "Regenerate and
// rewrite" regenerates the newest key of the chain instead, as it does for an inactive or expired key
// the daemon still lets regenerate (regenerateAndRewrite.ts), and rewrites every file holding the old
// secrets. The secret is revealed only when the fix is applied, never to draw the light bulb.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { gitignoreLine } from '../../common/gitignoreLine';
import type { DaemonClient } from '../client';
import { appendLines } from '../inject/gitignoreOffer';
import { restrictedModeMessage } from '../inject/workspaceTrust';
import type { Log } from '../log';
import type { DocumentKeys } from './documentKeys';
import { gitTopLevel, gitUntrack } from './gitPlace';
import { canMoveLine, LOCAL_ENV_FILE, MOVE_COMMAND, registerMoveCommand } from './moveToIgnoredFile';
import { REGENERATE_AND_REWRITE, regenerationPlanFor } from './regenerateAndRewrite';
import type { KeyRightsSource } from '../team/teamIdentity';

export const QUICK_FIX_COMMANDS = {
  ignoreFile: 'keysmith.quickFix.ignoreFile',
  replaceWithSuccessor: 'keysmith.quickFix.replaceWithSuccessor',
} as const;

export class KeyQuickFixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly model: DocumentKeys,
    private readonly client: DaemonClient,
    private readonly rights: KeyRightsSource,
  ) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const entry = this.model.get(document);
    if (!entry) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'Keysmith') continue;
      if (diagnostic.code === 'productionKeyInGit' && document.uri.scheme === 'file') {
        const name = path.basename(document.uri.fsPath);
        const tracked = entry.git === 'tracked';
        const title = tracked
          ? vscode.l10n.t('Add "{0}" to .gitignore and stop tracking it (git rm --cached, after a confirmation)', name)
          : vscode.l10n.t('Add "{0}" to .gitignore', name);
        actions.push(fix(title, diagnostic, { command: QUICK_FIX_COMMANDS.ignoreFile, title, arguments: [document.uri, tracked] }));
        const line = diagnostic.range.start.line;
        if (canMoveLine(document, line)) {
          const move = vscode.l10n.t('Move this line to {0} (git-ignored, created if needed)', LOCAL_ENV_FILE);
          actions.push(fix(move, diagnostic, { command: MOVE_COMMAND, title: move, arguments: [document.uri, line] }, false));
        }
      }
      if (diagnostic.code === 'deadKey') {
        const view = entry.keys.find((candidate) => candidate.range.isEqual(diagnostic.range))?.view;
        if (!view) continue;
        const successor = view.rotatedTo ? await this.client.getKey(view.rotatedTo).catch(() => undefined) : undefined;
        // Each fix only where the member's role allows it: reading the successor's secret, regenerating.
        if (successor?.retrievable && this.rights.rightsOn(successor).reveal) {
          const title = vscode.l10n.t('Replace with its successor "{0}"', successor.name);
          actions.push(
            fix(title, diagnostic, {
              command: QUICK_FIX_COMMANDS.replaceWithSuccessor,
              title,
              arguments: [document.uri, diagnostic.range, successor.id],
            }),
          );
          continue;
        }
        const plan = await regenerationPlanFor(this.client, view).catch(() => undefined);
        if (!plan || !this.rights.rightsOn(plan.key).manage) continue;
        const title =
          plan.key.id === view.id
            ? vscode.l10n.t('Regenerate "{0}" and rewrite the files holding it', view.name)
            : vscode.l10n.t('Regenerate its successor "{0}" and rewrite the files holding either', plan.key.name);
        actions.push(fix(title, diagnostic, { command: REGENERATE_AND_REWRITE, title, arguments: [plan.key.id, plan.replacing] }));
      }
    }
    return actions;
  }
}

function fix(title: string, diagnostic: vscode.Diagnostic, command: vscode.Command, preferred = true): vscode.CodeAction {
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.isPreferred = preferred;
  action.command = command;
  return action;
}

/** The commands the quick fixes run; not in the palette, since they need a file and a range. */
export function registerQuickFixCommands(model: DocumentKeys, client: DaemonClient, log: Log): vscode.Disposable[] {
  return [
    registerMoveCommand(model, log),
    vscode.commands.registerCommand(QUICK_FIX_COMMANDS.ignoreFile, async (uri: vscode.Uri, tracked: boolean) => {
      if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage(restrictedModeMessage());
      const root = await gitTopLevel(uri.fsPath);
      if (!root) return;
      if (tracked) {
        const untrack = vscode.l10n.t('Ignore and stop tracking');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t(
            '{0} is tracked by git: Keysmith adds it to .gitignore and runs "git rm --cached", so the next commit removes it from the repository (the file stays on disk). Its earlier commits keep the key: revoke or rotate it.',
            path.basename(uri.fsPath),
          ),
          { modal: true },
          untrack,
        );
        if (choice !== untrack) return;
      }
      try {
        const line = gitignoreLine(path.relative(root, uri.fsPath));
        await appendLines(vscode.Uri.file(path.join(root, '.gitignore')), [line]);
        if (tracked) await gitUntrack(uri.fsPath);
        log.info(`Added ${line} to ${path.join(root, '.gitignore')}${tracked ? ' and untracked the file' : ''}.`);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        void vscode.window.showErrorMessage(vscode.l10n.t('Could not update .gitignore: {0}', reason));
      }
      const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
      if (document) await model.refresh(document);
    }),
    vscode.commands.registerCommand(
      QUICK_FIX_COMMANDS.replaceWithSuccessor,
      async (uri: vscode.Uri, range: vscode.Range, successorId: string) => {
        const { secret } = await client.revealKey(successorId);
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, range, secret.secret);
        await vscode.workspace.applyEdit(edit);
        const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
        if (document) await model.refresh(document);
      },
    ),
  ];
}
