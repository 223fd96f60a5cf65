// Regenerating with a grace period leaves the old secret valid until `graceUntil`. When that moment
// comes while a workspace file still holds the old secret, the user is told which files (the Problems
// panel already warns on the line before then, see keyProblems.ts), and every view redraws so the
// line's warning becomes "revoked". Watches only what this window regenerated.
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import type { DaemonClient } from '../client';
import type { Log } from '../log';
import { findHeldSecrets } from './secretHolders';

/** setTimeout's longest delay; a longer grace (the daemon allows 24 hours) is simply re-armed. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class GraceWatch implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly client: DaemonClient,
    private readonly log: Log,
    /** Called when a grace period ends, so views show the old key as revoked. */
    private readonly ended: () => void,
  ) {}

  watch(key: KeyView): void {
    if (!key.graceUntil) return;
    clearTimeout(this.timers.get(key.id));
    const delay = Date.parse(key.graceUntil) - Date.now();
    const timer = setTimeout(
      () => {
        this.timers.delete(key.id);
        if (delay > MAX_DELAY_MS) return this.watch(key);
        void this.graceEnded(key);
      },
      Math.min(Math.max(0, delay), MAX_DELAY_MS),
    );
    this.timers.set(key.id, timer);
  }

  private async graceEnded(key: KeyView): Promise<void> {
    this.ended();
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    let files: vscode.Uri[];
    try {
      const held = await findHeldSecrets(this.client, new Set([key.id]), folders);
      files = [...new Map(held.map((place) => [place.uri.toString(), place.uri])).values()];
    } catch (error) {
      this.log.warn(`Could not look for the old secret of key ${key.id} at the end of its grace period: ${String(error)}`);
      return;
    }
    if (files.length === 0) return;
    this.log.warn(`The grace period of key ${key.id} ended while ${files.length} workspace file(s) still hold its old secret.`);
    const open = vscode.l10n.t('Open File');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'The grace period of "{0}" has ended: its old secret no longer works, and {1} file(s) still hold it: {2}.',
        key.name,
        files.length,
        files.map((uri) => vscode.workspace.asRelativePath(uri)).join(', '),
      ),
      open,
    );
    if (choice === open) await vscode.window.showTextDocument(files[0]!);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
