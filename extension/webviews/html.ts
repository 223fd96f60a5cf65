// The HTML shell of every Keysmith webview: strict CSP with a per-load nonce, only our bundled
// script and CSS, codicons for icons. Bodies are built by the per-view template functions.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ViewName } from './protocol';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  };
}

export function renderPage(webview: vscode.Webview, extensionUri: vscode.Uri, view: ViewName, title: string, body: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
  // Lit components style themselves with constructable stylesheets, which CSP does not govern;
  // vscode-icon adds a <link> to the codicon CSS, hence style-src for our own origin.
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('media', 'codicons', 'codicon.css')}" id="vscode-codicon-stylesheet" nonce="${nonce}">
<link rel="stylesheet" href="${asset('media', 'webview.css')}" nonce="${nonce}">
<title>${escapeHtml(title)}</title>
</head>
<body data-view="${view}">
${body}
<script type="module" nonce="${nonce}" src="${asset('dist', 'webview', 'main.js')}"></script>
</body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `t` for templates: localised and HTML-escaped. */
export function th(message: string, ...args: Array<string | number>): string {
  return escapeHtml(vscode.l10n.t(message, ...args));
}

export function panelIcon(extensionUri: vscode.Uri): { light: vscode.Uri; dark: vscode.Uri } {
  return {
    light: vscode.Uri.joinPath(extensionUri, 'resources', 'key-light.svg'),
    dark: vscode.Uri.joinPath(extensionUri, 'resources', 'key-dark.svg'),
  };
}
