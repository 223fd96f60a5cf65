// What every Keysmith panel shares: the `_disposables` list, the typed post, and the gate every
// incoming message passes (allow-list + shape check; anything else is dropped and logged).
import * as vscode from 'vscode';
import type { Log } from '../log';
import { describeRejected, parseFromWebview, type FromWebview, type ToWebview, type ViewName } from './protocol';

export abstract class PanelBase implements vscode.Disposable {
  protected readonly _disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Messages dropped at the gate, for tests and diagnostics. */
  rejectedCount = 0;

  protected constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly view: ViewName,
    protected readonly log: Log,
  ) {
    this._disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
    );
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Entry point of every message from the webview; public so tests can feed it directly. */
  async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(this.view, raw);
    if (!message) {
      this.rejectedCount += 1;
      this.log.warn(`Ignored a message the ${this.view} webview may not send: ${describeRejected(raw)}.`);
      return;
    }
    try {
      await this.onMessage(message);
    } catch (error) {
      this.log.error(`The ${this.view} panel failed on "${message.type}": ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  protected post(message: ToWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  protected abstract onMessage(message: FromWebview): Promise<void>;

  /** Subclasses drop what they hold (a secret, a key id) here, then call super. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.panel.dispose();
    while (this._disposables.length) this._disposables.pop()?.dispose();
  }
}
