// Daemon lifecycle commands: start, stop, restart, show the log, and the status-bar click.
import * as vscode from 'vscode';
import type { DaemonState } from '../daemonProcess';
import type { CommandContext } from './commandContext';

export function startDaemon(ctx: CommandContext) {
  return async (): Promise<DaemonState> => {
    await ctx.daemon.start();
    reportState(ctx);
    return ctx.daemon.state;
  };
}

export function stopDaemon(ctx: CommandContext) {
  return async (): Promise<DaemonState> => {
    await ctx.daemon.stop();
    return ctx.daemon.state;
  };
}

export function restartDaemon(ctx: CommandContext) {
  return async (): Promise<DaemonState> => {
    await ctx.daemon.restart();
    reportState(ctx);
    return ctx.daemon.state;
  };
}

export function showLog(ctx: CommandContext) {
  return async (): Promise<void> => ctx.log.show();
}

/** Status-bar click: connected shows the log; otherwise offer to retry (start) or read the log. */
export function daemonStatusAction(ctx: CommandContext) {
  return async (): Promise<void> => {
    if (ctx.daemon.state === 'connected') return ctx.log.show();
    const retry = vscode.l10n.t('Retry');
    const log = vscode.l10n.t('Show Log');
    const choice = await vscode.window.showWarningMessage(
      [vscode.l10n.t('Keysmith daemon is not running.'), ctx.daemon.lastProblem].filter(Boolean).join(' '),
      retry,
      log,
    );
    if (choice === retry) await startDaemon(ctx)();
    else if (choice === log) ctx.log.show();
  };
}

function reportState(ctx: CommandContext): void {
  if (ctx.daemon.state !== 'connected') {
    void vscode.window.showErrorMessage(ctx.daemon.lastProblem || vscode.l10n.t('Keysmith daemon is not running.'));
  }
}
