// Integration-kit presets in the inject flow: the daemon's ready targets for the key's service
// (GET /v1/inject/presets), picked from a list; after the write, an offer to keep them in
// `.vscode/keysmith.json` so create and regenerate write the same files.
import * as vscode from 'vscode';
import type { InjectPreset, KeyView } from '../../daemon/protocol';
import type { CommandContext } from '../commands/commandContext';
import { required } from '../commands/runCommand';
import type { Log } from '../log';
import { InvalidMappingsError, mappingsUri, readMappings, showInvalidMappings } from './mappings';
import { alreadyMapped, appendMapping, newMappingsText } from './mappingsEdit';

export async function presetsFor(ctx: CommandContext, key: KeyView): Promise<InjectPreset[]> {
  return (await ctx.client.listInjectPresets()).filter((preset) => preset.serviceId === key.serviceId);
}

export async function pickPreset(presets: InjectPreset[]): Promise<InjectPreset> {
  const items = presets.map((preset) => ({
    label: preset.label,
    description: [...new Set(preset.targets.map((t) => t.file))].join(', '),
    detail: preset.targets.map((t) => (t.referencePath ? `${t.referencePath} + ${t.path}` : t.path)).join(', '),
    preset,
  }));
  return required(await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Integration-kit preset') })).preset;
}

/** A preset names files in folders such as config/: the user chose it, so its folders are created. */
export async function createPresetFolders(folder: vscode.Uri, preset: InjectPreset): Promise<void> {
  for (const file of new Set(preset.targets.map((t) => t.file))) {
    const parts = file.split('/').slice(0, -1);
    if (parts.length) await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder, ...parts));
  }
}

/** Offers to save the preset's targets for the key's service and environment; resolves when answered. */
export async function offerToSaveMapping(folder: vscode.Uri, key: KeyView, preset: InjectPreset, log: Log): Promise<boolean> {
  const mapping = { serviceId: key.serviceId, environment: key.environment, targets: preset.targets };
  try {
    if (alreadyMapped(await readMappings(folder), mapping)) return false;
  } catch (error) {
    if (!(error instanceof InvalidMappingsError)) throw error;
    void showInvalidMappings(error, 'warning');
    return false;
  }
  const save = vscode.l10n.t('Save');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Save these files in {0} so that creating or regenerating a {1} key for {2} writes them too?',
      '.vscode/keysmith.json',
      key.environment,
      key.serviceId,
    ),
    save,
  );
  if (choice !== save) return false;
  const uri = mappingsUri(folder);
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'FileNotFound' && code !== 'ENOENT') throw error;
  }
  const next = text === undefined ? newMappingsText(mapping) : appendMapping(text, mapping);
  if (next === undefined) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('{0} changed and is no longer valid; the preset was not saved.', '.vscode/keysmith.json'),
    );
    return false;
  }
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder, '.vscode'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(next));
  log.info(`Saved the preset ${preset.id} for ${key.serviceId} (${key.environment}) in .vscode/keysmith.json.`);
  return true;
}
