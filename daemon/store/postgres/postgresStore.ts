// The PostgreSQL store: a team's daemons on one database. Open migrates the schema (once, under an
// advisory lock), starts the change feed and hands out repositories over a connection pool; a unit of
// work is one client between BEGIN and COMMIT.
import pg from 'pg';
import { KeysmithError } from '../../errors';
import type { Store, StoreChange, UnitOfWork } from '../repositories';
import type { KeyUse } from '../types';
import { PostgresAuditRepository } from './auditRepository';
import { PostgresChangeFeed } from './changeFeed';
import { checkout } from './checkout';
import { clientConfig, createPool, describeUrl, passwordOf, type ConnectionSettings } from './connection';
import { isForbidden, storeError } from './errors';
import { PostgresKeyRepository } from './keyRepository';
import { commitOrSettle, currentTransactionId } from './lostCommit';
import { FULL_KEY_READS, VERIFY_KEY_READS, type KeyReads } from './keyColumns';
import { PostgresMemberRepository } from './memberRepository';
import { migrate } from './migrate';
import { PostgresServiceRepository } from './serviceRepository';
import { poolSession, transactionSession, type Identity, type Session } from './session';
import { PostgresTokenRepository } from './tokenRepository';
import { UsageBatcher } from './usageBatcher';

export interface PostgresStoreOptions extends ConnectionSettings {
  /** Unused: a daemon acts as the database login of its URL, a member (migration 002). */
  member?: string;
  /** How often batched verify uses are written (default 1000 ms). */
  usageFlushMs?: number;
  /** First reconnect delay of the change feed after a lost connection (default 100 ms, doubling to 5 s). */
  reconnectBackoffMs?: number;
  /** How long another daemon's new key may wait to be read with the next ones (changeFeed.ts, default 20 ms). */
  newKeysWaitMs?: number;
}

const notAMember = (url: string) =>
  new KeysmithError(
    'FORBIDDEN_ROLE',
    `The database login ${loginOf(url)} is not a Keysmith member of this store (no keysmith role); an admin adds members with keysmith members add.`,
  );

function loginOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || '(default)';
  } catch {
    return '(unknown)';
  }
}

export interface PostgresStore extends Store {
  changes: PostgresChangeFeed;
}

const repositories = (
  session: Session,
  reads: KeyReads,
  direct = false,
): UnitOfWork & { keys: PostgresKeyRepository; tokens: PostgresTokenRepository } => ({
  keys: new PostgresKeyRepository(session, reads, undefined, direct),
  services: new PostgresServiceRepository(session),
  tokens: new PostgresTokenRepository(session),
});

export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const password = passwordOf(options.url);
  const pool = createPool(options);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    // A login in no keysmith role may not even read the schema version (migration 002).
    if (isForbidden(error)) throw notAMember(options.url);
    throw storeError(error, password);
  }

  // Who this daemon is: its login's role names refusals; a verifier reads keys through its column grants.
  const identity: Identity = {};
  let reads: KeyReads;
  try {
    const { rows } = await pool.query<{ role: string | null; full: boolean }>(
      "SELECT keysmith_role_of(session_user) AS role, has_table_privilege('keys_readable', 'SELECT') AS full",
    );
    identity.role = rows[0]?.role ?? 'none';
    reads = rows[0]?.full ? FULL_KEY_READS : VERIFY_KEY_READS;
  } catch (error) {
    await pool.end().catch(() => {});
    throw storeError(error, password);
  }

  // The feed fetches through the repositories, which announce through the feed: tied by a late reference.
  let feed: PostgresChangeFeed | undefined = undefined;
  const session = poolSession(
    pool,
    password,
    (change) => feed?.announce(change),
    identity,
    (collection, id, write) => feed?.expectOwn(collection, id, write),
  );
  const direct = repositories(session, reads, true);
  const changes = new PostgresChangeFeed({
    connect: () => new pg.Client(clientConfig(options)),
    fetch: (collection, id) => direct[collection].get(id),
    fetchMany: async (collection, ids) => {
      if (collection === 'keys') return direct.keys.getMany(ids);
      const records = new Map<string, NonNullable<StoreChange['record']>>();
      for (const id of ids) {
        const record = await direct[collection].get(id);
        if (record) records.set(id, record);
      }
      return records;
    },
    backoffMs: options.reconnectBackoffMs,
    newKeysWaitMs: options.newKeysWaitMs,
  });
  try {
    await changes.start();
  } catch (error) {
    await pool.end().catch(() => {});
    throw storeError(error, password);
  }
  feed = changes;
  // A new pool connection means the database is back: the feed need not wait out its backoff.
  pool.on('connect', () => changes.wake());
  const usage = new UsageBatcher(session, options.usageFlushMs ?? 1000);
  let closed: Promise<void> | undefined;

  return {
    description: describeUrl(options.url),
    ...direct,
    members: new PostgresMemberRepository(session, identity),
    audit: new PostgresAuditRepository(session),
    changes,

    async unitOfWork<T>(work: (tx: UnitOfWork) => Promise<T>): Promise<T> {
      const held = await checkout(pool, password);
      const pending: StoreChange[] = [];
      const tx = transactionSession(held.client, password, pending, identity);
      let broken = false;
      try {
        await tx.query('BEGIN');
        const result = await work(repositories(tx, reads));
        // A unit of work that wrote notes its transaction id, in case its COMMIT's answer is lost (lostCommit.ts).
        const xid = pending.length > 0 ? await currentTransactionId(tx) : undefined;
        broken = await commitOrSettle(tx, session, xid);
        for (const change of pending) changes.announce(change);
        return result;
      } catch (error) {
        // A client whose ROLLBACK fails (its connection died) is destroyed, not returned to the pool.
        await held.client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw storeError(error, password);
      } finally {
        held.release(broken);
      }
    },

    recordUse(use: KeyUse): void {
      usage.record(use);
    },

    flush: () => usage.flush(),

    close(): Promise<void> {
      closed ??= (async () => {
        usage.stop();
        // Uses still pending are written if the database is there; a close never hangs on it.
        await usage.flush().catch(() => {});
        await changes.close();
        await pool.end();
      })();
      return closed;
    },
  };
}
