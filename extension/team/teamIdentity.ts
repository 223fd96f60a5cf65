// Who the extension acts as: the store the daemon runs on and the member it acts as, from the daemon's
// health answer on its admin socket. Read again at each connection (another daemon, another store or
// member may answer now); sets the `keysmith.can.*` context keys the menus read, from the role.
import * as vscode from 'vscode';
import type { MemberIdentity } from '../../daemon/protocol';
import type { DaemonClient } from '../client';
import type { Log } from '../log';
import { capabilitiesOf, capabilityContextKeys, keyRights, type KeyRights, type RoleCapabilities } from './roleCapabilities';

export const EMBEDDED_STORE = 'embedded';

/** What the member may do with a key: the editor's lenses, hovers and quick fixes offer only that. */
export type KeyRightsSource = Pick<TeamIdentity, 'rightsOn'>;

export class TeamIdentity implements vscode.Disposable {
  private currentStore: string | undefined;
  private currentMember: MemberIdentity | undefined;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires when the store or the member (name or role) changed. */
  readonly onDidChange = this.changeEmitter.event;
  /** The context keys as last set, for tests: VS Code has no API to read a context key back. */
  contextKeys: Record<string, boolean> = {};

  constructor(
    private readonly client: DaemonClient,
    private readonly log: Log,
  ) {
    this.applyContextKeys();
  }

  /** `embedded` or `postgres://host:port/db`, once the daemon said so. */
  get store(): string | undefined {
    return this.currentStore;
  }

  get member(): MemberIdentity | undefined {
    return this.currentMember;
  }

  get capabilities(): Readonly<RoleCapabilities> {
    return capabilitiesOf(this.currentMember);
  }

  /** What the member may do with this key. */
  rightsOn(key: Parameters<typeof keyRights>[2]): KeyRights {
    return keyRights(this.capabilities, this.currentMember?.name, key);
  }

  /** Asks the daemon again; keeps what it knew when the daemon does not answer. True when something changed (onDidChange fired). */
  async refresh(): Promise<boolean> {
    let store: string | undefined;
    let member: MemberIdentity | undefined;
    try {
      ({ store, member } = await this.client.health());
    } catch (error) {
      this.log.warn(`Could not read the store and member from the daemon: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    // A daemon older than team stores names neither: it is an embedded store's owner.
    const changed = store !== this.currentStore || member?.name !== this.currentMember?.name || member?.role !== this.currentMember?.role;
    this.currentStore = store;
    this.currentMember = member && { name: member.name, role: member.role };
    if (!changed) return false;
    if (member) this.log.info(`Acting as ${member.name} (${member.role}) on the ${store ?? EMBEDDED_STORE} store.`);
    this.applyContextKeys();
    this.changeEmitter.fire();
    return true;
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  private applyContextKeys(): void {
    this.contextKeys = capabilityContextKeys(this.capabilities);
    for (const [key, value] of Object.entries(this.contextKeys)) void vscode.commands.executeCommand('setContext', key, value);
  }
}
