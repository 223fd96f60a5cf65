// The refusals of a write that PostgreSQL did not apply, worded as the embedded store words them
// (a record is named by its name and id, never by anything secret):
// - an update or delete `WHERE id = $1 AND version = $2` touched no row: the record is gone (NOT_FOUND)
//   or someone wrote it since it was read (CONFLICT);
// - an insert met a row with its id, or a foreign key moved under it: another writer got there first.
import { KeysmithError, notFound } from '../../errors';
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
  const { rows } = await session.query<{ name: string }>(`SELECT name FROM ${collection} WHERE id = $1`, [id]);
  const current = rows[0];
  if (current === undefined) return notFound(NOUN[collection], id);
  return staleRecord(collection, { id, name: current.name });
}
