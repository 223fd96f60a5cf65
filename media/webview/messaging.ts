// The webview side of the typed protocol (extension/webviews/protocol.ts). The VS Code API object
// can be acquired once per page, so it lives here. Nothing in these scripts calls setState: the
// reveal panel's secret must never reach persisted webview state.
import type { FromWebview, ToWebview } from '../../extension/webviews/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let counter = 0;

export function post(message: FromWebview): void {
  vscode.postMessage(message);
}

export function newRequestId(): string {
  counter += 1;
  return `r${Date.now().toString(36)}-${counter}`;
}

export function onHostMessage(handler: (message: ToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data as { type?: unknown } | null;
    if (data && typeof data === 'object' && typeof data.type === 'string') handler(data as ToWebview);
  });
}
