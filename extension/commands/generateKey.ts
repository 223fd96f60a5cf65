// keysmith.generateKey opens the "Generate key" form; keysmith.generateKeyQuick does the same flow
// with quick picks (service, environment, name) for keyboard users.
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import { confirmIfTrackedByGit, firstWorkspaceFolder } from '../inject/trackedByGit';
import { GeneratePanel } from '../webviews/generatePanel';
import { RevealPanel } from '../webviews/revealPanel';
import type { CommandContext } from './commandContext';
import { pickEnvironment, pickService } from './pickers';
import { required } from './runCommand';

export function generateKey(ctx: CommandContext) {
  return async (): Promise<GeneratePanel> => GeneratePanel.createOrShow(ctx);
}

export function generateKeyQuick(ctx: CommandContext) {
  return async (): Promise<KeyView> => {
    const service = await pickService(ctx, vscode.l10n.t('Service the key is for'));
    const environment = await pickEnvironment(ctx, vscode.l10n.t('Environment'));
    const name = required(
      await vscode.window.showInputBox({
        prompt: vscode.l10n.t('Name of the key (one key per application is recommended)'),
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A name is required.')),
      }),
    ).trim();
    const workspace = firstWorkspaceFolder();
    const created = await confirmIfTrackedByGit((force) =>
      ctx.client.createKey({ serviceId: service.id, environment, name, workspace, force }),
    );
    ctx.log.info(`Generated key ${created.key.id} for ${service.id} (${environment}).`);
    ctx.keysChanged();
    RevealPanel.createOrShow(ctx, created);
    return created.key;
  };
}
