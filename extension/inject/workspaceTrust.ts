// Restricted Mode (a workspace the user has not trusted): Keysmith still manages keys, which live in the
// data dir, but writes nothing into the workspace's files. An untrusted repository's mappings must not be
// able to make the extension write a secret, or anything else, into its files.
import * as vscode from 'vscode';

export function restrictedModeMessage(): string {
  return vscode.l10n.t(
    'This workspace is in Restricted Mode: Keysmith writes nothing into its files. Trust the workspace to write keys into config files.',
  );
}

/** Throws before any workspace file is written when the workspace is not trusted. */
export function refuseWritesInRestrictedMode(): void {
  if (!vscode.workspace.isTrusted) throw new Error(restrictedModeMessage());
}
