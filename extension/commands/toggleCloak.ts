// keysmith.toggleCloak: shows or hides the keys cloaked in config files, for this session only, so
// a glance at a value does not rewrite the user's settings.
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';

export function toggleCloak(ctx: CommandContext) {
  return async (): Promise<boolean> => {
    const enabled = ctx.cloak.toggle();
    void vscode.window.setStatusBarMessage(
      enabled ? vscode.l10n.t('Keysmith: secrets cloaked') : vscode.l10n.t('Keysmith: secrets shown'),
      3000,
    );
    return enabled;
  };
}
