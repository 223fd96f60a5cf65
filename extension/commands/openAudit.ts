// keysmith.openAudit: the audit log (of one key when run from its row) as a read-only document.
import * as vscode from 'vscode';
import type { AuditEvent } from '../../daemon/protocol';
import { isKeyNode } from '../tree/nodes';
import type { CommandContext } from './commandContext';

export const AUDIT_SCHEME = 'keysmith-audit';
const LIMIT = 500;

export function openAudit(_ctx: CommandContext) {
  return async (arg?: unknown): Promise<vscode.TextDocument> => {
    const keyId = isKeyNode(arg) ? arg.key.id : typeof arg === 'string' ? arg : undefined;
    const uri = vscode.Uri.from({
      scheme: AUDIT_SCHEME,
      path: keyId ? `/Audit ${keyId}.md` : '/Audit log.md',
      query: keyId ? `keyId=${encodeURIComponent(keyId)}&t=${Date.now()}` : `t=${Date.now()}`,
    });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  };
}

/** Renders audit documents on demand from the daemon, so they are always current. */
export class AuditDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly ctx: CommandContext) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const keyId = new URLSearchParams(uri.query).get('keyId') ?? undefined;
    const { items } = await this.ctx.client.listAudit({ keyId, limit: LIMIT });
    return renderAudit(items, keyId);
  }
}

export function renderAudit(events: readonly AuditEvent[], keyId?: string): string {
  const title = keyId ? vscode.l10n.t('Keysmith audit log of key {0}', keyId) : vscode.l10n.t('Keysmith audit log');
  const header = `| ${vscode.l10n.t('When')} | ${vscode.l10n.t('Who')} | ${vscode.l10n.t('Action')} | ${vscode.l10n.t('Key')} | ${vscode.l10n.t('Details')} |\n|---|---|---|---|---|`;
  const rows = events.map(
    (e) =>
      `| ${e.at} | ${cell(e.actor)} | ${cell(e.action)} | ${cell(e.keyId ?? '')} | ${cell(e.details ? JSON.stringify(e.details) : '')} |`,
  );
  const empty = events.length ? '' : `\n${vscode.l10n.t('No events yet.')}\n`;
  return `# ${title}\n\n${header}\n${rows.join('\n')}\n${empty}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
