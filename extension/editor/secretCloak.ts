// Cloaking: Keysmith keys in config files are hidden behind `••••` plus their last four characters.
// The keys are found by the local recognizer and the decoration is set in the same tick as the
// editor becomes visible, so the value never flashes while a daemon round trip would be pending.
import * as vscode from 'vscode';
import { recognizeKeys } from '../../common/keyRecognition';

/** What the user sees instead of a key: never more than its last four characters. */
export function cloakText(secret: string): string {
  return `••••${secret.slice(-4)}`;
}

export interface CloakedKey {
  range: vscode.Range;
  /** The text drawn in the key's place. */
  shown: string;
}

export class SecretCloak implements vscode.Disposable {
  // `display: none` rides on textDecoration (the only CSS VS Code lets through) to hide the value;
  // the `before` text of each range takes its place.
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    textDecoration: 'none; display: none;',
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly cloaked = new Map<string, CloakedKey[]>();
  private readonly subscriptions: vscode.Disposable[];
  /** Set by the toggle command for this session; undefined follows the setting. */
  private sessionEnabled: boolean | undefined;

  constructor() {
    this.subscriptions = [
      this.decoration,
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((editor) => this.apply(editor))),
      vscode.workspace.onDidChangeTextDocument((event) => {
        for (const editor of vscode.window.visibleTextEditors) if (editor.document === event.document) this.apply(editor);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.cloaked.delete(document.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration('keysmith.cloak')) return;
        this.sessionEnabled = undefined;
        this.applyAll();
      }),
    ];
    this.applyAll();
  }

  get enabled(): boolean {
    return this.sessionEnabled ?? vscode.workspace.getConfiguration('keysmith.cloak').get<boolean>('enabled', true);
  }

  /** Flips cloaking for this session (the setting is left as the user wrote it); returns the new state. */
  toggle(): boolean {
    this.sessionEnabled = !this.enabled;
    this.applyAll();
    return this.sessionEnabled;
  }

  /** What is cloaked in `uri`'s visible editors (for tests; a user sees the decoration). */
  cloakedKeys(uri: vscode.Uri): readonly CloakedKey[] {
    return this.cloaked.get(uri.toString()) ?? [];
  }

  private applyAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.apply(editor);
  }

  private apply(editor: vscode.TextEditor): void {
    const { document } = editor;
    const options: vscode.DecorationOptions[] = [];
    if (this.enabled && this.covers(document)) {
      const text = document.getText();
      for (const key of recognizeKeys(text)) {
        options.push({
          range: new vscode.Range(document.positionAt(key.start), document.positionAt(key.end)),
          renderOptions: {
            before: { contentText: cloakText(text.slice(key.start, key.end)), color: new vscode.ThemeColor('descriptionForeground') },
          },
        });
      }
    }
    editor.setDecorations(this.decoration, options);
    const cloaked = options.map((o) => ({ range: o.range, shown: o.renderOptions?.before?.contentText ?? '' }));
    if (cloaked.length > 0) this.cloaked.set(document.uri.toString(), cloaked);
    else this.cloaked.delete(document.uri.toString());
  }

  private covers(document: vscode.TextDocument): boolean {
    const patterns = vscode.workspace.getConfiguration('keysmith.cloak').get<string[]>('files', []);
    return patterns.some((pattern) => vscode.languages.match({ pattern }, document) > 0);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
