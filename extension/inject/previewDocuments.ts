// Read-only in-memory documents for the inject diff preview (`keysmith-preview:` URIs). The texts
// may hold a secret, so they live only until the flow ends, then are dropped and their tabs closed.
import * as vscode from 'vscode';

export const PREVIEW_SCHEME = 'keysmith-preview';

export class PreviewDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Registers a before/after pair and returns their URIs (file name kept so syntax colouring works). */
  add(file: string, before: string, after: string): { before: vscode.Uri; after: vscode.Uri } {
    const n = ++this.counter;
    const make = (side: string, text: string) => {
      const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${side}/${n}/${file}` });
      this.texts.set(uri.toString(), text);
      return uri;
    };
    return { before: make('before', before), after: make('after', after) };
  }

  /** Closes the preview tabs and forgets the texts. */
  async clear(): Promise<void> {
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((tab) => {
        const input = tab.input;
        return input instanceof vscode.TabInputTextDiff && input.modified.scheme === PREVIEW_SCHEME;
      });
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
    const uris = [...this.texts.keys()];
    this.texts.clear();
    for (const uri of uris) this.changeEmitter.fire(vscode.Uri.parse(uri));
  }

  dispose(): void {
    this.texts.clear();
    this.changeEmitter.dispose();
  }
}
