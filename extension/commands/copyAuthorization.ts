// keysmith.copyAuthorization: the ready-made Authorization header of a retrievable key. It holds the
// secret, so it is cleared from the clipboard after the configured delay.
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { resolveKey } from './pickers';

export function copyAuthorization(ctx: CommandContext) {
  return async (arg?: unknown): Promise<boolean> => {
    const key = await resolveKey(ctx, arg, {
      placeHolder: vscode.l10n.t('Key whose Authorization header to copy'),
      accept: (k) => k.retrievable,
    });
    if (!key.retrievable) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('The secret of "{0}" was shown once and is not stored; regenerate the key to get a new one.', key.name),
      );
      return false;
    }
    const { secret } = await ctx.client.revealKey(key.id);
    if (!secret.authorization) {
      // `pair` services take the reference and the secret as two values: there is no header.
      void vscode.window.showInformationMessage(
        vscode.l10n.t('"{0}" belongs to a service without an Authorization header: copy its reference and secret instead.', key.name),
      );
      return false;
    }
    const seconds = await ctx.clipboard.copySecret(`Authorization: ${secret.authorization}`);
    ctx.log.info(`Copied the Authorization header of key ${key.id}.`);
    void vscode.window.setStatusBarMessage(
      seconds > 0
        ? vscode.l10n.t('Copied the Authorization header; the clipboard is cleared in {0} s.', seconds)
        : vscode.l10n.t('Copied the Authorization header.'),
      4000,
    );
    return true;
  };
}
