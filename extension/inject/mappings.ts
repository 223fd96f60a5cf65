// Reads `.vscode/keysmith.json`, the workspace's list of config files each service and environment
// is written into, to pre-fill the inject flow. The daemon reads the same file for create/regenerate;
// both accept JSONC, and a file that cannot be read is reported, never taken as "no mappings".
import * as vscode from 'vscode';
import type { Environment, InjectTarget } from '../../daemon/protocol';
import { parseMappingsText, type Mappings } from './mappingsText';

export const MAPPINGS_PATH = '.vscode/keysmith.json';

/** The mapping file exists but is not valid; the message names the file, line and column. */
export class InvalidMappingsError extends Error {
  constructor(
    readonly uri: vscode.Uri,
    readonly line: number,
    readonly column: number,
    reason: string,
  ) {
    super(
      vscode.l10n.t('{0} is not valid at line {1}, column {2}: {3}. Fix it to use its mapped files.', MAPPINGS_PATH, line, column, reason),
    );
  }
}

export function mappingsUri(folder: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(folder, '.vscode', 'keysmith.json');
}

export async function readMappedTargets(folder: vscode.Uri, serviceId: string, environment: Environment): Promise<InjectTarget[]> {
  const all = await readMappings(folder);
  return all.filter((m) => m.serviceId === serviceId && m.environment === environment).flatMap((m) => m.targets);
}

/** Every mapping of the workspace; [] when there is no mapping file; throws InvalidMappingsError. */
export async function readMappings(folder: vscode.Uri): Promise<Mappings> {
  const uri = mappingsUri(folder);
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const parsed = parseMappingsText(new TextDecoder().decode(bytes));
  if (!parsed.ok) throw new InvalidMappingsError(uri, parsed.problem.line, parsed.problem.column, parsed.problem.reason);
  return parsed.mappings;
}

/** Shows the problem with a button that opens the file at the faulty line. */
export async function showInvalidMappings(error: InvalidMappingsError, severity: 'error' | 'warning' = 'error'): Promise<void> {
  const open = vscode.l10n.t('Open {0}', MAPPINGS_PATH);
  const choice =
    severity === 'error'
      ? await vscode.window.showErrorMessage(error.message, open)
      : await vscode.window.showWarningMessage(error.message, open);
  if (choice !== open) return;
  const position = new vscode.Position(error.line - 1, error.column - 1);
  await vscode.window.showTextDocument(error.uri, { selection: new vscode.Range(position, position) });
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'FileNotFound' || code === 'ENOENT';
}
