// Reads `.vscode/keysmith.json`, the workspace's list of config files each service and environment
// is written into, to pre-fill the inject flow. The daemon reads the same file for create/regenerate.
import * as vscode from 'vscode';
import type { Environment, InjectTarget, WorkspaceMappings } from '../../daemon/protocol';

export async function readMappedTargets(
  folder: vscode.Uri,
  serviceId: string,
  environment: Environment,
): Promise<InjectTarget[]> {
  const all = await readMappings(folder);
  return all.filter((m) => m.serviceId === serviceId && m.environment === environment).flatMap((m) => m.targets);
}

/** Every target mapped for any service, to pre-fill a file the user picked by hand. */
export async function readMappings(folder: vscode.Uri): Promise<WorkspaceMappings['mappings']> {
  try {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, '.vscode', 'keysmith.json'));
    const data = JSON.parse(new TextDecoder().decode(bytes)) as Partial<WorkspaceMappings>;
    return Array.isArray(data.mappings) ? data.mappings.filter((m) => m && Array.isArray(m.targets)) : [];
  } catch {
    // No mapping file (or not valid JSON: the jsonValidation schema flags that in the editor).
    return [];
  }
}
