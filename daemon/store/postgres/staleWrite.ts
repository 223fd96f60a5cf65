// Why a write PostgreSQL did not apply was refused, in the words both stores use (../staleRecord.ts)
// (a record is named by its name and id, never by anything secret):
// - an update or delete `WHERE id = $1 AND version = $2` touched no row: the record is gone (NOT_FOUND)
//   or someone wrote it since it was read (CONFLICT);
// - an insert met a row with its id, or a foreign key moved under it: another writer got there first.
import { notFound, type KeysmithError } from '../../errors';
import { staleRecord } from '../staleRecord';
import type { Session } from './session';

const NOUN = { keys: 'key', services: 'service' } as const;

/** Why `UPDATE/DELETE … WHERE id = $1 AND version = $2` touched no row. */
export async function staleWriteError(session: Session, collection: 'keys' | 'services', id: string): Promise<KeysmithError> {
  const { rows } = await session.query<{ name: string }>(`SELECT name FROM ${collection} WHERE id = $1`, [id]);
  const current = rows[0];
  if (current === undefined) return notFound(NOUN[collection], id);
  return staleRecord(collection, { id, name: current.name });
}
