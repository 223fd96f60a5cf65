// Where a repository sends its queries and reports its writes: straight to the pool (each statement
// commits on its own, and its change is announced at once), or to one client inside a transaction
// (changes are announced only after COMMIT, and dropped on ROLLBACK).
import type pg from 'pg';
import type { StoreChange } from '../repositories';
import { checkout } from './checkout';
import { forbiddenRole, isForbidden, refusedAction, storeError } from './errors';

export interface Session {
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** A write of this session: announced now (outside a transaction) or at COMMIT. */
  changed(change: StoreChange): void;
  /**
   * Statements on one connection that all see one snapshot (what a cursor needs): on the pool, a
   * read-only REPEATABLE READ transaction on a client held until `end`; inside a transaction, itself.
   */
  readSnapshot(): Promise<SnapshotReader>;
}

export interface SnapshotReader {
  query: Session['query'];
  /** Ends the snapshot's transaction and gives its connection back (a broken one is closed). */
  end(): Promise<void>;
}

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** Who the store's queries run as: the member's role, learnt at open, names a refusal (FORBIDDEN_ROLE). */
export interface Identity {
  role?: string;
}

export async function runQuery<R extends pg.QueryResultRow>(
  target: Queryable,
  password: string | undefined,
  text: string,
  values?: unknown[],
  identity?: Identity,
): Promise<pg.QueryResult<R>> {
  try {
    return await (target as pg.Pool).query<R>(text, values);
  } catch (error) {
    if (identity && isForbidden(error)) throw forbiddenRole(identity.role ?? 'unknown', refusedAction(error as Error, text));
    throw storeError(error, password);
  }
}

export function poolSession(
  pool: pg.Pool,
  password: string | undefined,
  announce: (change: StoreChange) => void,
  identity?: Identity,
): Session {
  return {
    query: (text, values) => runQuery(pool, password, text, values, identity),
    changed: announce,
    async readSnapshot() {
      const held = await checkout(pool, password);
      const query: Session['query'] = (text, values) => runQuery(held.client, password, text, values, identity);
      try {
        await query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      } catch (error) {
        held.release(true);
        throw error;
      }
      return {
        query,
        async end() {
          try {
            await query('COMMIT');
            held.release();
          } catch {
            // Only reads ran: nothing is lost with the connection, which is closed rather than reused.
            held.release(true);
          }
        },
      };
    },
  };
}

export function transactionSession(
  client: pg.PoolClient,
  password: string | undefined,
  pending: StoreChange[],
  identity?: Identity,
): Session {
  const query: Session['query'] = (text, values) => runQuery(client, password, text, values, identity);
  return {
    query,
    changed: (change) => pending.push(change),
    // Already one snapshot's worth of statements on one connection: the transaction ends with the unit of work.
    readSnapshot: async () => ({ query, end: async () => {} }),
  };
}
