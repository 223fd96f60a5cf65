// Regenerate: a new key with the same service, environment, name and settings; the old key is revoked at
// once or stays valid for a grace period so deployments can switch over.
import type { KeyRecord } from '../store/types';

export const MAX_GRACE_SECONDS = 86_400;

export interface Successor {
  id: string;
  secretHash: string;
  hint: string;
  reference: string;
  sealed?: string;
}

/** The new record, inheriting everything that is a setting rather than identity, use or history. */
export function successorOf(old: KeyRecord, next: Successor, actor: string, now: Date): KeyRecord {
  const nowIso = now.toISOString();
  const startsAt = Date.parse(old.startsAt) > now.getTime() ? old.startsAt : nowIso;
  const record: KeyRecord = {
    id: next.id,
    serviceId: old.serviceId,
    environment: old.environment,
    name: old.name,
    reference: next.reference,
    hint: next.hint,
    secretHash: next.secretHash,
    origin: 'generated',
    status: 'active',
    startsAt,
    permissions: [...old.permissions],
    companies: [...old.companies],
    ipAllowList: [...old.ipAllowList],
    createdAt: nowIso,
    createdBy: actor,
    updatedAt: nowIso,
    useCount: 0,
    rotatedFrom: old.id,
  };
  if (old.expiresAt !== undefined) record.expiresAt = old.expiresAt;
  if (old.organization !== undefined) record.organization = old.organization;
  if (next.sealed !== undefined) record.sealed = next.sealed;
  return record;
}

/** The old record's fields after the rotation: revoked now, or still active until graceUntil. */
export function retire(old: KeyRecord, successorId: string, graceSeconds: number, now: Date): Partial<KeyRecord> {
  const nowIso = now.toISOString();
  if (graceSeconds <= 0) return { rotatedTo: successorId, status: 'revoked', revokedAt: nowIso, updatedAt: nowIso };
  const graceUntil = new Date(now.getTime() + graceSeconds * 1000).toISOString();
  return { rotatedTo: successorId, graceUntil, revokedAt: graceUntil, updatedAt: nowIso };
}
