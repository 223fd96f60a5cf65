// keysmith.secret: the value of `${command:keysmith.secret}` in launch.json and tasks.json, so a
// test or imported key reaches a debug session without being written to disk. Production keys
// generated here are never retrievable; the daemon's reveal refuses them and so does this command.
// Unlike the other commands it rejects on failure: VS Code then stops the launch and shows why.
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import { DaemonError } from '../daemonErrors';
import type { CommandContext } from './commandContext';
import { pickKey } from './pickers';

export function secretCommand(ctx: CommandContext) {
  return async (arg?: unknown): Promise<string> => {
    const key =
      typeof arg === 'string' && arg.trim() !== ''
        ? await keyNamed(ctx, arg.trim())
        : await pickKey(ctx, { placeHolder: vscode.l10n.t('Key whose secret the launch receives'), accept: (k) => k.retrievable });
    try {
      const { secret } = await ctx.client.revealKey(key.id);
      ctx.log.info(`Handed the secret of key ${key.id} to a command variable.`);
      return secret.secret;
    } catch (error) {
      if (!(error instanceof DaemonError)) throw error;
      throw new Error(vscode.l10n.t('The secret of "{0}" cannot be retrieved: {1}', key.name, error.message), {
        cause: error,
      });
    }
  };
}

/** The key an argument names: its id first, else the one key whose name is exactly `name`. */
async function keyNamed(ctx: CommandContext, name: string): Promise<KeyView> {
  try {
    return await ctx.client.getKey(name);
  } catch (error) {
    if (!(error instanceof DaemonError) || error.status !== 404) throw error;
  }
  const { items } = await ctx.client.listKeys({ q: name, pageSize: 100 });
  const exact = items.filter((key) => key.name === name);
  if (exact.length !== 1) throw new Error(vscode.l10n.t('No single Keysmith key has the id or name "{0}".', name));
  return exact[0]!;
}
