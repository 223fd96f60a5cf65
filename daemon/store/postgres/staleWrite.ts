// Why an update or delete `WHERE id = $1 AND version = $2` touched no row: the record is gone
// (NOT_FOUND), the member may not write it (FORBIDDEN_ROLE), or someone wrote it since it was read
// (CONFLICT, naming it by name and id, never by anything secret).
import { KeysmithError, notFound } from '../../errors';
import { forbiddenRole } from './errors';
import type { Session } from './session';

export async function staleWriteError(
  session: Session,
  table: 'keys' | 'services',
  what: 'key' | 'service',
  id: string,
  expectedVersion: number,
): Promise<KeysmithError> {
  // A key's row policy (migration 002) hides from an UPDATE or DELETE the keys the member may not write,
  // though it reads them all: that is a refusal, not a stale version (retrying would never succeed) nor a
  // missing key (the member sees it in every list).
  const writable = table === 'keys' ? 'keysmith_may_write_key(created_by)' : 'true';
  const { rows } = await session.query<{ name: string; version: number; writable: boolean; role: string | null }>(
    `SELECT name, version, ${writable} AS writable, keysmith_role_of(session_user) AS role FROM ${table} WHERE id = $1`,
    [id],
  );
  const current = rows[0];
  if (current === undefined) return notFound(what, id);
  if (!current.writable)
    return forbiddenRole(current.role ?? 'none', `changing or deleting the ${what} "${current.name}": it was created by another member`);
  return new KeysmithError(
    'CONFLICT',
    `The ${what} "${current.name}" (${id}) was changed by someone else since it was read (version ${expectedVersion}, now ${current.version}); reload it and try again.`,
    { id, expectedVersion, currentVersion: current.version },
  );
}
