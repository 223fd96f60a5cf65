// keysmith.reactivateKey: makes an inactive key valid again (revoked keys stay revoked).
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import type { CommandContext } from './commandContext';
import { resolveKey } from './pickers';

export function reactivateKey(ctx: CommandContext) {
  return async (arg?: unknown): Promise<KeyView> => {
    const key = await resolveKey(ctx, arg, {
      placeHolder: vscode.l10n.t('Key to reactivate'),
      accept: (k) => k.status === 'inactive',
    });
    const updated = await ctx.client.reactivateKey(key.id);
    ctx.log.info(`Reactivated key ${key.id}.`);
    ctx.keysChanged();
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Reactivated "{0}".', key.name), 3000);
    return updated;
  };
}
