// Where a repository sends its queries and reports its writes: straight to the pool (each statement
// commits on its own, and its change is announced at once), or to one client inside a transaction
// (changes are announced only after COMMIT, and dropped on ROLLBACK).
import type pg from 'pg';
import type { StoreChange } from '../repositories';
import { forbiddenRole, isForbidden, refusedAction, storeError } from './errors';

export interface Session {
  /**
   * `prepareAs`: a name for a statement run on every create or change (one name per distinct text), so
   * each connection parses and plans it once instead of on every call: most of the database's CPU per
   * create was parsing and planning the key insert's CTE and the key read by id.
   */
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[], prepareAs?: string): Promise<pg.QueryResult<R>>;
  /** A write of this session: announced now (outside a transaction) or at COMMIT. */
  changed(change: StoreChange): void;
  /** A write of a record was sent and settles with `write` (outside a transaction): see PostgresChangeFeed.expectOwn. */
  writing?(collection: StoreChange['collection'], id: string, write: Promise<unknown>): void;
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
  prepareAs?: string,
): Promise<pg.QueryResult<R>> {
  try {
    return prepareAs === undefined
      ? await (target as pg.Pool).query<R>(text, values)
      : await (target as pg.Pool).query<R>({ name: prepareAs, text, values });
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
  writing?: Session['writing'],
): Session {
  return {
    query: (text, values, prepareAs) => runQuery(pool, password, text, values, identity, prepareAs),
    changed: announce,
    writing,
  };
}

export function transactionSession(
  client: pg.PoolClient,
  password: string | undefined,
  pending: StoreChange[],
  identity?: Identity,
): Session {
  return {
    query: (text, values, prepareAs) => runQuery(client, password, text, values, identity, prepareAs),
    changed: (change) => pending.push(change),
  };
}
