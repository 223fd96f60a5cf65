// keysmith.regenerateKey: a new secret for the same service, environment, name and settings. The
// old key is revoked at once or after a grace period the user picks; mapped config files are rewritten.
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import { confirmIfTrackedByGit, firstWorkspaceFolder } from '../inject/trackedByGit';
import { RevealPanel } from '../webviews/revealPanel';
import type { CommandContext } from './commandContext';
import { resolveKey } from './pickers';
import { required } from './runCommand';

export function regenerateKey(ctx: CommandContext) {
  return async (arg?: unknown): Promise<KeyView> => {
    const key = await resolveKey(ctx, arg, {
      placeHolder: vscode.l10n.t('Key to regenerate'),
      accept: (k) => k.status !== 'revoked',
    });
    const grace = required(
      await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('Revoke the old key now'), seconds: 0 },
          { label: vscode.l10n.t('Keep the old key valid for 1 hour'), seconds: 3600 },
          { label: vscode.l10n.t('Keep the old key valid for 24 hours'), seconds: 86400 },
        ],
        { placeHolder: vscode.l10n.t('When should the old secret of "{0}" stop working?', key.name) },
      ),
    );
    const workspace = firstWorkspaceFolder();
    const result = await confirmIfTrackedByGit((force) =>
      ctx.client.regenerateKey(key.id, { graceSeconds: grace.seconds, workspace, force }),
    );
    ctx.log.info(`Regenerated key ${key.id} as ${result.key.id} (grace ${grace.seconds} s).`);
    ctx.keysChanged();
    RevealPanel.createOrShow(ctx, result);
    return result.key;
  };
}
