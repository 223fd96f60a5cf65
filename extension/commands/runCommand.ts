// Every command runs through here, so a daemon refusal or a missing daemon becomes a readable
// message instead of an unhandled rejection. Messages come from the daemon and never hold secrets.
import * as vscode from 'vscode';
import { DaemonError, DaemonUnavailableError } from '../daemonErrors';
import { InvalidMappingsError, showInvalidMappings } from '../inject/mappings';
import type { CommandContext } from './commandContext';

/** Thrown by a command that the user cancelled (closed a prompt): ends quietly. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export function cancelled(): never {
  throw new Cancelled();
}

/** Unwraps a prompt's answer, ending the command quietly when the user dismissed the prompt. */
export function required<T>(value: T | undefined): T {
  if (value === undefined) cancelled();
  return value;
}

export function runCommand<A extends unknown[], R>(
  ctx: CommandContext,
  id: string,
  handler: (...args: A) => Promise<R>,
): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (error) {
      reportError(ctx, id, error);
      return undefined;
    }
  };
}

export function reportError(ctx: CommandContext, id: string, error: unknown): void {
  if (error instanceof Cancelled) return;
  if (error instanceof DaemonUnavailableError) {
    ctx.log.warn(`${id}: the daemon is not running (${error.reason}).`);
    const start = vscode.l10n.t('Start Daemon');
    // Not awaited: a notification stays until dismissed, and the command should end now.
    void vscode.window.showErrorMessage(vscode.l10n.t('Keysmith daemon is not running.'), start).then((choice) => {
      if (choice === start) void vscode.commands.executeCommand('keysmith.startDaemon');
    });
    return;
  }
  if (error instanceof DaemonError) {
    ctx.log.warn(`${id}: the daemon refused (${error.status} ${error.code}): ${error.message}`);
    void vscode.window.showErrorMessage(error.message);
    return;
  }
  if (error instanceof InvalidMappingsError) {
    ctx.log.warn(`${id}: ${error.message}`);
    void showInvalidMappings(error);
    return;
  }
  const text = error instanceof Error ? error.message : String(error);
  ctx.log.error(`${id} failed: ${text}`);
  void vscode.window.showErrorMessage(vscode.l10n.t('Keysmith: {0}', text));
}
