// Why an update or delete `WHERE id = $1 AND version = $2` touched no row: the record is gone
// (NOT_FOUND), or someone wrote it since it was read (CONFLICT, naming it by name and id, never by
// anything secret).
import { KeysmithError, notFound } from '../../errors';
import type { Session } from './session';

export async function staleWriteError(
  session: Session,
  table: 'keys' | 'services',
  what: 'key' | 'service',
  id: string,
  expectedVersion: number,
): Promise<KeysmithError> {
  const { rows } = await session.query<{ name: string; version: number }>(`SELECT name, version FROM ${table} WHERE id = $1`, [id]);
  const current = rows[0];
  if (current === undefined) return notFound(what, id);
  return new KeysmithError(
    'CONFLICT',
    `The ${what} "${current.name}" (${id}) was changed by someone else since it was read (version ${expectedVersion}, now ${current.version}); reload it and try again.`,
    { id, expectedVersion, currentVersion: current.version },
  );
}
