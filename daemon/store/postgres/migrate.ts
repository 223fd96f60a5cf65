// Brings the database to the schema this code knows, at open. Daemons of a team may start together:
// an advisory lock makes them take turns, so each migration runs once, in a transaction of its own,
// and is recorded in keysmith_migrations. A database migrated by a newer Keysmith is refused rather
// than misread.
import type pg from 'pg';
import { checkout } from './checkout';
import { MIGRATIONS, type Migration } from './migrations';

/** Any constant shared by every Keysmith; "keysmith" in ASCII. */
const MIGRATION_LOCK = 0x6b657973_6d697468n;

export class StoreSchemaTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `This PostgreSQL store was migrated to schema ${databaseVersion} by a newer Keysmith; this daemon knows schema ${knownVersion} ` +
        'at most and does not start rather than misread it. Update Keysmith on this machine.',
    );
    this.name = 'StoreSchemaTooNewError';
  }
}

/** Applies the migrations the database lacks; returns the versions applied by this call. */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const held = await checkout(pool, undefined);
  const client = held.client;
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      // Created only when missing: a member's login may read the table but create nothing (migration 002).
      const { rows: table } = await client.query<{ exists: boolean }>("SELECT to_regclass('keysmith_migrations') IS NOT NULL AS exists");
      if (!table[0]?.exists) {
        await client.query(
          'CREATE TABLE IF NOT EXISTS keysmith_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
        );
      }
      const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM keysmith_migrations');
      const current = rows[0]?.version ?? 0;
      const known = Math.max(0, ...migrations.map((migration) => migration.version));
      if (current > known) throw new StoreSchemaTooNewError(current, known);
      const applied: number[] = [];
      for (const migration of migrations.filter((candidate) => candidate.version > current)) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO keysmith_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
        applied.push(migration.version);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]).catch(() => {
        broken = true;
      });
    }
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    // A client whose unlock or rollback failed is closed, not reused: its session may still hold the lock.
    held.release(broken);
  }
}
