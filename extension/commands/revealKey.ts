// keysmith.revealKey: shows the secret of a retrievable key (test environment, imported) in the
// reveal panel. The daemon audits every reveal and refuses production keys generated here.
import * as vscode from 'vscode';
import { RevealPanel } from '../webviews/revealPanel';
import type { CommandContext } from './commandContext';
import { resolveKey } from './pickers';

export function revealKey(ctx: CommandContext) {
  return async (arg?: unknown): Promise<boolean> => {
    const key = await resolveKey(ctx, arg, {
      placeHolder: vscode.l10n.t('Key to reveal'),
      accept: (k) => k.retrievable,
    });
    const { secret } = await ctx.client.revealKey(key.id);
    ctx.log.info(`Revealed key ${key.id}.`);
    RevealPanel.createOrShow(ctx, { key, secret });
    return true;
  };
}
