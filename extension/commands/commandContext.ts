// What every command needs, handed over once by extension.ts instead of each command reaching
// for globals. Tests get the same objects through the API activate() returns.
import type * as vscode from 'vscode';
import type { DaemonClient } from '../client';
import type { KeysmithSettings } from '../config';
import type { DaemonProcess } from '../daemonProcess';
import type { GraceWatch } from '../editor/graceWatch';
import type { SecretCloak } from '../editor/secretCloak';
import type { SecretRewriter } from '../editor/secretRewriter';
import type { WorkspaceScan } from '../editor/workspaceScan';
import type { PreviewDocuments } from '../inject/previewDocuments';
import type { Log } from '../log';
import type { TeamIdentity } from '../team/teamIdentity';
import type { KeyTreeProvider } from '../tree/keyTreeProvider';
import type { ClipboardGuard } from '../webviews/clipboardGuard';

export interface CommandContext {
  readonly client: DaemonClient;
  readonly daemon: DaemonProcess;
  readonly keyTree: KeyTreeProvider;
  readonly log: Log;
  readonly clipboard: ClipboardGuard;
  readonly previews: PreviewDocuments;
  /** keysmith.scanWorkspace's scanner and its Problems-panel entries. */
  readonly workspaceScan: WorkspaceScan;
  /** Hides keys in config files; keysmith.toggleCloak flips it. */
  readonly cloak: SecretCloak;
  /** Rewrites old secrets in workspace files after a diff preview (rotation and revocation follow the key). */
  readonly rewriter: SecretRewriter;
  /** Warns when a grace period ends while a workspace file still holds the old secret. */
  readonly graceWatch: GraceWatch;
  /** The store and the member the daemon acts as, and what the member's role may do. */
  readonly team: TeamIdentity;
  readonly extensionUri: vscode.Uri;
  readonly settings: () => KeysmithSettings;
  /** Tells every view that keys changed (tree, open details panel). */
  keysChanged(): void;
}
