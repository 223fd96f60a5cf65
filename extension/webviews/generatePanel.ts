// The "Generate key" form. The webview posts `key/generate`; the host calls the daemon and either
// opens the one-time reveal panel or sends the daemon's field errors back to show inline.
import * as vscode from 'vscode';
import type { KeyCreate, KeyView, Service } from '../../daemon/protocol';
import { toIsoDate } from '../commands/editKey';
import type { CommandContext } from '../commands/commandContext';
import { Cancelled } from '../commands/runCommand';
import { DaemonError, DaemonUnavailableError } from '../daemonErrors';
import { InvalidMappingsError, readMappings, showInvalidMappings } from '../inject/mappings';
import { confirmIfTrackedByGit, firstWorkspaceFolder } from '../inject/trackedByGit';
import { panelIcon, renderPage, webviewOptions } from './html';
import { PanelBase } from './panelBase';
import type { FromWebview, GenerateForm } from './protocol';
import { RevealPanel } from './revealPanel';
import { generateBody } from './templates/generateTemplate';

export class GeneratePanel extends PanelBase {
  static readonly viewType = 'keysmith.generate';
  static current: GeneratePanel | undefined;
  /** The key this form generated, once it did (for tests; never the secret). */
  generated: KeyView | undefined;
  /** Set while the catalogue could not be sent (daemon not up yet): sent as soon as it connects. */
  private initPending = false;

  static createOrShow(ctx: CommandContext): GeneratePanel {
    if (GeneratePanel.current && !GeneratePanel.current.isDisposed) {
      GeneratePanel.current.panel.reveal();
      return GeneratePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      GeneratePanel.viewType,
      vscode.l10n.t('Generate Key'),
      vscode.ViewColumn.Active,
      webviewOptions(ctx.extensionUri),
    );
    GeneratePanel.current = new GeneratePanel(panel, ctx);
    return GeneratePanel.current;
  }

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly ctx: CommandContext,
  ) {
    super(panel, 'generate', ctx.log);
    panel.iconPath = panelIcon(ctx.extensionUri);
    panel.webview.html = renderPage(panel.webview, ctx.extensionUri, 'generate', vscode.l10n.t('Generate Key'), generateBody());
    // Opened first thing in a fresh window, the form may be ready before the daemon is.
    this._disposables.push(
      ctx.daemon.onDidChangeState((state) => {
        if (state === 'connected' && this.initPending) void this.sendInit();
      }),
    );
  }

  protected async onMessage(message: FromWebview): Promise<void> {
    if (message.type === 'ready') return this.sendInit();
    if (message.type === 'key/generate') return this.generate(message.requestId, message.form);
  }

  override dispose(): void {
    if (GeneratePanel.current === this) GeneratePanel.current = undefined;
    super.dispose();
  }

  private async sendInit(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    let services: Service[];
    try {
      services = await this.ctx.client.listServices();
    } catch (error) {
      this.initPending = true;
      this.log.info(`The generate form waits for the daemon: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.initPending = false;
    const mappings = folder ? await this.mappingsOrNone(folder.uri) : [];
    this.post({
      type: 'generate/init',
      services,
      defaultEnvironment: this.ctx.settings().defaultEnvironment,
      mappings,
      hasWorkspace: Boolean(folder),
    });
  }

  /** The form still opens over a broken mapping file: the user is told, and targets start empty. */
  private async mappingsOrNone(folder: vscode.Uri): Promise<Awaited<ReturnType<typeof readMappings>>> {
    try {
      return await readMappings(folder);
    } catch (error) {
      if (!(error instanceof InvalidMappingsError)) throw error;
      this.log.warn(error.message);
      void showInvalidMappings(error, 'warning');
      return [];
    }
  }

  private async generate(requestId: string, form: GenerateForm): Promise<void> {
    const dateErrors: Record<string, string> = {};
    const startsAt = toIsoDate(form.startsAt, true);
    const expiresAt = toIsoDate(form.expiresAt, true);
    if (startsAt === false) dateErrors.startsAt = vscode.l10n.t('Expected a date like 2026-12-31.');
    if (expiresAt === false) dateErrors.expiresAt = vscode.l10n.t('Expected a date like 2026-12-31.');
    if (!form.name.trim()) dateErrors.name = vscode.l10n.t('A name is required.');
    if (Object.keys(dateErrors).length) {
      this.post({ type: 'generate/error', requestId, message: vscode.l10n.t('Check the highlighted fields.'), fieldErrors: dateErrors });
      return;
    }
    const workspace = firstWorkspaceFolder();
    const body: KeyCreate = {
      serviceId: form.serviceId,
      environment: form.environment,
      name: form.name.trim(),
      ...(startsAt ? { startsAt } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      permissions: form.permissions,
      companies: form.companies,
      ipAllowList: form.ipAllowList,
      ...(workspace ? { workspace, inject: form.inject } : {}),
    };
    try {
      const created = await confirmIfTrackedByGit((force) => this.ctx.client.createKey({ ...body, force }));
      this.generated = created.key;
      this.ctx.log.info(`Generated key ${created.key.id} for ${created.key.serviceId} (${created.key.environment}) from the form.`);
      this.ctx.keysChanged();
      RevealPanel.createOrShow(this.ctx, created);
      this.dispose();
    } catch (error) {
      this.post({ type: 'generate/error', requestId, ...explain(error) });
      if (error instanceof DaemonUnavailableError) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Keysmith daemon is not running.'));
      }
    }
  }
}

function explain(error: unknown): { message: string; fieldErrors: Record<string, string> } {
  if (error instanceof Cancelled) return { message: vscode.l10n.t('Cancelled: nothing was generated.'), fieldErrors: {} };
  if (error instanceof DaemonError) {
    const fieldErrors: Record<string, string> = {};
    for (const [path, text] of Object.entries(error.fieldErrors())) {
      const field = path.split(/[.[]/)[0] || 'form';
      fieldErrors[field] = fieldErrors[field] ? `${fieldErrors[field]} ${text}` : text;
    }
    return { message: error.message, fieldErrors };
  }
  return { message: error instanceof Error ? error.message : String(error), fieldErrors: {} };
}
