// The "Regenerate and rewrite" quick fix on a dead key: regenerates the key (an inactive or expired key
// the daemon still lets regenerate), or the newest key of its rotation chain when its successor is a
// production key whose secret cannot be shown again, then offers the rewrite of every workspace file
// holding any of those old secrets (rotationFollow.ts). Not in the palette: it needs the key ids.
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import type { CommandContext } from '../commands/commandContext';
import { regenerateAndFollow } from '../commands/regenerateKey';
import { runCommand } from '../commands/runCommand';
import type { DaemonClient } from '../client';

export const REGENERATE_AND_REWRITE = 'keysmith.quickFix.regenerateAndRewrite';

/** What the quick fix would regenerate for a dead key in a file, or undefined when nothing can be. */
export interface RegenerationPlan {
  /** The key regenerated: the dead key itself, or the newest key of its rotation chain. */
  key: KeyView;
  /** The older keys of the chain, whose secrets in files are replaced too. */
  replacing: string[];
}

/** Mirrors the daemon's assertCanRegenerate: not revoked, not already regenerated. */
export function canRegenerate(key: KeyView): boolean {
  return key.status !== 'revoked' && key.rotatedTo === undefined;
}

/** Follows `rotatedTo` from a dead key to the newest key (a bounded walk: a chain is short). */
export async function regenerationPlanFor(client: DaemonClient, dead: KeyView): Promise<RegenerationPlan | undefined> {
  const replacing: string[] = [];
  let key = dead;
  for (let hops = 0; key.rotatedTo !== undefined && hops < 20; hops += 1) {
    replacing.push(key.id);
    key = await client.getKey(key.rotatedTo);
  }
  return canRegenerate(key) ? { key, replacing } : undefined;
}

export function registerRegenerateAndRewrite(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand(
    REGENERATE_AND_REWRITE,
    runCommand(ctx, REGENERATE_AND_REWRITE, async (keyId: string, replacing: string[]) => {
      const key = await ctx.client.getKey(keyId);
      // A key that does not work has no grace period worth keeping; a live successor gets the usual choice.
      return regenerateAndFollow(ctx, key, { alsoReplacing: replacing, askGrace: key.state === 'active' });
    }),
  );
}
