// A CodeLens above each line holding a managed key: `billing · active · expires in 12 days | Regenerate | Details`.
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import { stateLabel } from '../tree/keyFilter';
import type { DocumentKeys } from './documentKeys';
import type { KeyRightsSource } from '../team/teamIdentity';

const DAY_MS = 86_400_000;

export class KeyCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly model: DocumentKeys,
    private readonly rights: KeyRightsSource,
  ) {
    this.subscription = model.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    for (const key of this.model.get(document)?.keys ?? []) {
      const view = key.view;
      if (!view) continue;
      const line = new vscode.Range(key.range.start.line, 0, key.range.start.line, 0);
      lenses.push(new vscode.CodeLens(line, { title: summary(view), command: '' }));
      // Offered only to a member whose role may regenerate this key (team/roleCapabilities.ts).
      if (view.state !== 'revoked' && this.rights.rightsOn(view).manage)
        lenses.push(
          new vscode.CodeLens(line, { title: vscode.l10n.t('Regenerate'), command: 'keysmith.regenerateKey', arguments: [view.id] }),
        );
      lenses.push(new vscode.CodeLens(line, { title: vscode.l10n.t('Details'), command: 'keysmith.showKeyDetails', arguments: [view.id] }));
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** `billing · active · expires in 12 days` (or `· expired`, `· no expiry`). */
export function summary(view: KeyView, now = Date.now()): string {
  const parts = [view.name, stateLabel(view.state).toLowerCase()];
  if (view.expiresAt && view.state !== 'revoked' && view.state !== 'expired') {
    parts.push(vscode.l10n.t('expires in {0} days', Math.max(0, Math.ceil((Date.parse(view.expiresAt) - now) / DAY_MS))));
  }
  return parts.join(' · ');
}
