// The status-bar item that shows whether the daemon answers, and once connected which store and which
// member it acts as. Clicking it offers what makes sense in that state (see commands/daemonCommands.ts,
// `keysmith.daemonStatusAction`).
//
// On a team store the member and role are in the text: the role decides what the menus offer, so a
// member who wonders why "Revoke" is missing sees why at a glance. On the embedded store the member is
// always the OS user as owner, which tells nothing: the text stays `$(key) Keysmith`, as narrow as it
// always was, and the tooltip names the store and the member.
import * as vscode from 'vscode';
import type { MemberIdentity, MemberRole } from '../daemon/protocol';
import type { DaemonProcess, DaemonState } from './daemonProcess';
import { EMBEDDED_STORE, type TeamIdentity } from './team/teamIdentity';

export class DaemonStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('keysmith.daemon', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly daemon: DaemonProcess,
    private readonly team: Pick<TeamIdentity, 'store' | 'member' | 'onDidChange'>,
  ) {
    this.item.name = vscode.l10n.t('Keysmith daemon');
    this.item.command = 'keysmith.daemonStatusAction';
    this.subscriptions = [daemon.onDidChangeState((state) => this.render(state)), team.onDidChange(() => this.render(daemon.state))];
    this.render(daemon.state);
    this.item.show();
  }

  /** The text shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  /** The tooltip shown, for tests. */
  get tooltip(): string {
    const tooltip = this.item.tooltip;
    return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
  }

  get state(): DaemonState {
    return this.daemon.state;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.item.dispose();
  }

  private render(state: DaemonState): void {
    switch (state) {
      case 'connected': {
        const { store, member } = this.team;
        const onTeamStore = store !== undefined && store !== EMBEDDED_STORE;
        this.item.text =
          onTeamStore && member ? `$(key) ${vscode.l10n.t('Keysmith')} · ${memberLabel(member)}` : `$(key) ${vscode.l10n.t('Keysmith')}`;
        // e.g. "Embedded store · ana (owner)", "Team store postgres://db:5432/keys · alice (issuer)".
        const where = [
          store === undefined ? undefined : onTeamStore ? vscode.l10n.t('Team store {0}', store) : vscode.l10n.t('Embedded store'),
          member && memberLabel(member),
        ]
          .filter(Boolean)
          .join(' · ');
        this.item.tooltip = [vscode.l10n.t('Keysmith daemon connected. Click to show the log.'), where].filter(Boolean).join('\n');
        this.item.backgroundColor = undefined;
        break;
      }
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

/** `alice (issuer)`, the role in the display language. */
export function memberLabel(member: MemberIdentity): string {
  return `${member.name} (${roleLabel(member.role)})`;
}

export function roleLabel(role: MemberRole): string {
  switch (role) {
    case 'owner':
      return vscode.l10n.t('owner');
    case 'admin':
      return vscode.l10n.t('admin');
    case 'issuer':
      return vscode.l10n.t('issuer');
    case 'auditor':
      return vscode.l10n.t('auditor');
    case 'verifier':
      return vscode.l10n.t('verifier');
  }
}
