// Why a write PostgreSQL did not apply was refused, in the words both stores use (../staleRecord.ts)
// (a record is named by its name and id, never by anything secret):
// - an update or delete `WHERE id = $1 AND version = $2` touched no row: the record is gone (NOT_FOUND),
//   the member may not write it (FORBIDDEN_ROLE), or someone wrote it since it was read (CONFLICT);
// - an insert met a row with its id, or a foreign key moved under it: another writer got there first.
import { notFound, type KeysmithError } from '../../errors';
import { staleRecord } from '../staleRecord';
import { forbiddenRole } from './errors';
import type { Session } from './session';

const NOUN = { keys: 'key', services: 'service' } as const;

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
