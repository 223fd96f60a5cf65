// keysmith.showKeyDetails: the "Key details" panel (all fields, edits, actions, recent audit events).
import * as vscode from 'vscode';
import { DetailsPanel } from '../webviews/detailsPanel';
import type { CommandContext } from './commandContext';
import { resolveKey } from './pickers';

export function showKeyDetails(ctx: CommandContext) {
  return async (arg?: unknown): Promise<DetailsPanel> => {
    const key = await resolveKey(ctx, arg, { placeHolder: vscode.l10n.t('Key to show') });
    return DetailsPanel.createOrShow(ctx, key.id);
  };
}
