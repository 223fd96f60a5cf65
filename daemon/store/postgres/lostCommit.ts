// A unit of work whose COMMIT answer was lost with its connection may have committed: answering
// STORE_UNAVAILABLE then would tell the member a regenerate failed whose new key is in fact stored, and
// its secret, shown only in that answer, would be gone. PostgreSQL keeps the fate of each recent
// transaction for exactly this case: the unit of work notes its transaction id before COMMIT, and on
// a lost answer asks `pg_xact_status` on a fresh connection until the cut backend has finished.
import { isConnectionError } from './errors';
import type { Session } from './session';

/** The id of the session's open transaction (assigned now if it had none), to settle a lost COMMIT. */
export async function currentTransactionId(session: Pick<Session, 'query'>): Promise<string> {
  const { rows } = await session.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
  return rows[0]!.xid;
}

export type TransactionFate = 'committed' | 'aborted' | 'unknown';

/**
 * Whether transaction `xid` committed. "in progress" is not an answer yet (the cut backend may still be
 * committing, or has yet to notice its client is gone and roll back), so it is asked again every
 * `pollMs` until `waitMs` have passed: then, and when PostgreSQL no longer knows the id, 'unknown'.
 * A database that cannot be reached rejects, as any query.
 */
export async function transactionFate(
  session: Pick<Session, 'query'>,
  xid: string,
  waitMs = 10_000,
  pollMs = 20,
): Promise<TransactionFate> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await session.query<{ status: string | null }>('SELECT pg_xact_status($1::xid8) AS status', [xid]);
    const status = rows[0]?.status;
    if (status === 'committed' || status === 'aborted') return status;
    if (status !== 'in progress' || Date.now() >= deadline) return 'unknown';
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * COMMITs the transaction `xid` (undefined: it wrote nothing, nothing to settle) on `tx`; when the answer
 * is lost with the connection, settles it on `fresh`. Resolves `true` when it committed but the
 * connection is gone (its client must be destroyed); rejects with the COMMIT's own error when it did
 * not commit, or when its fate cannot be known.
 */
export async function commitOrSettle(tx: Pick<Session, 'query'>, fresh: Pick<Session, 'query'>, xid: string | undefined): Promise<boolean> {
  try {
    await tx.query('COMMIT');
    return false;
  } catch (error) {
    if (xid === undefined || !isConnectionError(error)) throw error;
    if ((await transactionFate(fresh, xid).catch(() => 'unknown')) !== 'committed') throw error;
    return true;
  }
}
