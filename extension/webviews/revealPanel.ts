// The one-time reveal panel shown after generate, regenerate or reveal. It holds the secret in
// memory only while open: closing it drops the secret. Copies of the secret go through the
// ClipboardGuard, which clears the clipboard after the configured delay.
import * as vscode from 'vscode';
import type { InjectResult, KeyView, SecretMaterial } from '../../daemon/protocol';
import type { CommandContext } from '../commands/commandContext';
import { reportError } from '../commands/runCommand';
import { offerGitignore } from '../inject/gitignoreOffer';
import { runInjectFlow } from '../inject/injectFlow';
import { panelIcon, renderPage, webviewOptions } from './html';
import { PanelBase } from './panelBase';
import type { CopyWhat, FromWebview } from './protocol';
import { revealBody } from './templates/revealTemplate';

export interface RevealMaterial {
  key: KeyView;
  secret: SecretMaterial;
  injected?: InjectResult[];
}

export class RevealPanel extends PanelBase {
  static readonly viewType = 'keysmith.reveal';
  static current: RevealPanel | undefined;
  private material: RevealMaterial | undefined;

  /** Shows new secret material, replacing (and dropping) whatever an open reveal panel held. */
  static createOrShow(ctx: CommandContext, material: RevealMaterial): RevealPanel {
    RevealPanel.current?.dispose();
    const panel = vscode.window.createWebviewPanel(
      RevealPanel.viewType,
      vscode.l10n.t('Key "{0}"', material.key.name),
      vscode.ViewColumn.Active,
      webviewOptions(ctx.extensionUri),
    );
    RevealPanel.current = new RevealPanel(panel, ctx, material);
    // Generate and regenerate write into the first workspace folder's files (see firstWorkspaceFolder).
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (folder && material.injected) void offerGitignore(folder, material.injected, ctx.log);
    return RevealPanel.current;
  }

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly ctx: CommandContext,
    material: RevealMaterial,
  ) {
    super(panel, 'reveal', ctx.log);
    this.material = material;
    panel.iconPath = panelIcon(ctx.extensionUri);
    panel.webview.html = renderPage(panel.webview, ctx.extensionUri, 'reveal', vscode.l10n.t('Key "{0}"', material.key.name), revealBody());
  }

  /** Whether the panel still holds a secret (false once closed). */
  get holdsSecret(): boolean {
    return this.material !== undefined;
  }

  get keyId(): string | undefined {
    return this.material?.key.id;
  }

  protected async onMessage(message: FromWebview): Promise<void> {
    const material = this.material;
    if (!material) return;
    switch (message.type) {
      case 'ready':
        return this.sendInit(material);
      case 'reveal/copy':
        return this.copy(material, message.what);
      case 'reveal/writeConfig':
        await runInjectFlow(this.ctx, this.ctx.previews, material.key, { secret: material.secret.secret }).catch((e: unknown) =>
          reportError(this.ctx, 'keysmith.injectKey', e),
        );
        return;
    }
  }

  override dispose(): void {
    this.material = undefined;
    if (RevealPanel.current === this) RevealPanel.current = undefined;
    super.dispose();
  }

  private sendInit({ key, secret, injected }: RevealMaterial): void {
    this.post({
      type: 'reveal/init',
      keyName: key.name,
      environment: key.environment,
      reference: secret.reference,
      masked: key.masked,
      secret: secret.secret,
      authorization: secret.authorization,
      shownOnce: !key.retrievable,
      injected: (injected ?? []).filter((r) => r.changed).map((r) => r.file),
    });
  }

  private async copy({ key, secret }: RevealMaterial, what: CopyWhat): Promise<void> {
    let clearSeconds = 0;
    if (what === 'reference') await this.ctx.clipboard.copyPublic(secret.reference);
    else if (what === 'secret') clearSeconds = await this.ctx.clipboard.copySecret(secret.secret);
    else if (secret.authorization) clearSeconds = await this.ctx.clipboard.copySecret(`Authorization: ${secret.authorization}`);
    else return;
    this.ctx.log.info(`Copied the ${what} of key ${key.id} from the reveal panel.`);
    this.post({ type: 'reveal/copied', what, clearSeconds });
  }
}
