// The Keysmith keys in each open file, found locally (common/keyRecognition) and named by the daemon
// through their hashes (POST /v1/keys/lookup): no secret leaves the editor. Diagnostics, hovers and
// CodeLenses all read this one model and redraw when it fires.
import * as vscode from 'vscode';
import { recognizeKeys, type RecognizedKey } from '../../common/keyRecognition';
import type { KeyView, Service } from '../../daemon/protocol';
import type { DaemonClient } from '../client';
import type { Log } from '../log';
import { gitPlaceOf, type FileGitPlace } from './gitPlace';
import { mappedEnvironmentsOf, type MappedEnvironments } from './mappedEnvironments';

export interface DocumentKey {
  range: vscode.Range;
  found: RecognizedKey;
  /** The stored key; undefined for a key this store does not know (or when the daemon did not answer). */
  view?: KeyView;
  service?: Service;
}

export interface DocumentKeysEntry {
  version: number;
  keys: DocumentKey[];
  git: FileGitPlace;
  /** The environments `.vscode/keysmith.json` maps into this file, per service (empty when unmapped). */
  mapped: MappedEnvironments;
  /** False when the daemon could not be asked: unknown keys are then not reported as unknown. */
  daemonAnswered: boolean;
}

/** Typing pauses this long before a changed document is scanned again. */
const EDIT_DEBOUNCE_MS = 150;

export class DocumentKeys implements vscode.Disposable {
  private readonly entries = new Map<string, DocumentKeysEntry>();
  private readonly views = new Map<string, KeyView | null>();
  private services: Promise<Service[]> | undefined;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly tickets = new Map<string, number>();
  private readonly latestScans = new Map<string, Promise<void>>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly subscriptions: vscode.Disposable[];
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly client: DaemonClient,
    private readonly log: Log,
  ) {
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidOpenTextDocument((document) => void this.refresh(document)),
      vscode.workspace.onDidSaveTextDocument((document) => void this.refresh(document)),
      vscode.workspace.onDidChangeTextDocument((event) => this.refreshSoon(event.document)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.entries.delete(document.uri.toString());
        this.latestScans.delete(document.uri.toString());
        this.changed.fire(document.uri);
      }),
    ];
    for (const document of vscode.workspace.textDocuments) void this.refresh(document);
  }

  get(document: vscode.TextDocument): DocumentKeysEntry | undefined {
    return this.entries.get(document.uri.toString());
  }

  /** Keys changed in the store (or the daemon came back): ask again for every open file. */
  invalidate(): void {
    this.views.clear();
    this.services = undefined;
    for (const document of vscode.workspace.textDocuments) void this.refresh(document);
  }

  /** Scans `document` now and resolves once the model (and so every view of it) is up to date. */
  refresh(document: vscode.TextDocument): Promise<void> {
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return Promise.resolve();
    const id = document.uri.toString();
    const ticket = (this.tickets.get(id) ?? 0) + 1;
    this.tickets.set(id, ticket);
    const scan = this.scan(document, id, ticket);
    this.latestScans.set(id, scan);
    return scan;
  }

  private async scan(document: vscode.TextDocument, id: string, ticket: number): Promise<void> {
    const version = document.version;
    const found = recognizeKeys(document.getText());
    const daemonAnswered = await this.resolveViews(found.map((key) => key.hash));
    const services = daemonAnswered && found.length > 0 ? await this.serviceList() : [];
    const onDisk = document.uri.scheme === 'file' && found.length > 0;
    const git = onDisk ? await gitPlaceOf(document.uri.fsPath) : 'outside';
    const mapped = onDisk ? await mappedEnvironmentsOf(document.uri.fsPath) : new Map();
    // Scans of one document may finish out of order (a store change, a mapping change and an edit each
    // start one): only the latest may write, and an older one resolves when that latest one does.
    if (this.tickets.get(id) !== ticket) return this.latestScans.get(id);
    if (document.isClosed || document.version !== version) return; // a newer scan is on its way
    const keys = found.map((key): DocumentKey => {
      const view = this.views.get(key.hash) ?? undefined;
      return {
        range: new vscode.Range(document.positionAt(key.start), document.positionAt(key.end)),
        found: key,
        view,
        service: services.find((service) => service.id === view?.serviceId),
      };
    });
    this.entries.set(id, { version, keys, git, mapped, daemonAnswered });
    this.changed.fire(document.uri);
  }

  private refreshSoon(document: vscode.TextDocument): void {
    const id = document.uri.toString();
    clearTimeout(this.timers.get(id));
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        void this.refresh(document);
      }, EDIT_DEBOUNCE_MS),
    );
  }

  /** Fills the hash -> view cache for hashes not asked yet; false when the daemon could not answer. */
  private async resolveViews(hashes: readonly string[]): Promise<boolean> {
    const missing = [...new Set(hashes)].filter((hash) => !this.views.has(hash));
    if (missing.length === 0) return true;
    try {
      const items = await this.client.lookupKeys(missing);
      for (const hash of missing) this.views.set(hash, null);
      for (const { hash, key } of items) this.views.set(hash, key);
      return true;
    } catch (error) {
      this.log.error(`Could not look up the keys found in an editor: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  private async serviceList(): Promise<Service[]> {
    this.services ??= this.client.listServices().catch(() => []);
    return this.services;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
