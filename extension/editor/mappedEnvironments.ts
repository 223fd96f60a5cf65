// Which environment `.vscode/keysmith.json` says a file is for: per service, the environments whose
// mappings name the file as a target. A test key in a file mapped only for production (or the reverse)
// is then a problem of its own (keyProblems.ts). An unreadable or invalid mapping file maps nothing here:
// the inject flow is where its problem is reported.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Environment } from '../../daemon/protocol';
import { readMappings } from '../inject/mappings';

/** Service id -> the environments mapped into the file. */
export type MappedEnvironments = ReadonlyMap<string, ReadonlySet<Environment>>;

export async function mappedEnvironmentsOf(file: string): Promise<MappedEnvironments> {
  const mapped = new Map<string, Set<Environment>>();
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  if (!folder) return mapped;
  const relative = path.relative(folder.uri.fsPath, file).split(path.sep).join('/');
  const mappings = await readMappings(folder.uri).catch(() => []);
  for (const mapping of mappings) {
    if (!mapping.targets.some((target) => typeof target.file === 'string' && sameFile(target.file, relative))) continue;
    const environments = mapped.get(mapping.serviceId) ?? new Set<Environment>();
    environments.add(mapping.environment);
    mapped.set(mapping.serviceId, environments);
  }
  return mapped;
}

/** A target's `file` as written (`./config/.env`, `config\\.env`) against a workspace-relative path. */
function sameFile(targetFile: string, relative: string): boolean {
  return path.posix.normalize(targetFile.replace(/\\/g, '/')).replace(/^\.\//, '') === relative;
}
