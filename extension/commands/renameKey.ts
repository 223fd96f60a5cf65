// keysmith.renameKey.
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import type { CommandContext } from './commandContext';
import { resolveKey } from './pickers';
import { required } from './runCommand';

export function renameKey(ctx: CommandContext) {
  return async (arg?: unknown): Promise<KeyView> => {
    const key = await resolveKey(ctx, arg, { placeHolder: vscode.l10n.t('Key to rename') });
    const name = required(
      await vscode.window.showInputBox({
        prompt: vscode.l10n.t('New name for "{0}"', key.name),
        value: key.name,
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A name is required.')),
      }),
    ).trim();
    const updated = await ctx.client.updateKey(key.id, { name });
    ctx.log.info(`Renamed key ${key.id}.`);
    ctx.keysChanged();
    return updated;
  };
}
