// Rewrites the places holding an old secret, after a preview the user accepts: each file's change as a
// diff of two in-memory documents, then one modal naming what changes. (A WorkspaceEdit marked
// `needsConfirmation` would open VS Code's Refactor Preview instead, but there every such change starts
// unticked, so "Apply" rewrites nothing until each file is ticked by hand.) Both sides of the diff show
// secrets cloaked as `••••` plus their last four characters, since other extensions can read any open
// document; the replacement itself (a new secret, or nothing for a revoked key) lives only in memory
// until the modal is answered, and is never logged. Files the edit touched that had no unsaved changes
// before are saved, so the disk matches what the preview showed.
import * as vscode from 'vscode';
import { sha256Hex } from '../../common/secretHash';
import type { PreviewDocuments } from '../inject/previewDocuments';
import type { HeldSecret } from './secretHolders';
import { cloakText } from './secretCloak';

export interface RewriteOffer {
  label: string;
  /** The files the preview shows, as URI strings, in order. */
  files: string[];
}

export class SecretRewriter implements vscode.Disposable {
  private readonly offered = new vscode.EventEmitter<RewriteOffer>();
  /** Fires when a preview is about to open (tests read what it covers). */
  readonly onDidOffer = this.offered.event;

  constructor(private readonly previews: PreviewDocuments) {}

  /**
   * Previews `places` rewritten to `replacement` and asks; true once the files are rewritten, false when
   * the user declined (nothing is changed then).
   */
  async offer(found: readonly HeldSecret[], replacement: string, question: string, action: string): Promise<boolean> {
    const places = await stillHeld(found);
    const byFile = new Map<string, HeldSecret[]>();
    for (const place of places) byFile.set(place.uri.toString(), [...(byFile.get(place.uri.toString()) ?? []), place]);
    if (byFile.size === 0) return false;
    const files = [...byFile.keys()];
    this.offered.fire({ label: question, files });
    const dirtyBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
    try {
      for (const held of byFile.values()) {
        const document = await vscode.workspace.openTextDocument(held[0]!.uri);
        const before = cloaked(document, held, (secret) => cloakText(secret));
        const after = cloaked(document, held, () => (replacement === '' ? '' : cloakText(replacement)));
        const name = vscode.workspace.asRelativePath(document.uri);
        const uris = this.previews.add(name, before, after);
        await vscode.commands.executeCommand('vscode.diff', uris.before, uris.after, vscode.l10n.t('{0} (Keysmith preview)', name), {
          preview: false,
        });
      }
      const choice = await vscode.window.showInformationMessage(
        question,
        {
          modal: true,
          detail: vscode.l10n.t(
            '{0} place(s) in {1}. Secrets are shown cloaked in the preview.',
            places.length,
            files.map((file) => vscode.workspace.asRelativePath(vscode.Uri.parse(file))).join(', '),
          ),
        },
        action,
      );
      if (choice !== action) return false;
    } finally {
      await this.previews.clear();
    }
    const edit = new vscode.WorkspaceEdit();
    for (const place of places) edit.replace(place.uri, place.range, replacement);
    if (!(await vscode.workspace.applyEdit(edit))) return false;
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

/**
 * The places whose text still is the secret found there (the scan read some files from disk, and a file
 * may have changed since): a rewrite never lands on anything else. Opens each file's document.
 */
async function stillHeld(found: readonly HeldSecret[]): Promise<HeldSecret[]> {
  const kept: HeldSecret[] = [];
  for (const place of found) {
    const document = await vscode.workspace.openTextDocument(place.uri);
    if (sha256Hex(document.getText(place.range)) === place.hash) kept.push(place);
  }
  return kept;
}

/** `document`'s text with each held secret replaced by `shown(secret)`. */
function cloaked(document: vscode.TextDocument, held: readonly HeldSecret[], shown: (secret: string) => string): string {
  const text = document.getText();
  let result = '';
  let at = 0;
  const sorted = [...held].sort((a, b) => document.offsetAt(a.range.start) - document.offsetAt(b.range.start));
  for (const place of sorted) {
    const start = document.offsetAt(place.range.start);
    const end = document.offsetAt(place.range.end);
    result += text.slice(at, start) + shown(text.slice(start, end));
    at = end;
  }
  return result + text.slice(at);
}
