// Entry of every Keysmith webview (bundled to dist/webview/main.js). Registers the
// @vscode-elements components the pages use, then starts the view named by <body data-view>.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox-group/index.js';
import '@vscode-elements/elements/dist/vscode-form-group/index.js';
import '@vscode-elements/elements/dist/vscode-form-helper/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { startDetailsView } from './detailsView';
import { startGenerateView } from './generateView';
import { startRevealView } from './revealView';

const views: Record<string, () => void> = {
  generate: startGenerateView,
  reveal: startRevealView,
  details: startDetailsView,
};

views[document.body.dataset.view ?? '']?.();
