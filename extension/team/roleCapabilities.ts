// What each team role may do, in the one place the extension decides it: the context keys the menus'
// `when` clauses read, the tree rows' `:own`/`:others` suffix and the details panel's buttons all come
// from here. The store enforces the same rules (a PostgreSQL team store with grants and row policies;
// the embedded store has one member, its owner): hiding an action only spares the member a refusal.
// No vscode import, so a plain unit test covers every role.
import type { Environment, MemberIdentity, MemberRole } from '../../daemon/protocol';

/** Which keys an action applies to: every key, the keys the member created, or none. */
export type KeyScope = 'any' | 'own' | 'none';

export interface RoleCapabilities {
  /** The key list and its details (a verifier's login reads only what verify needs). */
  listKeys: boolean;
  /** Generate and import keys (created in the member's own name). */
  createKeys: boolean;
  /** Rename, edit, deactivate, reactivate, regenerate, revoke, delete. */
  manageKeys: KeyScope;
  /** Reveal a retrievable secret or copy its Authorization header; `ownTest`: the member's own test keys. */
  revealSecrets: 'any' | 'ownTest' | 'none';
  /** Write a key into the workspace's config files. */
  inject: KeyScope;
  /** The audit log (an issuer's store shows it its own events only). */
  readAudit: boolean;
  /** The service catalogue: add, change, disable services. */
  manageServices: boolean;
}

export const ROLE_CAPABILITIES: Readonly<Record<MemberRole, Readonly<RoleCapabilities>>> = {
  owner: {
    listKeys: true,
    createKeys: true,
    manageKeys: 'any',
    revealSecrets: 'any',
    inject: 'any',
    readAudit: true,
    manageServices: true,
  },
  admin: {
    listKeys: true,
    createKeys: true,
    manageKeys: 'any',
    revealSecrets: 'any',
    inject: 'any',
    readAudit: true,
    manageServices: true,
  },
  // Reads every key but writes only its own; reads a sealed secret only of its own test keys.
  issuer: {
    listKeys: true,
    createKeys: true,
    manageKeys: 'own',
    revealSecrets: 'ownTest',
    inject: 'own',
    readAudit: true,
    manageServices: false,
  },
  // Reads keys and the audit log, never a secret; writes nothing.
  auditor: {
    listKeys: true,
    createKeys: false,
    manageKeys: 'none',
    revealSecrets: 'none',
    inject: 'none',
    readAudit: true,
    manageServices: false,
  },
  // Its daemon answers verify and nothing else.
  verifier: {
    listKeys: false,
    createKeys: false,
    manageKeys: 'none',
    revealSecrets: 'none',
    inject: 'none',
    readAudit: false,
    manageServices: false,
  },
};

/**
 * The context keys package.json's menus read, each a boolean. Scoped capabilities become two keys
 * (`…Any`, `…Own`): a row's menu item shows when `…Any` holds, or `…Own` holds and the row ends in `:own`.
 */
export function capabilityContextKeys(capabilities: RoleCapabilities): Record<string, boolean> {
  return {
    'keysmith.can.listKeys': capabilities.listKeys,
    'keysmith.can.createKeys': capabilities.createKeys,
    'keysmith.can.manageAnyKey': capabilities.manageKeys === 'any',
    'keysmith.can.manageOwnKeys': capabilities.manageKeys !== 'none',
    'keysmith.can.revealAny': capabilities.revealSecrets === 'any',
    'keysmith.can.revealOwnTest': capabilities.revealSecrets !== 'none',
    'keysmith.can.injectAny': capabilities.inject === 'any',
    'keysmith.can.injectOwn': capabilities.inject !== 'none',
    'keysmith.can.readAudit': capabilities.readAudit,
    'keysmith.can.manageServices': capabilities.manageServices,
  };
}

/** What the member may do with one key: the tree's menus and the details panel agree through this. */
export interface KeyRights {
  manage: boolean;
  reveal: boolean;
  inject: boolean;
  audit: boolean;
}

export function keyRights(
  capabilities: RoleCapabilities,
  memberName: string | undefined,
  key: { createdBy: string; environment: Environment },
): KeyRights {
  const own = isOwnKey(memberName, key);
  const inScope = (scope: KeyScope) => scope === 'any' || (scope === 'own' && own);
  return {
    manage: inScope(capabilities.manageKeys),
    reveal: capabilities.revealSecrets === 'any' || (capabilities.revealSecrets === 'ownTest' && own && key.environment === 'test'),
    inject: inScope(capabilities.inject),
    audit: capabilities.readAudit,
  };
}

/** Created by this member; an unknown member (no health answer yet) owns nothing. */
export function isOwnKey(memberName: string | undefined, key: { createdBy: string }): boolean {
  return memberName !== undefined && key.createdBy === memberName;
}

/**
 * The capabilities for a member as health named it. No member known (not connected yet, or a daemon
 * older than team stores, which has no roles): the embedded store's only member, the owner, which is
 * what every such daemon serves — so a single user sees exactly what the extension always showed.
 */
export function capabilitiesOf(member: MemberIdentity | undefined): Readonly<RoleCapabilities> {
  if (!member) return ROLE_CAPABILITIES.owner;
  // A role this extension does not know (a newer daemon): offer nothing rather than guess.
  return Object.hasOwn(ROLE_CAPABILITIES, member.role) ? ROLE_CAPABILITIES[member.role] : ROLE_CAPABILITIES.verifier;
}
