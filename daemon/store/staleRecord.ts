// The refusals every store gives for optimistic concurrency, worded once so both stores say the same.
// A record is named by its name and id, never by anything secret.
import { fieldError, KeysmithError } from '../errors';

export const COLLECTIONS = ['services', 'keys', 'tokens'] as const;
export type Collection = (typeof COLLECTIONS)[number];

export const NOUN: Record<Collection, string> = { keys: 'key', services: 'service', tokens: 'token' };

/** The record moved (or went) since it was read: nothing was changed, the caller re-reads and retries. */
export function staleRecord(collection: Collection, record: { id: string; name?: string }): KeysmithError {
  const label = record.name === undefined ? NOUN[collection] : `${NOUN[collection]} "${record.name}"`;
  return new KeysmithError(
    'CONFLICT',
    `The ${label} was changed by someone else since it was read; nothing was changed. Read it again and retry.`,
    { id: record.id },
  );
}

/** A unit of work decided on a collection that changed before it committed (a count, a list). */
export function staleCollection(collection: Collection): KeysmithError {
  return new KeysmithError(
    'CONFLICT',
    `The ${NOUN[collection]}s were changed by someone else while this change was decided; nothing was changed. Retry.`,
  );
}

export const duplicateSecret = () =>
  new KeysmithError('DUPLICATE_SECRET', 'This secret is already stored as another key; nothing was imported.');

export function isConflict(error: unknown): boolean {
  return error instanceof KeysmithError && error.code === 'CONFLICT';
}

/** A new key whose service was disabled or deleted before the key could be stored (NewKeyWrite.requireEnabledService). */
export const serviceNoLongerEnabled = () => fieldError('serviceId', 'the service was disabled or deleted meanwhile; nothing was stored');
