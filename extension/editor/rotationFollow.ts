// Rotation follows the key: after a regenerate, every workspace file still holding the old secret (found
// by the scan and local hashing, not only the mapped targets) is offered a rewrite with the new secret;
// after a revoke, the revoked secret is offered for removal (the value emptied, the line kept). Both show
// a diff preview first (secretRewriter.ts). The new secret is in hand only here, right after the
// daemon answered: it stays in memory until the preview is answered and is never logged or stored.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { KeyRegenerated, KeyView } from '../../daemon/protocol';
import type { CommandContext } from '../commands/commandContext';
import { findHeldSecrets, trustedFolders } from './secretHolders';

/**
 * Offers to rewrite the old secrets of `oldIds` (the regenerated key and, from a quick fix, the dead keys
 * it replaces) with the new one. Files the daemon's injection rewrote are left alone: they already hold
 * the new secret, and an editor may not have reloaded them yet. Then watches the grace period, if any.
 */
export async function followRegeneration(ctx: CommandContext, result: KeyRegenerated, oldIds: readonly string[]): Promise<void> {
  const folders = trustedFolders();
  const injected = new Set((result.injected ?? []).filter((r) => !r.error && folders[0]).map((r) => path.resolve(folders[0]!, r.file)));
  const held = (await findHeldSecrets(ctx.client, new Set(oldIds), folders)).filter((place) => !injected.has(place.uri.fsPath));
  const name = result.previous.name;
  if (held.length > 0) {
    const applied = await ctx.rewriter.offer(
      held,
      result.secret.secret,
      vscode.l10n.t('Rewrite the old secret of "{0}" with the new one in these files?', name),
      vscode.l10n.t('Rewrite'),
    );
    ctx.log.info(
      applied
        ? `Rewrote ${held.length} place(s) holding the old secret of key ${result.previous.id} with its successor ${result.key.id}.`
        : `The rewrite of the old secret of key ${result.previous.id} was discarded; its files are unchanged.`,
    );
  }
  if (result.previous.graceUntil && result.previous.state !== 'revoked') ctx.graceWatch.watch(result.previous);
}

/** Offers to empty the revoked secret wherever the workspace still holds it. */
export async function followRevocation(ctx: CommandContext, key: KeyView): Promise<void> {
  const held = await findHeldSecrets(ctx.client, new Set([key.id]), trustedFolders());
  if (held.length === 0) return;
  const applied = await ctx.rewriter.offer(
    held,
    '',
    vscode.l10n.t('Remove the revoked secret of "{0}" from these files? Each value is emptied, its line kept.', key.name),
    vscode.l10n.t('Remove'),
  );
  ctx.log.info(
    applied
      ? `Removed the revoked secret of key ${key.id} from ${held.length} place(s).`
      : `The removal of the revoked secret of key ${key.id} was discarded; its files are unchanged.`,
  );
}
