// The editor side of Keysmith: keys found in open files shown in the Problems panel, on hover and in
// CodeLenses, with quick fixes on those problems, and cloaked in config files. Returns everything to
// dispose, and the model so the extension can invalidate it.
import * as vscode from 'vscode';
import type { DaemonClient } from '../client';
import type { Log } from '../log';
import { DocumentKeys } from './documentKeys';
import { KeyCodeLensProvider } from './keyCodeLens';
import { KeyDiagnostics } from './keyDiagnostics';
import { KeyHoverProvider } from './keyHover';
import { SecretCloak } from './secretCloak';
import { KeyQuickFixProvider, registerQuickFixCommands } from './keyQuickFixes';
import type { KeyRightsSource } from '../team/teamIdentity';

export interface EditorFeatures {
  model: DocumentKeys;
  diagnostics: KeyDiagnostics;
  cloak: SecretCloak;
  disposables: vscode.Disposable[];
}

export function registerEditorFeatures(client: DaemonClient, log: Log, warningDays: () => number, rights: KeyRightsSource): EditorFeatures {
  const model = new DocumentKeys(client, log);
  const diagnostics = new KeyDiagnostics(model, warningDays);
  const codeLenses = new KeyCodeLensProvider(model, rights);
  const cloak = new SecretCloak();
  const files: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];
  return {
    model,
    diagnostics,
    cloak,
    disposables: [
      cloak,
      model,
      diagnostics,
      codeLenses,
      vscode.languages.registerHoverProvider(files, new KeyHoverProvider(model, warningDays, rights)),
      vscode.languages.registerCodeLensProvider(files, codeLenses),
      vscode.languages.registerCodeActionsProvider(files, new KeyQuickFixProvider(model, client, rights), {
        providedCodeActionKinds: KeyQuickFixProvider.kinds,
      }),
      ...registerQuickFixCommands(model, client, log),
    ],
  };
}
