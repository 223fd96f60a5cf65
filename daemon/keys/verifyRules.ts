// What makes a presented key valid for a request. Pure: the caller looks the key up by hash and
// passes the clock's time; this decides. Order matters: state before dates before restrictions, so the
// code returned names the first reason a person should fix. The two halves are exported apart so the
// verify hot path can derive the state from pre-parsed dates and still apply the same rules in order.
import type { KeyState, VerifyFailure } from '../protocol';
import type { KeyRecord } from '../store/types';
import { deriveState } from './keyState';

export type VerifiableKey = Pick<
  KeyRecord,
  'status' | 'startsAt' | 'expiresAt' | 'graceUntil' | 'permissions' | 'companies' | 'ipAllowList'
>;

/** What the caller asked for: the optional fields of the verify body. */
export interface VerifyAsk {
  method?: string | undefined;
  company?: string | undefined;
  clientIp?: string | undefined;
}

export interface VerifyContext extends VerifyAsk {
  now: Date;
  /** Compiled from the key's ipAllowList (compileAllowList); asked only when the list is not empty. */
  ipAllowed: (clientIp: string) => boolean;
}

export function checkKey(key: VerifiableKey, context: VerifyContext): VerifyFailure | undefined {
  return stateFailure(deriveState(key, context.now)) ?? restrictionFailure(key, context, context.ipAllowed);
}

/** The first rule: only an active key (not revoked, inactive, scheduled or expired) can be valid. */
export function stateFailure(state: KeyState): VerifyFailure | undefined {
  switch (state) {
    case 'revoked':
      return 'REVOKED';
    case 'inactive':
      return 'INACTIVE';
    case 'scheduled':
      return 'NOT_YET_VALID';
    case 'expired':
      return 'EXPIRED';
    case 'active':
      return undefined;
  }
}

/** The restrictions an active key carries, checked after its state: method, then company, then IP. */
export function restrictionFailure(
  key: { readonly permissions: readonly string[]; readonly companies: readonly string[]; readonly ipAllowList: readonly string[] },
  ask: VerifyAsk,
  ipAllowed: (clientIp: string) => boolean,
): VerifyFailure | undefined {
  // A key without method permissions is not restricted by method; with some, an asked method must be one.
  if (ask.method !== undefined && key.permissions.length > 0 && !key.permissions.includes(ask.method)) {
    return 'FORBIDDEN_METHOD';
  }
  // A company restriction binds every call: the caller must say which company it acts for.
  if (key.companies.length > 0 && (ask.company === undefined || !key.companies.includes(ask.company))) {
    return 'FORBIDDEN_COMPANY';
  }
  if (key.ipAllowList.length > 0 && (ask.clientIp === undefined || !ipAllowed(ask.clientIp))) {
    return 'IP_NOT_ALLOWED';
  }
  return undefined;
}
