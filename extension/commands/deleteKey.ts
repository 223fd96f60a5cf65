// keysmith.deleteKey: removes a revoked key from the list for good (the daemon refuses others).
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { resolveKey } from './pickers';
import { cancelled } from './runCommand';

export function deleteKey(ctx: CommandContext) {
  return async (arg?: unknown): Promise<boolean> => {
    const key = await resolveKey(ctx, arg, {
      placeHolder: vscode.l10n.t('Revoked key to delete'),
      query: { status: 'revoked' },
    });
    if (key.status !== 'revoked') {
      throw new Error(vscode.l10n.t('Only revoked keys can be deleted; revoke "{0}" first.', key.name));
    }
    const remove = vscode.l10n.t('Delete');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete the revoked key "{0}"?', key.name),
      { modal: true, detail: vscode.l10n.t('It disappears from the list; its audit events stay.') },
      remove,
    );
    if (choice !== remove) cancelled();
    await ctx.client.deleteKey(key.id);
    ctx.log.info(`Deleted key ${key.id}.`);
    ctx.keysChanged();
    return true;
  };
}
