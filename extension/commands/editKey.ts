// keysmith.editKey: change a key's dates, permissions, companies, IP allow-list or organisation,
// one field at a time through quick picks and input boxes.
import * as vscode from 'vscode';
import type { KeyPatch, KeyView, Service } from '../../daemon/protocol';
import type { CommandContext } from './commandContext';
import { parseList, resolveKey } from './pickers';
import { required } from './runCommand';

type Field = 'startsAt' | 'expiresAt' | 'permissions' | 'companies' | 'ipAllowList' | 'organization';

export function editKey(ctx: CommandContext) {
  return async (arg?: unknown, preset?: Field): Promise<KeyView> => {
    const key = await resolveKey(ctx, arg, { placeHolder: vscode.l10n.t('Key to edit') });
    const service = (await ctx.client.listServices()).find((s) => s.id === key.serviceId);
    const field = preset ?? (await pickField(key, service));
    const patch = await askPatch(ctx, key, field);
    const updated = await ctx.client.updateKey(key.id, patch);
    ctx.log.info(`Edited ${field} of key ${key.id}.`);
    ctx.keysChanged();
    return updated;
  };
}

async function pickField(key: KeyView, service: Service | undefined): Promise<Field> {
  const all: Array<vscode.QuickPickItem & { field: Field }> = [
    { label: vscode.l10n.t('Start date'), description: key.startsAt.slice(0, 10), field: 'startsAt' },
    { label: vscode.l10n.t('Expiry date'), description: key.expiresAt?.slice(0, 10) ?? vscode.l10n.t('Never'), field: 'expiresAt' },
    { label: vscode.l10n.t('Permissions'), description: key.permissions.join(', '), field: 'permissions' },
    { label: vscode.l10n.t('Companies'), description: key.companies.join(', '), field: 'companies' },
    { label: vscode.l10n.t('IP allow-list'), description: key.ipAllowList.join(', '), field: 'ipAllowList' },
    { label: vscode.l10n.t('Organization'), description: key.organization ?? '', field: 'organization' },
  ];
  // Offer only what the service accepts: the daemon refuses companies where it has none.
  const items = all.filter(
    (i) => (i.field !== 'permissions' || (service?.permissions.length ?? 0) > 0) && (i.field !== 'companies' || service?.supportsCompanies),
  );
  return required(await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('What to change on "{0}"', key.name) })).field;
}

async function askPatch(ctx: CommandContext, key: KeyView, field: Field): Promise<KeyPatch> {
  switch (field) {
    case 'startsAt': {
      const text = await askDate(vscode.l10n.t('Start date (YYYY-MM-DD or ISO date-time)'), key.startsAt, false);
      return { startsAt: text };
    }
    case 'expiresAt': {
      const text = await askDate(vscode.l10n.t('Expiry date (YYYY-MM-DD or ISO date-time; empty = never)'), key.expiresAt, true);
      return { expiresAt: text ?? null };
    }
    case 'permissions': {
      const services = await ctx.client.listServices();
      const offered = services.find((s) => s.id === key.serviceId)?.permissions ?? [];
      if (offered.length === 0) {
        throw new Error(vscode.l10n.t('This service has no method permissions to grant.'));
      }
      const picked = required(
        await vscode.window.showQuickPick(
          offered.map((p) => ({ label: p, picked: key.permissions.includes(p) })),
          { canPickMany: true, placeHolder: vscode.l10n.t('Methods this key may call (none = all)') },
        ),
      );
      return { permissions: picked.map((p) => p.label) };
    }
    case 'companies':
      return {
        companies: parseList(await askText(vscode.l10n.t('Companies allowed, comma-separated (empty = any)'), key.companies.join(', '))),
      };
    case 'ipAllowList':
      return {
        ipAllowList: parseList(
          await askText(vscode.l10n.t('IP addresses or CIDR ranges, comma-separated (empty = any)'), key.ipAllowList.join(', ')),
        ),
      };
    case 'organization': {
      const text = (await askText(vscode.l10n.t('Organization (empty = none)'), key.organization ?? '')).trim();
      return { organization: text || null };
    }
  }
}

async function askText(prompt: string, value: string): Promise<string> {
  return required(await vscode.window.showInputBox({ prompt, value }));
}

/** Accepts a date or a date-time; a bare date means midnight UTC. Empty only where `optional`. */
export async function askDate(prompt: string, current: string | undefined, optional: boolean): Promise<string | undefined> {
  const text = required(
    await vscode.window.showInputBox({
      prompt,
      value: current?.slice(0, 10) ?? '',
      validateInput: (v) => (toIsoDate(v, optional) === false ? vscode.l10n.t('Expected a date like 2026-12-31.') : undefined),
    }),
  );
  const iso = toIsoDate(text, optional);
  return iso === false ? undefined : iso;
}

/** ISO string, undefined for an allowed empty value, false when not a date. */
export function toIsoDate(text: string, optional: boolean): string | undefined | false {
  const t = text.trim();
  if (!t) return optional ? undefined : false;
  const value = /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00.000Z` : t;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? false : new Date(ms).toISOString();
}
