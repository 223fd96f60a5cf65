// keysmith.filterKeys / keysmith.clearFilter: narrow the tree by status, name text, service,
// environment or creator ("Created by me": the member the daemon acts as). Each run changes one
// criterion; the view's description shows them all.
import * as vscode from 'vscode';
import type { Environment, KeyState } from '../../daemon/protocol';
import { createdByMeLabel, environmentLabel, stateLabel, type KeyFilter } from '../tree/keyFilter';
import type { CommandContext } from './commandContext';
import { required } from './runCommand';

type Criterion = 'status' | 'text' | 'service' | 'environment' | 'creator';
const STATES: readonly KeyState[] = ['active', 'inactive', 'revoked', 'scheduled', 'expired'];

export function filterKeys(ctx: CommandContext) {
  return async (preset?: KeyFilter): Promise<KeyFilter> => {
    // Tests and other callers may pass a whole filter; users answer quick picks.
    if (preset && typeof preset === 'object' && !('kind' in preset)) {
      ctx.keyTree.setFilter(preset);
      return ctx.keyTree.filter;
    }
    const current = ctx.keyTree.filter;
    const criterion = required(
      await vscode.window.showQuickPick<vscode.QuickPickItem & { criterion: Criterion }>(
        [
          { label: vscode.l10n.t('Status'), description: current.status && stateLabel(current.status), criterion: 'status' },
          { label: vscode.l10n.t('Name or reference contains…'), description: current.text, criterion: 'text' },
          { label: vscode.l10n.t('Service'), description: current.serviceId, criterion: 'service' },
          {
            label: vscode.l10n.t('Environment'),
            description: current.environment && environmentLabel(current.environment),
            criterion: 'environment',
          },
          { label: createdByMeLabel(), description: current.createdBy, criterion: 'creator' },
        ],
        { placeHolder: vscode.l10n.t('Filter keys by') },
      ),
    ).criterion;
    const next: KeyFilter = { ...current };
    const any = vscode.l10n.t('Any');
    switch (criterion) {
      case 'status': {
        const items = [
          { label: any, state: undefined as KeyState | undefined },
          ...STATES.map((state) => ({ label: stateLabel(state), state })),
        ];
        next.status = required(await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Show keys that are') })).state;
        break;
      }
      case 'text':
        next.text =
          required(
            await vscode.window.showInputBox({
              prompt: vscode.l10n.t('Name or reference contains (empty = any)'),
              value: current.text ?? '',
            }),
          ).trim() || undefined;
        break;
      case 'service': {
        const services = await ctx.client.listServices();
        const items = [
          { label: any, id: undefined as string | undefined },
          ...services.map((s) => ({ label: s.name, description: s.code, id: s.id as string | undefined })),
        ];
        next.serviceId = required(await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Show keys of') })).id;
        break;
      }
      case 'environment': {
        const envs: Environment[] = ['test', 'production'];
        const items = [
          { label: any, env: undefined as Environment | undefined },
          ...envs.map((env) => ({ label: environmentLabel(env), env })),
        ];
        next.environment = required(
          await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Show keys of the environment') }),
        ).env;
        break;
      }
      case 'creator': {
        // Asked now, not remembered: the daemon may have been restarted as another member.
        await ctx.team.refresh();
        const me = ctx.team.member?.name;
        if (!me) throw new Error(vscode.l10n.t('The daemon did not say which member it acts as.'));
        const items = [
          { label: vscode.l10n.t('Any creator'), createdBy: undefined as string | undefined },
          { label: createdByMeLabel(), description: me, createdBy: me as string | undefined },
        ];
        next.createdBy = required(
          await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Show keys created by') }),
        ).createdBy;
        break;
      }
    }
    ctx.keyTree.setFilter(next);
    return ctx.keyTree.filter;
  };
}

export function clearFilter(ctx: CommandContext) {
  return async (): Promise<KeyFilter> => {
    ctx.keyTree.setFilter({});
    return ctx.keyTree.filter;
  };
}
