// "Key details": every field of one key, the editable ones editable, the actions as buttons (which
// run the same commands as the tree, with the same confirmations), and recent audit events.
import * as vscode from 'vscode';
import type { KeyPatch } from '../../daemon/protocol';
import type { CommandContext } from '../commands/commandContext';
import { toIsoDate } from '../commands/editKey';
import { DaemonError } from '../daemonErrors';
import { detailsLayout } from './detailsLayout';
import { panelIcon, renderPage, webviewOptions } from './html';
import { PanelBase } from './panelBase';
import type { DetailAction, DetailsLayout, FromWebview } from './protocol';
import { detailsBody } from './templates/detailsTemplate';

const AUDIT_LIMIT = 20;

const COMMAND_OF: Record<Exclude<DetailAction, 'copyEndpoint'>, string> = {
  copyReference: 'keysmith.copyReference',
  copyAuthorization: 'keysmith.copyAuthorization',
  reveal: 'keysmith.revealKey',
  deactivate: 'keysmith.deactivateKey',
  reactivate: 'keysmith.reactivateKey',
  regenerate: 'keysmith.regenerateKey',
  revoke: 'keysmith.revokeKey',
  delete: 'keysmith.deleteKey',
  inject: 'keysmith.injectKey',
  audit: 'keysmith.openAudit',
};

export class DetailsPanel extends PanelBase {
  static readonly viewType = 'keysmith.details';
  static current: DetailsPanel | undefined;
  /** What the page was last told it may offer; anything else it sends is refused. */
  private layout: DetailsLayout | undefined;

  static createOrShow(ctx: CommandContext, keyId: string): DetailsPanel {
    const open = DetailsPanel.current;
    if (open && !open.isDisposed) {
      open.keyId = keyId;
      open.panel.reveal();
      void open.reload();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      DetailsPanel.viewType,
      vscode.l10n.t('Key Details'),
      vscode.ViewColumn.Active,
      webviewOptions(ctx.extensionUri),
    );
    DetailsPanel.current = new DetailsPanel(panel, ctx, keyId);
    return DetailsPanel.current;
  }

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly ctx: CommandContext,
    public keyId: string,
  ) {
    super(panel, 'details', ctx.log);
    panel.iconPath = panelIcon(ctx.extensionUri);
    panel.webview.html = renderPage(panel.webview, ctx.extensionUri, 'details', vscode.l10n.t('Key Details'), detailsBody());
  }

  /** Sends the key's current fields and audit events; closes the panel if the key is gone. */
  async reload(): Promise<void> {
    try {
      const [key, services, audit] = await Promise.all([
        this.ctx.client.getKey(this.keyId),
        this.ctx.client.listServices(),
        // A role that may not read the audit log would only get a refusal.
        this.ctx.team.capabilities.readAudit
          ? this.ctx.client.listAudit({ keyId: this.keyId, limit: AUDIT_LIMIT })
          : Promise.resolve({ items: [] }),
      ]);
      const service = services.find((s) => s.id === key.serviceId);
      this.panel.title = vscode.l10n.t('Details of "{0}"', key.name);
      this.layout = detailsLayout(key, service, this.ctx.team.rightsOn(key));
      this.post({
        type: 'details/init',
        key,
        serviceName: service?.name ?? key.serviceId,
        offeredPermissions: service?.permissions ?? [],
        layout: this.layout,
        audit: audit.items,
      });
    } catch (error) {
      if (error instanceof DaemonError && error.status === 404) this.dispose();
      else
        this.log.warn(`Could not load key ${this.keyId} into the details panel: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  protected async onMessage(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.reload();
      case 'details/save':
        return this.save(message.requestId, message.patch);
      case 'details/action':
        return this.act(message.requestId, message.action);
    }
  }

  override dispose(): void {
    if (DetailsPanel.current === this) DetailsPanel.current = undefined;
    super.dispose();
  }

  private async act(requestId: string, action: DetailAction): Promise<void> {
    // Normally the page's `ready` loaded the layout already; a message that overtakes it loads it here.
    if (!this.layout) await this.reload();
    if (!this.layout?.actions.includes(action)) {
      this.log.warn(`Ignored "${action}" from the details panel of key ${this.keyId}: the panel does not offer it for this key.`);
      this.post({ type: 'details/result', requestId, ok: false, message: vscode.l10n.t('This action is not available for this key.') });
      return;
    }
    if (action === 'copyEndpoint') {
      // An endpoint is no secret: no clipboard clearing.
      await vscode.env.clipboard.writeText(this.layout.endpoint ?? '');
      this.post({ type: 'details/result', requestId, ok: true });
      return;
    }
    await vscode.commands.executeCommand(COMMAND_OF[action], this.keyId);
    this.post({ type: 'details/result', requestId, ok: true });
    if (!this.isDisposed) await this.reload();
  }

  private async save(requestId: string, patch: KeyPatch): Promise<void> {
    if (!this.layout) await this.reload();
    if (!this.layout?.editable) {
      this.post({
        type: 'details/result',
        requestId,
        ok: false,
        message: vscode.l10n.t('This key is revoked, which is final: it can no longer be changed.'),
      });
      return;
    }
    const fieldErrors: Record<string, string> = {};
    const normalised: KeyPatch = { ...patch };
    for (const field of ['startsAt', 'expiresAt'] as const) {
      const value = patch[field];
      if (typeof value !== 'string') continue;
      const iso = toIsoDate(value, field === 'expiresAt');
      if (iso === false) fieldErrors[field] = vscode.l10n.t('Expected a date like 2026-12-31.');
      else if (field === 'expiresAt') normalised.expiresAt = iso ?? null;
      else normalised.startsAt = iso;
    }
    if (Object.keys(fieldErrors).length) {
      this.post({ type: 'details/result', requestId, ok: false, message: vscode.l10n.t('Check the highlighted fields.'), fieldErrors });
      return;
    }
    try {
      await this.ctx.client.updateKey(this.keyId, normalised);
      this.ctx.log.info(`Edited key ${this.keyId} from the details panel.`);
      this.post({ type: 'details/result', requestId, ok: true });
      this.ctx.keysChanged();
    } catch (error) {
      const fields = error instanceof DaemonError ? error.fieldErrors() : {};
      const message = error instanceof Error ? error.message : String(error);
      this.post({ type: 'details/result', requestId, ok: false, message, fieldErrors: fields });
    }
  }
}
