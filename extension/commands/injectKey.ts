// keysmith.injectKey: write a key into the workspace's config files, with a diff preview first.
import * as vscode from 'vscode';
import type { InjectResult } from '../../daemon/protocol';
import { runInjectFlow } from '../inject/injectFlow';
import type { CommandContext } from './commandContext';
import { resolveKey } from './pickers';

export function injectKey(ctx: CommandContext) {
  return async (arg?: unknown): Promise<InjectResult[]> => {
    const key = await resolveKey(ctx, arg, {
      placeHolder: vscode.l10n.t('Key to write into config files'),
      accept: (k) => k.status !== 'revoked',
    });
    return runInjectFlow(ctx, ctx.previews, key);
  };
}
