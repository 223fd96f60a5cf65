// Hovering a key in a file shows what the tree's tooltip shows (name, service, environment, state,
// dates, last use, masked value; never the secret) and links to Details and Regenerate.
import * as vscode from 'vscode';
import { displayState, escapeMarkdown, keyTooltip } from '../tree/keyPresentation';
import type { DocumentKeys } from './documentKeys';
import type { KeyRightsSource } from '../team/teamIdentity';

/** The only commands a hover's links may run (the Markdown is otherwise untrusted). */
const LINK_COMMANDS = ['keysmith.showKeyDetails', 'keysmith.regenerateKey'];

export class KeyHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly model: DocumentKeys,
    private readonly warningDays: () => number,
    private readonly rights: KeyRightsSource,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const key = this.model.get(document)?.keys.find((candidate) => candidate.range.contains(position));
    if (!key) return undefined;
    if (!key.view) {
      const md = new vscode.MarkdownString(
        vscode.l10n.t(
          '**Keysmith key not in this store** ({0}, {1})',
          escapeMarkdown(key.found.prefix),
          `\\*\\*\\*\\*${escapeMarkdown(key.found.hint)}`,
        ),
      );
      return new vscode.Hover(md, key.range);
    }
    const view = key.view;
    const md = keyTooltip(view, key.service, displayState(view, this.warningDays()));
    const link = (command: string, label: string) =>
      `[${escapeMarkdown(label)}](command:${command}?${encodeURIComponent(JSON.stringify([view.id]))})`;
    const links = [link('keysmith.showKeyDetails', vscode.l10n.t('Details'))];
    if (view.state !== 'revoked' && this.rights.rightsOn(view).manage)
      links.push(link('keysmith.regenerateKey', vscode.l10n.t('Regenerate')));
    md.appendMarkdown(`\n${links.join(' · ')}`);
    md.isTrusted = { enabledCommands: LINK_COMMANDS };
    return new vscode.Hover(md, key.range);
  }
}
