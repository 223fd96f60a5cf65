// keysmith.revokeKey: final and immediate, so a modal confirmation names the key first. Then the
// workspace files still holding the revoked secret are offered its removal (rotationFollow.ts).
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import { followRevocation } from '../editor/rotationFollow';
import type { CommandContext } from './commandContext';
import { resolveKey } from './pickers';
import { cancelled } from './runCommand';

export function revokeKey(ctx: CommandContext) {
  return async (arg?: unknown): Promise<KeyView> => {
    const key = await resolveKey(ctx, arg, {
      placeHolder: vscode.l10n.t('Key to revoke'),
      accept: (k) => k.status !== 'revoked',
    });
    const revoke = vscode.l10n.t('Revoke');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Revoke the key "{0}" ({1})?', key.name, key.masked),
      {
        modal: true,
        detail: vscode.l10n.t('Applications using it are refused at once. A revoked key cannot be reactivated.'),
      },
      revoke,
    );
    if (choice !== revoke) cancelled();
    const updated = await ctx.client.revokeKey(key.id);
    ctx.log.info(`Revoked key ${key.id}.`);
    ctx.keysChanged();
    await followRevocation(ctx, updated);
    return updated;
  };
}
