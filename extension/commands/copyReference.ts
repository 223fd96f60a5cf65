// keysmith.copyReference: the public identifier of a key; not secret, so the clipboard is left alone.
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { resolveKey } from './pickers';

export function copyReference(ctx: CommandContext) {
  return async (arg?: unknown): Promise<string> => {
    const key = await resolveKey(ctx, arg, { placeHolder: vscode.l10n.t('Key whose reference to copy') });
    await ctx.clipboard.copyPublic(key.reference);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the reference of "{0}".', key.name), 3000);
    return key.reference;
  };
}
