// What the Problems panel says about one key in a file, most serious first: a live production key where
// git would commit it (Error), a key that no longer works (Warning), a key of the other environment than
// the one `.vscode/keysmith.json` maps the file for (Warning), an old secret living on in a grace period
// after a regenerate (Warning, naming when it stops working), a key expiring soon (Information), a
// Keysmith-format key this store does not know (Warning).
import * as vscode from 'vscode';
import { environmentLabel, stateLabel } from '../tree/keyFilter';
import type { DocumentKey, DocumentKeysEntry } from './documentKeys';

const DAY_MS = 86_400_000;

export interface KeyProblem {
  severity: vscode.DiagnosticSeverity;
  code: 'productionKeyInGit' | 'deadKey' | 'environmentMismatch' | 'graceKey' | 'expiringKey' | 'unknownKey';
  message: string;
}

export function keyProblem(key: DocumentKey, entry: DocumentKeysEntry, warningDays: number, now = Date.now()): KeyProblem | undefined {
  const view = key.view;
  if (!view) {
    if (!entry.daemonAnswered) return undefined;
    return {
      severity: vscode.DiagnosticSeverity.Warning,
      code: 'unknownKey',
      message: vscode.l10n.t(
        'A Keysmith key ({0}, {1}) that this store does not know: it may belong to another store, or be a leaked copy.',
        key.found.prefix,
        `****${key.found.hint}`,
      ),
    };
  }
  const committable = entry.git === 'tracked' || entry.git === 'addable';
  if (view.environment === 'production' && view.state !== 'revoked' && committable) {
    return {
      severity: vscode.DiagnosticSeverity.Error,
      code: 'productionKeyInGit',
      message:
        entry.git === 'tracked'
          ? vscode.l10n.t(
              'Production key "{0}" ({1}) in a file git tracks: it ends up in the repository history.',
              view.name,
              stateLabel(view.state),
            )
          : vscode.l10n.t(
              'Production key "{0}" ({1}) in a file git does not ignore: the next "git add ." commits it.',
              view.name,
              stateLabel(view.state),
            ),
    };
  }
  if (view.state === 'revoked' || view.state === 'expired' || view.state === 'inactive') {
    return {
      severity: vscode.DiagnosticSeverity.Warning,
      code: 'deadKey',
      message: vscode.l10n.t(
        'Key "{0}" is {1}: it no longer verifies. Replace it with a working key.',
        view.name,
        stateLabel(view.state).toLowerCase(),
      ),
    };
  }
  const mapped = entry.mapped.get(view.serviceId);
  if (mapped && mapped.size > 0 && !mapped.has(view.environment)) {
    return {
      severity: vscode.DiagnosticSeverity.Warning,
      code: 'environmentMismatch',
      message: vscode.l10n.t(
        'Key "{0}" ({1}, {2}) is in a file that {3} maps for {4} keys of {1}.',
        view.name,
        key.service?.name ?? view.serviceId,
        environmentLabel(view.environment).toLowerCase(),
        '.vscode/keysmith.json',
        [...mapped].map((environment) => environmentLabel(environment).toLowerCase()).join(', '),
      ),
    };
  }
  if (view.rotatedTo && view.graceUntil) {
    return {
      severity: vscode.DiagnosticSeverity.Warning,
      code: 'graceKey',
      message: vscode.l10n.t(
        'Key "{0}" was regenerated: this old secret stops working at {1}. Replace it with the new key.',
        view.name,
        graceEndText(view.graceUntil),
      ),
    };
  }
  if (view.state === 'active' && view.expiresAt) {
    const days = Math.ceil((Date.parse(view.expiresAt) - now) / DAY_MS);
    if (days <= warningDays) {
      return {
        severity: vscode.DiagnosticSeverity.Information,
        code: 'expiringKey',
        message: vscode.l10n.t('Key "{0}" expires in {1} day(s), on {2}.', view.name, days, view.expiresAt.slice(0, 10)),
      };
    }
  }
  return undefined;
}

/** A grace end as messages show it: `2026-11-29 21:05 UTC`. */
export function graceEndText(graceUntil: string): string {
  return `${graceUntil.slice(0, 16).replace('T', ' ')} UTC`;
}
