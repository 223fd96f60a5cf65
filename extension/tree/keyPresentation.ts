// How a key looks in the tree: state icon and colour, the one-line description, the tooltip with
// every field (the contextValue menus match is in keyContextValue.ts).
import * as vscode from 'vscode';
import type { KeyState, KeyView, Service } from '../../daemon/protocol';
import { environmentLabel, stateLabel } from './keyFilter';

export type DisplayState = KeyState | 'expiring';

const DAY_MS = 86_400_000;

/** The daemon's state, with active keys that expire within the warning window shown as `expiring`. */
export function displayState(key: KeyView, warningDays: number, now = Date.now()): DisplayState {
  if (key.state !== 'active' || !key.expiresAt) return key.state;
  const left = Date.parse(key.expiresAt) - now;
  return left <= warningDays * DAY_MS ? 'expiring' : 'active';
}

const ICONS: Record<DisplayState, [icon: string, color: string]> = {
  active: ['pass-filled', 'testing.iconPassed'],
  expiring: ['warning', 'list.warningForeground'],
  scheduled: ['clock', 'charts.blue'],
  inactive: ['circle-slash', 'disabledForeground'],
  expired: ['history', 'list.errorForeground'],
  revoked: ['error', 'errorForeground'],
};

export function stateIcon(state: DisplayState): vscode.ThemeIcon {
  const [icon, color] = ICONS[state];
  return new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}

export function keyDescription(key: KeyView): string {
  const parts = [key.masked];
  if (key.state === 'revoked') parts.push(vscode.l10n.t('revoked {0}', shortDate(key.revokedAt)));
  else if (key.expiresAt) parts.push(vscode.l10n.t('expires {0}', shortDate(key.expiresAt)));
  parts.push(key.lastUsedAt ? vscode.l10n.t('used {0}', shortDate(key.lastUsedAt)) : vscode.l10n.t('never used'));
  return parts.join(' · ');
}

export function keyTooltip(key: KeyView, service: Service | undefined, state: DisplayState): vscode.MarkdownString {
  const rows: Array<[string, string | undefined]> = [
    [vscode.l10n.t('State'), stateLabel(state)],
    [vscode.l10n.t('Service'), service ? `${service.name}${service.code ? ` (${service.code})` : ''}` : key.serviceId],
    [vscode.l10n.t('Environment'), environmentLabel(key.environment)],
    [vscode.l10n.t('Reference'), key.reference],
    [vscode.l10n.t('Key'), key.masked],
    [vscode.l10n.t('Origin'), key.origin === 'imported' ? vscode.l10n.t('Imported') : vscode.l10n.t('Generated here')],
    [vscode.l10n.t('Retrievable'), key.retrievable ? vscode.l10n.t('Yes') : vscode.l10n.t('No (shown once)')],
    [vscode.l10n.t('Starts'), fullDate(key.startsAt)],
    [vscode.l10n.t('Expires'), key.expiresAt ? fullDate(key.expiresAt) : vscode.l10n.t('Never')],
    [vscode.l10n.t('Created'), `${fullDate(key.createdAt)} — ${key.createdBy}`],
    [vscode.l10n.t('Organization'), key.organization],
    [vscode.l10n.t('Permissions'), listOrAll(key.permissions)],
    [vscode.l10n.t('Companies'), listOrAll(key.companies)],
    [vscode.l10n.t('IP allow-list'), listOrAll(key.ipAllowList)],
    [
      vscode.l10n.t('Last used'),
      key.lastUsedAt ? `${fullDate(key.lastUsedAt)}${key.lastUsedIp ? ` — ${key.lastUsedIp}` : ''}` : vscode.l10n.t('Never'),
    ],
    [vscode.l10n.t('Uses'), String(key.useCount)],
    [vscode.l10n.t('Grace until'), key.graceUntil ? fullDate(key.graceUntil) : undefined],
    [vscode.l10n.t('Replaces'), key.rotatedFrom],
    [vscode.l10n.t('Replaced by'), key.rotatedTo],
    [vscode.l10n.t('Revoked'), key.revokedAt ? fullDate(key.revokedAt) : undefined],
    [vscode.l10n.t('Updated'), fullDate(key.updatedAt)],
    [vscode.l10n.t('Id'), key.id],
  ];
  const md = new vscode.MarkdownString(`**${escapeMarkdown(key.name)}**\n\n| | |\n|---|---|\n`);
  for (const [label, value] of rows) {
    if (value) md.appendMarkdown(`| ${escapeMarkdown(label)} | ${escapeMarkdown(value)} |\n`);
  }
  return md;
}

function listOrAll(items: readonly string[]): string {
  return items.length ? items.join(', ') : vscode.l10n.t('No restriction');
}

export function shortDate(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '';
}

function fullDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** Names and references come from users: keep Markdown from interpreting them. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&').replace(/\r?\n/g, ' ');
}
