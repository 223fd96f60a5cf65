// With keysmith.terminalEnv.enabled (off by default), the integrated terminals get the workspace's mapped
// keys as environment variables: for each non-production mapping of .vscode/keysmith.json, each target
// in a .env file names a variable, set to the newest active key of that service and environment. Never
// a production key, whatever the mapping says. The collection is not persistent, so VS Code keeps no
// copy of a secret on disk across restarts; it is rebuilt whenever keys, mappings or the setting change.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InjectTarget, KeyView, SecretMaterial } from '../daemon/protocol';
import type { DaemonClient } from './client';
import { readMappings } from './inject/mappings';
import type { Log } from './log';

export class TerminalEnv implements vscode.Disposable {
  private generation = 0;
  /** The newest refresh's work, applied or dropped once it settles. */
  private newest: Promise<void> = Promise.resolve();

  constructor(
    readonly collection: vscode.GlobalEnvironmentVariableCollection,
    private readonly client: DaemonClient,
    private readonly log: Log,
    private readonly enabled: () => boolean,
  ) {
    collection.persistent = false;
    collection.description = vscode.l10n.t('Keysmith: the test keys mapped in .vscode/keysmith.json');
  }

  /**
   * Recomputes every variable; the last call wins when several overlap. Resolves once the newest refresh
   * has applied, so a caller never finds the variables older than its call (a key-change or file-watcher
   * refresh started meanwhile drops this one's answer, and the caller waits for that one instead).
   */
  refresh(): Promise<void> {
    const generation = ++this.generation;
    const work = this.variables().then((variables) => {
      if (generation !== this.generation) return;
      this.collection.clear();
      for (const [name, value] of variables) this.collection.replace(name, value);
    });
    this.newest = work;
    return this.settled(work);
  }

  private async settled(work: Promise<void>): Promise<void> {
    await work;
    if (this.newest !== work) await this.settled(this.newest);
  }

  private async variables(): Promise<Map<string, string>> {
    if (!this.enabled() || !vscode.workspace.isTrusted) return new Map();
    try {
      return await this.mappedVariables();
    } catch (error) {
      // The message is the daemon's or the mapping file's: it never holds a secret.
      this.log.error(`Could not set the terminals' Keysmith variables: ${error instanceof Error ? error.message : String(error)}`);
      return new Map();
    }
  }

  private async mappedVariables(): Promise<Map<string, string>> {
    const variables = new Map<string, string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const mapping of await readMappings(folder.uri)) {
        if (mapping.environment === 'production') continue;
        const targets = mapping.targets.filter(isDotenvTarget);
        if (targets.length === 0) continue;
        const key = await this.newestActiveKey(mapping.serviceId, mapping.environment);
        if (!key) continue;
        const { secret } = await this.client.revealKey(key.id);
        for (const target of targets) {
          const value = valueOf(target, secret);
          if (value !== undefined) variables.set(target.path, value);
        }
      }
    }
    return variables;
  }

  private async newestActiveKey(serviceId: string, environment: 'test'): Promise<KeyView | undefined> {
    const { items } = await this.client.listKeys({ serviceId, environment, status: 'active', sort: 'createdAt', order: 'desc' });
    return items.find((key) => key.retrievable && key.environment !== 'production');
  }

  dispose(): void {
    this.generation += 1;
    this.collection.clear();
  }
}

function isDotenvTarget(target: InjectTarget): boolean {
  const name = path.basename(target.file);
  return target.format === 'env' || (target.format === undefined && (name === '.env' || name.startsWith('.env.') || name.endsWith('.env')));
}

function valueOf(target: InjectTarget, secret: SecretMaterial): string | undefined {
  if (target.value === 'reference') return secret.reference;
  if (target.value === 'authorization') return secret.authorization;
  return secret.secret;
}
