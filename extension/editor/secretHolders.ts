// Where the secrets of some keys still sit in the workspace, for rotation and revocation to follow
// them: every file under the workspace folders (the workspace scan's walk) and every open document
// (its text in the editor, which may be newer than the disk), keys recognized and hashed locally and
// named by the daemon by hash. Only places and key ids come out of here, never a secret.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { recognizeKeys } from '../../common/keyRecognition';
import type { DaemonClient } from '../client';
import { filesUnder, keysIn } from './workspaceScan';

export interface HeldSecret {
  uri: vscode.Uri;
  range: vscode.Range;
  keyId: string;
  /** SHA-256 of the secret there: a rewrite checks the text at `range` still is that secret. */
  hash: string;
}

type Candidate = Omit<HeldSecret, 'keyId'>;

/** Every place in `folders` holding the secret of one of `keyIds`, open documents read from the editor. */
export async function findHeldSecrets(
  client: DaemonClient,
  keyIds: ReadonlySet<string>,
  folders: readonly string[],
): Promise<HeldSecret[]> {
  const inside = (file: string) => folders.some((folder) => !path.relative(folder, file).startsWith('..'));
  const candidates: Candidate[] = [];
  const open = new Set<string>();
  for (const document of vscode.workspace.textDocuments) {
    if (document.uri.scheme !== 'file' || !inside(document.uri.fsPath)) continue;
    open.add(document.uri.fsPath);
    for (const key of recognizeKeys(document.getText())) {
      candidates.push({
        uri: document.uri,
        range: new vscode.Range(document.positionAt(key.start), document.positionAt(key.end)),
        hash: key.hash,
      });
    }
  }
  for (const folder of folders) {
    for (const file of await filesUnder(folder)) {
      if (open.has(file)) continue;
      for (const key of await keysIn(file)) {
        const start = new vscode.Position(key.line - 1, key.column - 1);
        candidates.push({
          uri: vscode.Uri.file(file),
          range: new vscode.Range(start, start.translate(0, key.end - key.start)),
          hash: key.hash,
        });
      }
    }
  }
  if (candidates.length === 0) return [];
  const owners = new Map((await client.lookupKeys([...new Set(candidates.map((c) => c.hash))])).map(({ hash, key }) => [hash, key.id]));
  return candidates.flatMap(({ uri, range, hash }) => {
    const keyId = owners.get(hash);
    return keyId !== undefined && keyIds.has(keyId) ? [{ uri, range, keyId, hash }] : [];
  });
}

/** The workspace folders a rewrite may touch: none in Restricted Mode (see inject/workspaceTrust.ts). */
export function trustedFolders(): string[] {
  if (!vscode.workspace.isTrusted) return [];
  return (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
}
