// Quick picks shared by the palette versions of the commands, and resolving a command's argument
// (tree row, key id, or nothing) to a fresh KeyView.
import * as vscode from 'vscode';
import type { Environment, KeyQuery, KeyView, Service } from '../../daemon/protocol';
import { environmentLabel, stateLabel } from '../tree/keyFilter';
import { isKeyNode } from '../tree/nodes';
import type { CommandContext } from './commandContext';
import { required } from './runCommand';

const PICK_PAGE = 100;

export interface KeyPickOptions {
  placeHolder: string;
  /** Narrows the daemon query (e.g. `status: 'revoked'` for delete). */
  query?: KeyQuery;
  /** Further narrows what the list offers (e.g. only retrievable keys). */
  accept?: (key: KeyView) => boolean;
}

/** The key a command acts on: the tree row it ran from, a key id, or one the user picks. */
export async function resolveKey(ctx: CommandContext, arg: unknown, pick: KeyPickOptions): Promise<KeyView> {
  if (isKeyNode(arg)) return ctx.client.getKey(arg.key.id);
  if (typeof arg === 'string') return ctx.client.getKey(arg);
  if (arg && typeof arg === 'object' && typeof (arg as KeyView).id === 'string') return ctx.client.getKey((arg as KeyView).id);
  return pickKey(ctx, pick);
}

export async function pickKey(ctx: CommandContext, options: KeyPickOptions, search?: string): Promise<KeyView> {
  const [list, services] = await Promise.all([
    ctx.client.listKeys({ ...options.query, q: search, pageSize: PICK_PAGE }),
    ctx.client.listServices(),
  ]);
  const keys = list.items.filter((k) => !options.accept || options.accept(k));
  if (list.total === 0 || (keys.length === 0 && !search)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There is no key this command applies to.'));
    required(undefined);
  }
  type Item = vscode.QuickPickItem & { key?: KeyView; search?: true };
  const items: Item[] = keys.map((key) => ({
    label: key.name,
    description: `${key.masked} · ${serviceName(services, key.serviceId)} · ${environmentLabel(key.environment)}`,
    detail: `${stateLabel(key.state)} · ${key.reference}`,
    key,
  }));
  if (list.total > list.items.length) {
    items.push({ label: `$(search) ${vscode.l10n.t('Search by name or reference…')}`, search: true, alwaysShow: true });
  }
  const picked = required(
    await vscode.window.showQuickPick(items, { placeHolder: options.placeHolder, matchOnDescription: true, matchOnDetail: true }),
  );
  if (picked.key) return picked.key;
  const text = required(await vscode.window.showInputBox({ prompt: vscode.l10n.t('Name or reference contains') }));
  return pickKey(ctx, options, text);
}

export async function pickService(ctx: CommandContext, placeHolder: string): Promise<Service> {
  const services = await ctx.client.listServices();
  type Item = vscode.QuickPickItem & { service: Service };
  const items: Item[] = services.map((service) => ({
    label: service.enabled ? service.name : `$(circle-slash) ${service.name}`,
    description: service.code,
    detail: service.enabled ? service.description : (service.disabledReason ?? vscode.l10n.t('Not available')),
    service,
  }));
  const picked = required(await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true }));
  if (!picked.service.enabled) {
    throw new Error(vscode.l10n.t('{0} is not available: {1}', picked.service.name, picked.service.disabledReason ?? ''));
  }
  return picked.service;
}

export async function pickEnvironment(ctx: CommandContext, placeHolder: string): Promise<Environment> {
  const preferred = ctx.settings().defaultEnvironment;
  const order: Environment[] = preferred === 'production' ? ['production', 'test'] : ['test', 'production'];
  const items = order.map((environment) => ({
    label: environmentLabel(environment),
    description:
      environment === 'test'
        ? vscode.l10n.t('The secret can be shown again later')
        : vscode.l10n.t('The secret is shown once, never again'),
    environment,
  }));
  return required(await vscode.window.showQuickPick(items, { placeHolder })).environment;
}

export function serviceName(services: readonly Service[], id: string): string {
  return services.find((s) => s.id === id)?.name ?? id;
}

/** Comma- or newline-separated list typed by a user, trimmed, without empties. */
export function parseList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
