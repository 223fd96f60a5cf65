// keysmith.importKey: stores a key obtained from an outside platform (sealed, so it stays retrievable).
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import type { CommandContext } from './commandContext';
import { pickEnvironment, pickService } from './pickers';
import { required } from './runCommand';

export function importKey(ctx: CommandContext) {
  return async (): Promise<KeyView> => {
    const service = await pickService(ctx, vscode.l10n.t('Service the key belongs to'));
    const environment = await pickEnvironment(ctx, vscode.l10n.t('Environment'));
    const name = required(
      await vscode.window.showInputBox({
        prompt: vscode.l10n.t('Name of the key'),
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A name is required.')),
      }),
    ).trim();
    const secret = required(
      await vscode.window.showInputBox({
        prompt: vscode.l10n.t('Secret given by the provider'),
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('The secret is required.')),
      }),
    ).trim();
    const reference = required(
      await vscode.window.showInputBox({
        prompt: vscode.l10n.t('Key id or reference given by the provider (leave empty if none)'),
      }),
    ).trim();
    const key = await ctx.client.importKey({
      serviceId: service.id,
      environment,
      name,
      secret,
      ...(reference ? { reference } : {}),
    });
    ctx.log.info(`Imported key ${key.id} for ${service.id} (${environment}).`);
    ctx.keysChanged();
    void vscode.window.showInformationMessage(vscode.l10n.t('Imported key "{0}".', key.name));
    return key;
  };
}
