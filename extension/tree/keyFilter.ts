// The key tree's filter: what the user narrowed the list to, turned into daemon queries and into
// the short text shown in the view's description while the filter is active.
import * as vscode from 'vscode';
import type { Environment, KeyQuery, KeyState, Service } from '../../daemon/protocol';

export interface KeyFilter {
  status?: KeyState;
  /** Matches name and reference (the daemon's `q`). */
  text?: string;
  serviceId?: string;
  environment?: Environment;
  /** A member name (the daemon's `createdBy`): "Created by me" puts the member the daemon acts as here. */
  createdBy?: string;
}

export function isFilterActive(filter: KeyFilter): boolean {
  return Boolean(filter.status || filter.text || filter.serviceId || filter.environment || filter.createdBy);
}

export function filterToQuery(filter: KeyFilter): KeyQuery {
  return {
    status: filter.status,
    q: filter.text,
    serviceId: filter.serviceId,
    environment: filter.environment,
    createdBy: filter.createdBy,
  };
}

export function describeFilter(filter: KeyFilter, services: readonly Service[], me?: string): string {
  const parts: string[] = [];
  if (filter.createdBy) parts.push(filter.createdBy === me ? createdByMeLabel() : vscode.l10n.t('Created by {0}', filter.createdBy));
  if (filter.status) parts.push(stateLabel(filter.status));
  if (filter.serviceId) parts.push(services.find((s) => s.id === filter.serviceId)?.name ?? filter.serviceId);
  if (filter.environment) parts.push(environmentLabel(filter.environment));
  if (filter.text) parts.push(`"${filter.text}"`);
  return parts.length ? vscode.l10n.t('Filtered: {0}', parts.join(', ')) : '';
}

export function createdByMeLabel(): string {
  return vscode.l10n.t('Created by me');
}

export function stateLabel(state: KeyState | 'expiring'): string {
  switch (state) {
    case 'active':
      return vscode.l10n.t('Active');
    case 'inactive':
      return vscode.l10n.t('Inactive');
    case 'revoked':
      return vscode.l10n.t('Revoked');
    case 'scheduled':
      return vscode.l10n.t('Scheduled');
    case 'expired':
      return vscode.l10n.t('Expired');
    case 'expiring':
      return vscode.l10n.t('Expiring soon');
  }
}

export function environmentLabel(environment: Environment): string {
  return environment === 'production' ? vscode.l10n.t('Production') : vscode.l10n.t('Test');
}
