// The one rule for reading the audit log, shared by every store: newest first, optionally one key's.
import type { AuditEvent } from '../protocol';

export interface AuditFilter {
  keyId?: string;
  limit: number;
}

/** `oldestFirst` is in append order; returns at most `limit` matches, newest first. */
export function selectAudit(oldestFirst: readonly AuditEvent[], filter: AuditFilter): AuditEvent[] {
  const found: AuditEvent[] = [];
  for (let i = oldestFirst.length - 1; i >= 0 && found.length < filter.limit; i--) {
    const event = oldestFirst[i]!;
    if (filter.keyId === undefined || event.keyId === filter.keyId) found.push(event);
  }
  return found;
}
