// Entry point: wiring only. Everything created here goes into context.subscriptions; the returned
// API gives extension-host tests the same objects the commands use.
import * as vscode from 'vscode';
import { DaemonClient } from './client';
import type { CommandContext } from './commands/commandContext';
import { COMMAND_IDS, registerCommands } from './commands/index';
import { AUDIT_SCHEME, AuditDocuments } from './commands/openAudit';
import { readSettings } from './config';
import { DaemonProcess } from './daemonProcess';
import type { DocumentKeys } from './editor/documentKeys';
import { GraceWatch } from './editor/graceWatch';
import { registerRegenerateAndRewrite } from './editor/regenerateAndRewrite';
import { SecretRewriter } from './editor/secretRewriter';
import type { SecretCloak } from './editor/secretCloak';
import { registerEditorFeatures } from './editor/index';
import { WorkspaceScan } from './editor/workspaceScan';
import { PREVIEW_SCHEME, PreviewDocuments } from './inject/previewDocuments';
import { Log } from './log';
import { DaemonStatusBar } from './statusBar';
import { TeamIdentity } from './team/teamIdentity';
import { TerminalEnv } from './terminalEnv';
import { isFilterActive } from './tree/keyFilter';
import { KeyTreeProvider } from './tree/keyTreeProvider';
import { ClipboardGuard } from './webviews/clipboardGuard';
import { DetailsPanel } from './webviews/detailsPanel';
import { GeneratePanel } from './webviews/generatePanel';
import { RevealPanel } from './webviews/revealPanel';

export interface KeysmithApi {
  client: DaemonClient;
  keyTree: KeyTreeProvider;
  daemon: DaemonProcess;
  statusBar: DaemonStatusBar;
  log: Log;
  clipboard: ClipboardGuard;
  /** The keys found in open files (Problems panel, hovers, CodeLenses read it). */
  editorKeys: DocumentKeys;
  /** Which ranges are cloaked in each visible file (tests read it; a user sees the decoration). */
  cloak: SecretCloak;
  /** Previews and applies the rewrites of old secrets (tests read what it offers). */
  rewriter: SecretRewriter;
  commands: readonly string[];
  /** The open panels, if any (tests drive them through `receive`, as their webview would). */
  panels: () => { generate?: GeneratePanel; reveal?: RevealPanel; details?: DetailsPanel };
  /** The store and member the daemon acts as, the role's capabilities and the context keys set from them. */
  team: TeamIdentity;
  /** The terminals' Keysmith variables (keysmith.terminalEnv.enabled). */
  terminalEnv: TerminalEnv;
  /** Settles once the first connect (or auto-start) attempt is over. */
  ready: Promise<void>;
}

export function activate(context: vscode.ExtensionContext): KeysmithApi {
  const log = new Log();
  const daemon = new DaemonProcess({ daemonScript: context.asAbsolutePath('dist/daemon.js'), settings: readSettings, log });
  const client = new DaemonClient(daemon);
  const team = new TeamIdentity(client, log);
  const keyTree = new KeyTreeProvider(client, readSettings, log, team);
  const treeView = vscode.window.createTreeView('keysmith.keys', { treeDataProvider: keyTree, showCollapseAll: true });
  const statusBar = new DaemonStatusBar(daemon, team);
  const clipboard = new ClipboardGuard(() => readSettings().clipboardClearSeconds);
  const previews = new PreviewDocuments();
  const editor = registerEditorFeatures(client, log, () => readSettings().expiryWarningDays, team);
  const terminalEnv = new TerminalEnv(context.environmentVariableCollection, client, log, () => readSettings().terminalEnvEnabled);
  const mappingsWatcher = vscode.workspace.createFileSystemWatcher('**/.vscode/keysmith.json');
  const workspaceScan = new WorkspaceScan(client, () => readSettings().expiryWarningDays);
  const rewriter = new SecretRewriter(previews);
  const keysChanged = () => {
    keyTree.refresh();
    void DetailsPanel.current?.reload();
    editor.model.invalidate();
    void terminalEnv.refresh();
  };
  const graceWatch = new GraceWatch(client, log, keysChanged);
  const ctx: CommandContext = {
    client,
    daemon,
    keyTree,
    log,
    clipboard,
    previews,
    workspaceScan,
    cloak: editor.cloak,
    rewriter,
    graceWatch,
    team,
    extensionUri: context.extensionUri,
    settings: readSettings,
    keysChanged,
  };

  const setContext = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
  setContext('keysmith.daemonState', daemon.state);
  setContext('keysmith.filterActive', false);

  context.subscriptions.push(
    log,
    daemon,
    { dispose: () => client.dispose() },
    team,
    keyTree,
    treeView,
    statusBar,
    clipboard,
    previews,
    workspaceScan,
    rewriter,
    graceWatch,
    registerRegenerateAndRewrite(ctx),
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    vscode.workspace.registerTextDocumentContentProvider(AUDIT_SCHEME, new AuditDocuments(ctx)),
    ...registerCommands(ctx),
    ...editor.disposables,
    terminalEnv,
    mappingsWatcher,
    // The mappings name each file's environment: the terminals' variables and the editor's problems follow.
    ...[mappingsWatcher.onDidChange, mappingsWatcher.onDidCreate, mappingsWatcher.onDidDelete].map((event) =>
      event(() => {
        void terminalEnv.refresh();
        editor.model.invalidate();
      }),
    ),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void terminalEnv.refresh()),
    daemon.onDidChangeState((state) => {
      setContext('keysmith.daemonState', state);
      // Back from a loss (or first connection): whatever the tree showed may be stale, and the daemon
      // that answers now may act as another member: rows are drawn once the member is known (a change
      // of member refreshes the tree through team.onDidChange below).
      if (state === 'connected') void team.refresh().then((changed) => changed || keyTree.refresh());
      if (state === 'unreachable') keyTree.refresh();
      if (state === 'connected' || state === 'unreachable') {
        editor.model.invalidate();
        void terminalEnv.refresh();
      }
    }),
    // Another member or role: rows' own/others marks, the filter's "me", the details panel's buttons.
    team.onDidChange(() => {
      keyTree.refresh();
      editor.model.invalidate();
      treeView.description = keyTree.describeFilter();
      void DetailsPanel.current?.reload();
    }),
    keyTree.onDidChangeFilter((filter) => {
      treeView.description = keyTree.describeFilter();
      setContext('keysmith.filterActive', isFilterActive(filter));
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('keysmith.terminalEnv.enabled')) void terminalEnv.refresh();
      if (e.affectsConfiguration('keysmith.dataDir')) void daemon.connect();
      else if (e.affectsConfiguration('keysmith.expiryWarningDays')) {
        keyTree.refresh();
        editor.diagnostics.updateAll();
      }
    }),
  );

  const ready = daemon.connect().catch((error: unknown) => {
    log.error(`Could not connect to the daemon: ${error instanceof Error ? error.message : String(error)}`);
  });
  const panels = () => ({ generate: GeneratePanel.current, reveal: RevealPanel.current, details: DetailsPanel.current });
  return {
    client,
    keyTree,
    daemon,
    statusBar,
    log,
    clipboard,
    editorKeys: editor.model,
    cloak: editor.cloak,
    rewriter,
    terminalEnv,
    team,
    commands: COMMAND_IDS,
    panels,
    ready,
  };
}

export function deactivate(): void {
  // The daemon is shared with other windows and scripts: it keeps running.
}
