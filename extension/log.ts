// The "Keysmith" output channel. Callers pass facts (ids, names, codes), never secrets; the last
// lines are also kept in memory so extension-host tests can check what was logged.
import * as vscode from 'vscode';

const KEPT_LINES = 200;

export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Keysmith', { log: true });
  private readonly lines: string[] = [];

  info(message: string): void {
    this.channel.info(message);
    this.keep('info', message);
  }

  warn(message: string): void {
    this.channel.warn(message);
    this.keep('warn', message);
  }

  error(message: string): void {
    this.channel.error(message);
    this.keep('error', message);
  }

  show(): void {
    this.channel.show(true);
  }

  /** The most recent lines, oldest first, as `level: message`. */
  recent(): readonly string[] {
    return this.lines;
  }

  dispose(): void {
    this.channel.dispose();
  }

  private keep(level: string, message: string): void {
    this.lines.push(`${level}: ${message}`);
    if (this.lines.length > KEPT_LINES) this.lines.shift();
  }
}
