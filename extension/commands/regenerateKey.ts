// keysmith.regenerateKey: a new secret for the same service, environment, name and settings. The
// old key is revoked at once or after a grace period the user picks; mapped config files are rewritten
// by the daemon, then every other workspace file still holding the old secret is offered a rewrite.
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import { followRegeneration } from '../editor/rotationFollow';
import { confirmIfTrackedByGit, firstWorkspaceFolder } from '../inject/trackedByGit';
import { RevealPanel } from '../webviews/revealPanel';
import type { CommandContext } from './commandContext';
import { resolveKey } from './pickers';
import { required } from './runCommand';

export function regenerateKey(ctx: CommandContext) {
  return async (arg?: unknown): Promise<KeyView> => {
    const key = await resolveKey(ctx, arg, {
      placeHolder: vscode.l10n.t('Key to regenerate'),
      accept: (k) => k.status !== 'revoked',
    });
    return regenerateAndFollow(ctx, key);
  };
}

export interface RegenerateOptions {
  /** Keys (already dead) whose secrets in the workspace the new secret replaces too. */
  alsoReplacing?: readonly string[];
  /** False for a key that no longer works: there is no grace period to pick. */
  askGrace?: boolean;
}

/** Regenerates `key`, shows the new secret, and offers to rewrite the workspace files holding the old one. */
export async function regenerateAndFollow(ctx: CommandContext, key: KeyView, options: RegenerateOptions = {}): Promise<KeyView> {
  const graceSeconds = options.askGrace === false ? 0 : await pickGrace(key);
  const workspace = firstWorkspaceFolder();
  const result = await confirmIfTrackedByGit((force) => ctx.client.regenerateKey(key.id, { graceSeconds, workspace, force }));
  ctx.log.info(`Regenerated key ${key.id} as ${result.key.id} (grace ${graceSeconds} s).`);
  ctx.keysChanged();
  RevealPanel.createOrShow(ctx, result);
  await followRegeneration(ctx, result, [key.id, ...(options.alsoReplacing ?? [])]);
  return result.key;
}

async function pickGrace(key: KeyView): Promise<number> {
  const grace = required(
    await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('Revoke the old key now'), seconds: 0 },
        { label: vscode.l10n.t('Keep the old key valid for 1 hour'), seconds: 3600 },
        { label: vscode.l10n.t('Keep the old key valid for 24 hours'), seconds: 86400 },
      ],
      { placeHolder: vscode.l10n.t('When should the old secret of "{0}" stop working?', key.name) },
    ),
  );
  return grace.seconds;
}
