// What makes a presented key valid for a request. Pure: the caller looks the key up by hash and
// passes the clock's time; this decides. Order matters: state before dates before restrictions, so the
// code returned names the first reason a person should fix.
import type { VerifyFailure } from '../protocol';
import type { KeyRecord } from '../store/types';
import { deriveState } from './keyState';

export type VerifiableKey = Pick<
  KeyRecord,
  'status' | 'startsAt' | 'expiresAt' | 'graceUntil' | 'permissions' | 'companies' | 'ipAllowList'
>;

export interface VerifyContext {
  method?: string;
  company?: string;
  clientIp?: string;
  now: Date;
  /** Compiled from the key's ipAllowList (compileAllowList); asked only when the list is not empty. */
  ipAllowed: (clientIp: string) => boolean;
}

export function checkKey(key: VerifiableKey, context: VerifyContext): VerifyFailure | undefined {
  switch (deriveState(key, context.now)) {
    case 'revoked': return 'REVOKED';
    case 'inactive': return 'INACTIVE';
    case 'scheduled': return 'NOT_YET_VALID';
    case 'expired': return 'EXPIRED';
    case 'active': break;
  }
  // A key without method permissions is not restricted by method; with some, an asked method must be one.
  if (context.method !== undefined && key.permissions.length > 0 && !key.permissions.includes(context.method)) {
    return 'FORBIDDEN_METHOD';
  }
  // A company restriction binds every call: the caller must say which company it acts for.
  if (key.companies.length > 0 && (context.company === undefined || !key.companies.includes(context.company))) {
    return 'FORBIDDEN_COMPANY';
  }
  if (key.ipAllowList.length > 0 && (context.clientIp === undefined || !context.ipAllowed(context.clientIp))) {
    return 'IP_NOT_ALLOWED';
  }
  return undefined;
}
