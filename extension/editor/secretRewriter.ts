// Rewrites the places holding an old secret, after a preview the user accepts: one WorkspaceEdit whose
// every change needs confirmation, which VS Code shows in its Refactor Preview (each file's diff, Apply
// or Discard). The replacement (a new secret, or nothing for a revoked key) lives only in that edit,
// in memory, until the preview is answered; it is never logged. Files the edit touched that had no
// unsaved changes before are saved, so the disk matches what the preview showed.
import * as vscode from 'vscode';
import type { HeldSecret } from './secretHolders';

export interface RewriteOffer {
  label: string;
  /** The files the preview shows, as URIs strings, in order. */
  files: string[];
}

export class SecretRewriter implements vscode.Disposable {
  private readonly offered = new vscode.EventEmitter<RewriteOffer>();
  /** Fires when a preview is about to open (tests answer it; a user sees the preview). */
  readonly onDidOffer = this.offered.event;

  /** Shows the preview of `places` rewritten to `replacement`; true once applied, false when discarded. */
  async offer(places: readonly HeldSecret[], replacement: string, label: string, description: string): Promise<boolean> {
    if (places.length === 0) return false;
    const metadata: vscode.WorkspaceEditEntryMetadata = { needsConfirmation: true, label, description };
    const edit = new vscode.WorkspaceEdit();
    for (const place of places) edit.replace(place.uri, place.range, replacement, metadata);
    const files = [...new Set(places.map((place) => place.uri.toString()))];
    const dirtyBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
    this.offered.fire({ label, files });
    if (!(await vscode.workspace.applyEdit(edit, { isRefactoring: true }))) return false;
    for (const file of files) {
      const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === file);
      if (document?.isDirty && !dirtyBefore.has(file)) await document.save();
    }
    return true;
  }

  dispose(): void {
    this.offered.dispose();
  }
}
