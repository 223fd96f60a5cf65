// The status-bar item that shows whether the daemon answers. Clicking it offers what makes sense
// in that state (see commands/daemonCommands.ts, `keysmith.daemonStatusAction`).
import * as vscode from 'vscode';
import type { DaemonProcess, DaemonState } from './daemonProcess';

export class DaemonStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('keysmith.daemon', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly daemon: DaemonProcess) {
    this.item.name = vscode.l10n.t('Keysmith daemon');
    this.item.command = 'keysmith.daemonStatusAction';
    this.subscription = daemon.onDidChangeState((state) => this.render(state));
    this.render(daemon.state);
    this.item.show();
  }

  /** The text shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  get state(): DaemonState {
    return this.daemon.state;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }

  private render(state: DaemonState): void {
    switch (state) {
      case 'connected':
        this.item.text = `$(key) ${vscode.l10n.t('Keysmith')}`;
        this.item.tooltip = vscode.l10n.t('Keysmith daemon connected. Click to show the log.');
        this.item.backgroundColor = undefined;
        break;
      case 'starting':
        this.item.text = `$(sync~spin) ${vscode.l10n.t('Keysmith: starting')}`;
        this.item.tooltip = vscode.l10n.t('Starting the Keysmith daemon…');
        this.item.backgroundColor = undefined;
        break;
      case 'unreachable':
        this.item.text = `$(debug-disconnect) ${vscode.l10n.t('Keysmith: unreachable')}`;
        this.item.tooltip = [vscode.l10n.t('Keysmith daemon unreachable. Click to retry or show the log.'), this.daemon.lastProblem]
          .filter(Boolean)
          .join('\n');
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
    }
  }
}
