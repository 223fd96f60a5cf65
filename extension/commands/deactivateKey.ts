// keysmith.deactivateKey: suspends a key (it fails verification) until reactivated.
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import type { CommandContext } from './commandContext';
import { resolveKey } from './pickers';

export function deactivateKey(ctx: CommandContext) {
  return async (arg?: unknown): Promise<KeyView> => {
    const key = await resolveKey(ctx, arg, {
      placeHolder: vscode.l10n.t('Key to deactivate'),
      accept: (k) => k.status === 'active',
    });
    const updated = await ctx.client.deactivateKey(key.id);
    ctx.log.info(`Deactivated key ${key.id}.`);
    ctx.keysChanged();
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Deactivated "{0}".', key.name), 3000);
    return updated;
  };
}
