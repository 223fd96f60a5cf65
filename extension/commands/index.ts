// Every `keysmith.*` command is registered here and only here, each wrapped by runCommand so a
// daemon error or a missing daemon is shown to the user instead of thrown.
import * as vscode from 'vscode';
import type { EnvironmentNode, LoadMoreNode } from '../tree/nodes';
import type { CommandContext } from './commandContext';
import { copyAuthorization } from './copyAuthorization';
import { copyReference } from './copyReference';
import { daemonStatusAction, restartDaemon, showLog, startDaemon, stopDaemon } from './daemonCommands';
import { deactivateKey } from './deactivateKey';
import { deleteKey } from './deleteKey';
import { editKey } from './editKey';
import { clearFilter, filterKeys } from './filterKeys';
import { generateKey, generateKeyQuick } from './generateKey';
import { importKey } from './importKey';
import { injectKey } from './injectKey';
import { openAudit } from './openAudit';
import { reactivateKey } from './reactivateKey';
import { regenerateKey } from './regenerateKey';
import { renameKey } from './renameKey';
import { revealKey } from './revealKey';
import { revokeKey } from './revokeKey';
import { runCommand } from './runCommand';
import { scanWorkspace } from '../editor/scanWorkspaceCommand';
import { secretCommand } from './secretCommand';
import { showKeyDetails } from './showKeyDetails';
import { toggleCloak } from './toggleCloak';

type Factory = (ctx: CommandContext) => (...args: never[]) => Promise<unknown>;

const COMMANDS: Record<string, Factory> = {
  'keysmith.generateKey': generateKey,
  'keysmith.generateKeyQuick': generateKeyQuick,
  'keysmith.importKey': importKey,
  'keysmith.copyReference': copyReference,
  'keysmith.copyAuthorization': copyAuthorization,
  'keysmith.revealKey': revealKey,
  'keysmith.renameKey': renameKey,
  'keysmith.editKey': editKey,
  'keysmith.deactivateKey': deactivateKey,
  'keysmith.reactivateKey': reactivateKey,
  'keysmith.regenerateKey': regenerateKey,
  'keysmith.revokeKey': revokeKey,
  'keysmith.deleteKey': deleteKey,
  'keysmith.injectKey': injectKey,
  'keysmith.openAudit': openAudit,
  'keysmith.showKeyDetails': showKeyDetails,
  'keysmith.scanWorkspace': scanWorkspace,
  'keysmith.toggleCloak': toggleCloak,
  'keysmith.secret': secretCommand,
  'keysmith.filterKeys': filterKeys,
  'keysmith.clearFilter': clearFilter,
  'keysmith.refresh': (ctx) => async () => ctx.keysChanged(),
  'keysmith.loadMore': (ctx) => async (node: LoadMoreNode | EnvironmentNode) =>
    ctx.keyTree.loadMore(node.kind === 'loadMore' ? node.parent : node),
  'keysmith.startDaemon': startDaemon,
  'keysmith.stopDaemon': stopDaemon,
  'keysmith.restartDaemon': restartDaemon,
  'keysmith.showLog': showLog,
  'keysmith.daemonStatusAction': daemonStatusAction,
};

export const COMMAND_IDS = Object.keys(COMMANDS);

/** Commands whose caller needs the failure (a command variable must stop the launch, not yield undefined). */
const REJECTING = new Set(['keysmith.secret']);

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) => {
    const handler = factory(ctx) as (...args: unknown[]) => Promise<unknown>;
    return vscode.commands.registerCommand(id, REJECTING.has(id) ? handler : runCommand(ctx, id, handler));
  });
}
