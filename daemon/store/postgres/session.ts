// Where a repository sends its queries and reports its writes: straight to the pool (each statement
// commits on its own, and its change is announced at once), or to one client inside a transaction
// (changes are announced only after COMMIT, and dropped on ROLLBACK).
import type pg from 'pg';
import type { StoreChange } from '../repositories';
import { checkout } from './checkout';
import { forbiddenRole, isForbidden, refusedAction, storeError } from './errors';
import { eachCopyLine, eachRowFields, type RowFields } from './rowFields';

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
  /**
   * Statements on one connection that all see one snapshot (what a cursor needs): on the pool, a
   * read-only REPEATABLE READ transaction on a client held until `end`; inside a transaction, itself.
   * `readers` > 1 asks for more connections seeing the very same snapshot, so that PostgreSQL can work
   * on one read in several processes; inside a transaction there is only the one.
   */
  readSnapshot(readers?: number): Promise<SnapshotReader[]>;
}

export interface SnapshotReader {
  query: Session['query'];
  /** A statement's rows one at a time, as they arrive (rowFields.ts): for reads too big to hold as a result. */
  eachRow(text: string, each: (fields: RowFields) => void): Promise<number>;
  /** A COPY ... TO STDOUT's lines one at a time, as they arrive (rowFields.ts). */
  eachCopyLine(copy: string, each: (line: string) => void): Promise<number>;
  /** Ends the snapshot's transaction and gives its connection back (a broken one is closed). */
  end(): Promise<void>;
}

/** A read-only REPEATABLE READ transaction on a held client, on `snapshot` when given (pg_export_snapshot). */
async function snapshotReader(
  pool: pg.Pool,
  password: string | undefined,
  identity: Identity | undefined,
  snapshot?: string,
): Promise<SnapshotReader> {
  const held = await checkout(pool, password);
  const query: Session['query'] = (text, values, prepareAs) => runQuery(held.client, password, text, values, identity, prepareAs);
  try {
    await query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // A literal, not a parameter: SET takes none; the id is PostgreSQL's own (pg_export_snapshot).
    if (snapshot !== undefined) await query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
  } catch (error) {
    held.release(true);
    throw error;
  }
  return {
    query,
    ...streamingReads(held.client, password, identity),
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

/** The row-by-row reads of `client` (rowFields.ts), their failures reported as runQuery's are. */
function streamingReads(
  client: pg.ClientBase,
  password: string | undefined,
  identity?: Identity,
): Pick<SnapshotReader, 'eachRow' | 'eachCopyLine'> {
  return {
    eachRow: (text, each) => streamOn(() => eachRowFields(client, text, each), password, text, identity),
    eachCopyLine: (copy, each) => streamOn(() => eachCopyLine(client, copy, each), password, copy, identity),
  };
}

async function streamOn(run: () => Promise<number>, password: string | undefined, text: string, identity?: Identity): Promise<number> {
  try {
    return await run();
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
    async readSnapshot(readers = 1) {
      const first = await snapshotReader(pool, password, identity);
      const all = [first];
      try {
        if (readers > 1) {
          const { rows } = await first.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
          for (let n = 1; n < readers; n += 1) all.push(await snapshotReader(pool, password, identity, rows[0]!.id));
        }
      } catch (error) {
        await Promise.all(all.map((reader) => reader.end()));
        throw error;
      }
      return all;
    },
  };
}

export function transactionSession(
  client: pg.PoolClient,
  password: string | undefined,
  pending: StoreChange[],
  identity?: Identity,
): Session {
  const query: Session['query'] = (text, values, prepareAs) => runQuery(client, password, text, values, identity, prepareAs);
  return {
    query,
    changed: (change) => pending.push(change),
    // Already one snapshot's worth of statements on one connection: the transaction ends with the unit of work.
    readSnapshot: async () => [
      {
        query,
        ...streamingReads(client, password, identity),
        end: async () => {},
      },
    ],
  };
}
