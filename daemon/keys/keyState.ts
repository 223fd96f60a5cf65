// Status rules. Stored status: active, inactive (can be reactivated), revoked (final). On top of it,
// dates derive `scheduled` (before startsAt) and `expired` (from expiresAt on); a key rotated with a grace
// period stays valid until graceUntil and counts as revoked from then on, without any write.
import type { KeyState, KeyStatus, KeyView } from '../protocol';
import type { KeyRecord } from '../store/types';
import { KeysmithError } from '../errors';
import { maskedOf } from './keyFormat';

type Dated = Pick<KeyRecord, 'status' | 'startsAt' | 'expiresAt' | 'graceUntil'>;

export function effectiveStatus(key: Dated, now: Date): KeyStatus {
  return statusAt(key.status, parseOptional(key.graceUntil), now.getTime());
}

export function deriveState(key: Dated, now: Date): KeyState {
  return stateAt(key.status, Date.parse(key.startsAt), parseOptional(key.expiresAt), parseOptional(key.graceUntil), now.getTime());
}

/** Epoch milliseconds of an optional ISO date; parsed once and cached where a key is checked often (verify). */
export function parseOptional(isoDate: string | undefined): number | undefined {
  return isoDate === undefined ? undefined : Date.parse(isoDate);
}

/** effectiveStatus over epoch milliseconds: no Date objects, no parsing. */
export function statusAt(status: KeyStatus, graceUntilMs: number | undefined, nowMs: number): KeyStatus {
  return status !== 'revoked' && graceUntilMs !== undefined && nowMs >= graceUntilMs ? 'revoked' : status;
}

/** deriveState over epoch milliseconds, for the verify hot path (dates pre-parsed in the key index). */
export function stateAt(
  status: KeyStatus,
  startsAtMs: number,
  expiresAtMs: number | undefined,
  graceUntilMs: number | undefined,
  nowMs: number,
): KeyState {
  const effective = statusAt(status, graceUntilMs, nowMs);
  if (effective !== 'active') return effective;
  if (nowMs < startsAtMs) return 'scheduled';
  if (expiresAtMs !== undefined && nowMs >= expiresAtMs) return 'expired';
  return 'active';
}

/** Test-environment and imported secrets are sealed and can be shown again; generated production ones never. */
export function isRetrievable(key: Pick<KeyRecord, 'environment' | 'origin'>): boolean {
  return key.environment === 'test' || key.origin === 'imported';
}

export function toKeyView(key: KeyRecord & { version: number }, now: Date): KeyView {
  const { secretHash: _hash, sealed: _sealed, ...visible } = key;
  return {
    ...visible,
    status: effectiveStatus(key, now),
    state: deriveState(key, now),
    masked: maskedOf(key.hint),
    retrievable: isRetrievable(key) && key.sealed !== undefined,
  };
}

export type Transition = 'deactivate' | 'reactivate' | 'revoke';

const TARGET_STATUS: Record<Transition, KeyStatus> = {
  deactivate: 'inactive',
  reactivate: 'active',
  revoke: 'revoked',
};

/**
 * The status a transition leads to, or a KEY_REVOKED refusal when it is not allowed. Asking for the
 * status a key already has is allowed (a double click must not fail); revoked is final.
 */
export function nextStatus(key: Dated, transition: Transition, now: Date): KeyStatus {
  const current = effectiveStatus(key, now);
  const target = TARGET_STATUS[transition];
  if (current === 'revoked' && target !== 'revoked') {
    throw new KeysmithError('KEY_REVOKED', `This key is revoked, which is final: it cannot be ${transition}d. Generate a new key instead.`);
  }
  return target;
}

export function assertCanRegenerate(key: KeyRecord, now: Date): void {
  if (effectiveStatus(key, now) === 'revoked') {
    throw new KeysmithError('KEY_REVOKED', 'This key is revoked; only active or inactive keys can be regenerated.');
  }
  if (key.rotatedTo !== undefined) {
    throw new KeysmithError('ALREADY_ROTATED', `This key was already regenerated as ${key.rotatedTo}; regenerate that key instead.`);
  }
}

export function assertCanDelete(key: KeyRecord, now: Date): void {
  if (effectiveStatus(key, now) !== 'revoked') {
    throw new KeysmithError('KEY_NOT_REVOKED', 'Only revoked keys can be deleted; revoke the key first.');
  }
}
