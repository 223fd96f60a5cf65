// Writing a key into config files: choose targets (pre-filled from `.vscode/keysmith.json`), preview
// every change as a diff, then write with the previewed hashes so a file edited meanwhile is refused.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InjectPreset, InjectResult, InjectTarget, InjectValue, KeyView } from '../../daemon/protocol';
import type { CommandContext } from '../commands/commandContext';
import { cancelled, reportError, required } from '../commands/runCommand';
import { readMappedTargets, readMappings } from './mappings';
import { offerGitignore } from './gitignoreOffer';
import type { PreviewDocuments } from './previewDocuments';
import { createPresetFolders, offerToSaveMapping, pickPreset, presetsFor } from './presetFlow';
import { confirmIfTrackedByGit } from './trackedByGit';
import { refuseWritesInRestrictedMode } from './workspaceTrust';

export interface InjectOptions {
  /** The secret its caller still holds (reveal panel right after generate): needed for production keys. */
  secret?: string;
}

export async function runInjectFlow(
  ctx: CommandContext,
  previews: PreviewDocuments,
  key: KeyView,
  options: InjectOptions = {},
): Promise<InjectResult[]> {
  refuseWritesInRestrictedMode();
  const folder = await pickFolder();
  const { targets, preset } = await chooseTargets(ctx, folder, key);
  const request = { keyId: key.id, workspace: folder.uri.fsPath, targets, secret: options.secret };
  try {
    const { force, results } = await confirmIfTrackedByGit(async (force) => ({
      force,
      results: (await ctx.client.previewInjection({ ...request, force })).results,
    }));
    const changed = results.filter((r) => r.changed);
    if (changed.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The config files already hold this value.'));
      return results;
    }
    for (const r of changed) {
      const uris = previews.add(r.file, r.before ?? '', r.after ?? '');
      await vscode.commands.executeCommand('vscode.diff', uris.before, uris.after, vscode.l10n.t('{0} (Keysmith preview)', r.file), {
        preview: false,
      });
    }
    const write = vscode.l10n.t('Write');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Write "{0}" into {1}?', key.name, changed.map((r) => r.file).join(', ')),
      { modal: true },
      write,
    );
    if (choice !== write) cancelled();
    const withHashes = targets.map((t, i) => ({ ...t, expectedHash: results[i]?.hash }));
    const written = (await ctx.client.inject({ ...request, targets: withHashes, force })).results;
    ctx.log.info(
      `Injected key ${key.id} into ${written
        .filter((r) => r.changed)
        .map((r) => r.file)
        .join(', ')}.`,
    );
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Wrote "{0}" into the config files.', key.name), 4000);
    // Not awaited: a notification stays until dismissed, and the command should end now.
    void offerGitignore(folder.uri, written, ctx.log);
    if (preset) {
      void offerToSaveMapping(folder.uri, key, preset, ctx.log).catch((error: unknown) => reportError(ctx, 'keysmith.injectKey', error));
    }
    return written;
  } finally {
    await previews.clear();
  }
}

async function pickFolder(): Promise<vscode.WorkspaceFolder> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) throw new Error(vscode.l10n.t('Open a folder first: keys are written into its config files.'));
  if (folders.length === 1) return folders[0]!;
  return required(await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Workspace folder to write into') }));
}

interface ChosenTargets {
  targets: InjectTarget[];
  /** The integration-kit preset the targets came from, if the user picked one. */
  preset?: InjectPreset;
}

/** Mapped targets (pre-selected), an integration-kit preset for the key's service, or a file picked by hand. */
async function chooseTargets(ctx: CommandContext, folder: vscode.WorkspaceFolder, key: KeyView): Promise<ChosenTargets> {
  const mapped = await readMappedTargets(folder.uri, key.serviceId, key.environment);
  const presets = await presetsFor(ctx, key);
  if (mapped.length === 0 && presets.length === 0) return { targets: [await askTarget(folder, key)] };
  type Item = vscode.QuickPickItem & { target?: InjectTarget; usePreset?: boolean };
  const items: Item[] = mapped.map((target) => ({
    label: target.file,
    description: `${target.path} ← ${target.value}`,
    picked: true,
    target,
  }));
  if (presets.length > 0) items.push({ label: `$(package) ${vscode.l10n.t('Use an integration-kit preset…')}`, usePreset: true });
  items.push({ label: `$(file-add) ${vscode.l10n.t('Another file…')}` });
  const picked = required(
    await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: vscode.l10n.t('Config files to write into') }),
  );
  const targets = picked.flatMap((p) => (p.target ? [p.target] : []));
  let preset: InjectPreset | undefined;
  if (picked.some((p) => p.usePreset)) {
    preset = await pickPreset(presets);
    await createPresetFolders(folder.uri, preset);
    targets.push(...preset.targets);
  }
  if (picked.some((p) => !p.target && !p.usePreset)) targets.push(await askTarget(folder, key));
  if (targets.length === 0) cancelled();
  return { targets, ...(preset ? { preset } : {}) };
}

async function askTarget(folder: vscode.WorkspaceFolder, key: KeyView): Promise<InjectTarget> {
  const uris = required(
    await vscode.window.showOpenDialog({
      defaultUri: folder.uri,
      canSelectMany: false,
      openLabel: vscode.l10n.t('Write the key here'),
      title: vscode.l10n.t('Config file to write "{0}" into', key.name),
    }),
  );
  const file = path.relative(folder.uri.fsPath, uris[0]!.fsPath);
  if (!file || file.startsWith('..') || path.isAbsolute(file)) {
    throw new Error(vscode.l10n.t('Pick a file inside the workspace folder {0}.', folder.name));
  }
  const known = (await readMappings(folder.uri)).flatMap((m) => m.targets).find((t) => t.file === file);
  const variable = required(
    await vscode.window.showInputBox({
      prompt: vscode.l10n.t('Variable name or dotted path in {0}', file),
      value: known?.path ?? suggestVariable(key),
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A variable name or path is required.')),
    }),
  ).trim();
  const values: Array<vscode.QuickPickItem & { value: InjectValue }> = [
    { label: vscode.l10n.t('Secret'), value: 'secret' },
    { label: vscode.l10n.t('Reference'), value: 'reference' },
    { label: vscode.l10n.t('Authorization header'), value: 'authorization' },
  ];
  const value = required(await vscode.window.showQuickPick(values, { placeHolder: vscode.l10n.t('What to write') })).value;
  return { file, path: variable, value, ...(known?.format ? { format: known.format } : {}) };
}

function suggestVariable(key: KeyView): string {
  return `${key.serviceId.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_API_KEY`;
}
