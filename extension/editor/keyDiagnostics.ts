// Keeps the Problems panel in step with the keys found in open files (see keyProblems.ts for the rules).
import * as vscode from 'vscode';
import type { DocumentKeys } from './documentKeys';
import { keyProblem } from './keyProblems';

export class KeyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('keysmith');
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly model: DocumentKeys,
    private readonly warningDays: () => number,
  ) {
    this.subscription = model.onDidChange((uri) => this.update(uri));
  }

  /** Redraws every open file's problems, e.g. after keysmith.expiryWarningDays changed. */
  updateAll(): void {
    for (const document of vscode.workspace.textDocuments) this.update(document.uri);
  }

  private update(uri: vscode.Uri): void {
    const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
    const entry = document && this.model.get(document);
    if (!entry) return void this.collection.delete(uri);
    const diagnostics: vscode.Diagnostic[] = [];
    for (const key of entry.keys) {
      const problem = keyProblem(key, entry, this.warningDays());
      if (!problem) continue;
      const diagnostic = new vscode.Diagnostic(key.range, problem.message, problem.severity);
      diagnostic.source = 'Keysmith';
      diagnostic.code = problem.code;
      diagnostics.push(diagnostic);
    }
    this.collection.set(uri, diagnostics);
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
