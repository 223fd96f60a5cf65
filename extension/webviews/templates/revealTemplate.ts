// Markup of the one-time reveal panel. The secret itself is never in this HTML: it arrives once by
// message and lives only in a script variable (media/webview/revealView.ts).
import { th } from '../html';

function valueRow(id: string, label: string, extraButtons: string): string {
  return `<div class="value-row">
  <vscode-label>${label}</vscode-label>
  <div class="value-line">
    <code class="value" data-testid="${id}" id="${id}"></code>
    ${extraButtons}
  </div>
</div>`;
}

const copyButton = (id: string, label: string) =>
  `<vscode-button secondary icon="copy" data-testid="copy-${id}" id="copy-${id}" title="${label}">${th('Copy')}</vscode-button>`;

export function revealBody(): string {
  return `<main class="page">
<h1 id="title"></h1>
<p class="warning" role="alert" data-testid="warning-once" id="warning-once" hidden>
  <span class="codicon codicon-warning"></span>
  ${th('This is a production key: its secret is shown now and never again. Copy it or write it into your config files before closing this panel.')}
</p>
<p class="note" id="retrievable-note" hidden>${th('Test key: you can reveal its secret again from the key list.')}</p>
${valueRow('reference', th('Reference'), copyButton('reference', th('Copy the reference')))}
${valueRow('secret', th('Secret'), `<vscode-button secondary icon="eye" data-testid="toggle-secret" id="toggle-secret" aria-pressed="false">${th('Show')}</vscode-button>${copyButton('secret', th('Copy the secret'))}`)}
<div id="authorization-row">
${valueRow('authorization', th('Authorization header'), copyButton('authorization', th('Copy the Authorization header')))}
</div>
<div class="actions">
  <vscode-button icon="go-to-file" data-testid="write-config" id="write-config">${th('Write into config files')}</vscode-button>
</div>
<p class="note" data-testid="injected" id="injected" hidden></p>
<p class="note" data-testid="clipboard-note" id="clipboard-note" role="status"></p>
<div id="strings" hidden
  data-title="${th('Key "{0}"', '{0}')}"
  data-show="${th('Show')}"
  data-hide="${th('Hide')}"
  data-injected="${th('Written into: {0}', '{0}')}"
  data-copied="${th('Copied.')}"
  data-copied-cleared="${th('Copied; the clipboard is cleared in {0} s.', '{0}')}"></div>
</main>`;
}
