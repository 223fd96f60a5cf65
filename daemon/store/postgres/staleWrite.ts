// The refusals of a write that PostgreSQL did not apply, worded as the embedded store words them
// (a record is named by its name and id, never by anything secret):
// - an update or delete `WHERE id = $1 AND version = $2` touched no row: the record is gone (NOT_FOUND),
//   the member may not write it (FORBIDDEN_ROLE), or someone wrote it since it was read (CONFLICT);
// - an insert met a row with its id, or a foreign key moved under it: another writer got there first.
import { KeysmithError, notFound } from '../../errors';
import { forbiddenRole } from './errors';
import type { Session } from './session';

export type Collection = 'keys' | 'services' | 'tokens';

const NOUN: Record<Collection, string> = { keys: 'key', services: 'service', tokens: 'token' };

/** The record moved (or appeared) since the write was decided: nothing was changed. */
export function staleRecord(collection: Collection, record: { id: string; name?: string }): KeysmithError {
  const label = record.name === undefined ? NOUN[collection] : `${NOUN[collection]} "${record.name}"`;
  return new KeysmithError(
    'CONFLICT',
    `The ${label} was changed by someone else since it was read; nothing was changed. Read it again and retry.`,
    { id: record.id },
  );
}

/** A write decided on a collection that changed before it committed (a service gone, keys added). */
export function staleCollection(collection: Collection): KeysmithError {
  return new KeysmithError(
    'CONFLICT',
    `The ${NOUN[collection]}s were changed by someone else while this change was decided; nothing was changed. Retry.`,
  );
}

export const duplicateSecret = () =>
  new KeysmithError('DUPLICATE_SECRET', 'This secret is already stored as another key; nothing was imported.');

/** Why `UPDATE/DELETE … WHERE id = $1 AND version = $2` touched no row. */
export async function staleWriteError(session: Session, collection: 'keys' | 'services', id: string): Promise<KeysmithError> {
  // A key's row policy (migration 002) hides from an UPDATE or DELETE the keys the member may not write,
  // though it reads them all: that is a refusal (FORBIDDEN_ROLE), not a stale version (retrying would
  // never succeed) nor a missing key (the member sees it in every list).
  const writable = collection === 'keys' ? 'keysmith_may_write_key(created_by)' : 'true';
  const { rows } = await session.query<{ name: string; writable: boolean; role: string | null }>(
    `SELECT name, ${writable} AS writable, keysmith_role_of(session_user) AS role FROM ${collection} WHERE id = $1`,
    [id],
  );
  const current = rows[0];
  if (current === undefined) return notFound(NOUN[collection], id);
  if (!current.writable) {
    const what = `changing or deleting the ${NOUN[collection]} "${current.name}": it was created by another member`;
    return forbiddenRole(current.role ?? 'none', what);
  }
  return staleRecord(collection, { id, name: current.name });
}
