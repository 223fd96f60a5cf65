// A key update or delete whose answer was lost with its connection (the statement sent, the connection
// cut before the reply) may have committed: answering STORE_UNAVAILABLE would tell the member a change
// failed that is in fact stored. Such a write carries its audit events in the same statement (one
// commit), so the first event's id in the `audit` table proves the change committed, and its absence
// (once nothing can still commit it) proves it did not.
import { isConnectionError } from './errors';
import type { Session } from './session';

/**
 * Whether the event `eventId` is stored. Readable by whoever wrote it, whatever its role: migration
 * 002's `audit_read` lets every member read the rows it appended itself (`recorded_by`), and the lost
 * write's events were appended by this very login.
 */
export async function eventRecorded(session: Session, eventId: string): Promise<boolean> {
  const { rows } = await session.query<{ recorded: boolean }>('SELECT EXISTS (SELECT 1 FROM audit WHERE event_id = $1) AS recorded', [
    eventId,
  ]);
  return rows[0]?.recorded === true;
}

/**
 * The answer to a write whose answer was lost, asked on a fresh connection of the pool (the cut one is
 * gone): `applied()` when its event `eventId` is stored. When it is not, the first statement may still
 * be running on the server (the cut is not seen until it answers), so "absent" is not final yet: the
 * same write is sent again (`resend`, same expected version, same event ids). It waits for the first's
 * row lock if that one holds it; then exactly one of the two applies: the resend (the first never
 * will, its version is gone), or the first, and the resend touches nothing and is refused (CONFLICT,
 * NOT_FOUND), after which the event, asked again, says which. A database that cannot be reached
 * rejects with STORE_UNAVAILABLE, as any query.
 */
export async function settleLostWrite<T>(
  session: Session,
  eventId: string,
  resend: () => Promise<T>,
  applied: () => Promise<T>,
): Promise<T> {
  if (await eventRecorded(session, eventId)) return applied();
  try {
    return await resend();
  } catch (error) {
    if (isConnectionError(error) || !(await eventRecorded(session, eventId))) throw error;
    return applied();
  }
}
