// Copies secrets to the clipboard and takes them out again after `keysmith.clipboardClearSeconds`,
// but only if the clipboard still holds that secret (the user may have copied something else since).
import * as vscode from 'vscode';

export class ClipboardGuard implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private pending: string | undefined;

  constructor(private readonly clearSeconds: () => number) {}

  /** Copies text that is not secret (a reference, an id): no clearing. */
  async copyPublic(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
  }

  /** Copies a secret and schedules its removal; returns the delay in seconds (0 = never cleared). */
  async copySecret(secret: string): Promise<number> {
    await vscode.env.clipboard.writeText(secret);
    clearTimeout(this.timer);
    const seconds = this.clearSeconds();
    this.pending = seconds > 0 ? secret : undefined;
    if (seconds > 0) this.timer = setTimeout(() => void this.clearNow(), seconds * 1000);
    return seconds;
  }

  /** Clears the clipboard now if it still holds the last copied secret. */
  async clearNow(): Promise<boolean> {
    const secret = this.pending;
    this.pending = undefined;
    clearTimeout(this.timer);
    if (!secret) return false;
    if ((await vscode.env.clipboard.readText()) !== secret) return false;
    await vscode.env.clipboard.writeText('');
    return true;
  }

  dispose(): void {
    // Leaving the window with a secret still on the clipboard is what this class exists to avoid.
    void this.clearNow();
  }
}
