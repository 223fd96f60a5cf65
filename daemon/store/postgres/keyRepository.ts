// Keys in PostgreSQL: reads join the batched usage, writes name the version they were decided on.
import type { KeyListQuery, KeyRepository, Stored } from '../repositories';
import type { KeyRecord, VerifyKey } from '../types';
import { assignments, placeholders, toValues, unstorableText } from './columns';
import { isForeignKeyViolation, isUniqueViolation } from './errors';
import { FULL_KEY_READS, KEY_COLUMNS, KEY_RETURNING, KEY_SELECT, keyFromRow, type KeyReads } from './keyColumns';
import { keyCountSql, keyPageSql } from './keyListQuery';
import type { Session } from './session';
import { duplicateSecret, staleCollection, staleRecord } from '../staleRecord';
import { staleWriteError } from './staleWrite';
import { verifyKeyPages, VERIFY_PAGE_KEYS } from './verifyKeyPages';

const COLUMN_LIST = KEY_COLUMNS.map(({ column }) => column).join(', ');
const UPDATED_COLUMNS = KEY_COLUMNS.filter(({ field }) => field !== 'id');

/** The sealed copy a write was given (not read back: see KEY_RETURNING); an update without one keeps the stored one. */
const withSealed = (stored: Stored<KeyRecord>, written: KeyRecord): Stored<KeyRecord> =>
  written.sealed === undefined ? stored : { ...stored, sealed: written.sealed };

/** The refusal a constraint of the keys table stands for, or the error itself. */
function refusal(error: unknown, record: KeyRecord): unknown {
  if (isUniqueViolation(error, 'keys_secret_hash_key')) return duplicateSecret();
  // Another writer inserted this id first.
  if (isUniqueViolation(error, 'keys_pkey')) return staleRecord('keys', record);
  // The service was deleted since the write was decided.
  if (isForeignKeyViolation(error, 'keys_service_fkey')) return staleCollection('services');
  return error;
}

/** Rows per query of `all()`: small enough that a page's row objects are a few MB. */
export const ALL_KEYS_PAGE_ROWS = 5_000;

export class PostgresKeyRepository implements KeyRepository {
  constructor(
    private readonly session: Session,
    /** A verifier reads only the verify columns (migration 002). */
    private readonly reads: KeyReads = FULL_KEY_READS,
    private readonly pageRows = ALL_KEYS_PAGE_ROWS,
    private readonly verifyPageKeys = VERIFY_PAGE_KEYS,
  ) {}

  async get(id: string): Promise<Stored<KeyRecord> | undefined> {
    if (unstorableText(id)) return undefined;
    const { rows } = await this.session.query(`SELECT ${this.reads.select} FROM ${this.reads.from} WHERE k.id = $1`, [id]);
    return rows[0] && keyFromRow(rows[0]);
  }

  async findByHash(secretHash: string): Promise<Stored<KeyRecord> | undefined> {
    const { rows } = await this.session.query(`SELECT ${this.reads.select} FROM ${this.reads.from} WHERE k.secret_hash = $1`, [secretHash]);
    return rows[0] && keyFromRow(rows[0]);
  }

  async list(query: KeyListQuery): Promise<{ items: Stored<KeyRecord>[]; total: number }> {
    // A filter no stored text can hold matches no key.
    if ([query.serviceId, query.q, query.createdBy].some((text) => text !== undefined && unstorableText(text)))
      return { items: [], total: 0 };
    const page = keyPageSql(query);
    const { rows } = await this.session.query(page.text, page.values);
    if (rows.length > 0) return { items: rows.map(keyFromRow), total: Number(rows[0].total) };
    if (query.page <= 1) return { items: [], total: 0 };
    const count = keyCountSql(query);
    const { rows: counted } = await this.session.query<{ total: string }>(count.text, count.values);
    return { items: [], total: Number(counted[0]?.total ?? 0) };
  }

  /**
   * Every key, in id order, read a page at a time (keyset on the primary key): node-postgres holds a
   * whole result in memory as row objects before it returns, so one SELECT of a million keys held a
   * million rows and a million records at once at start-up. Pages are not one snapshot: a key changed
   * meanwhile is also announced on the change feed, which the callers (the caches) apply after this.
   */
  async all(): Promise<Stored<KeyRecord>[]> {
    const records: Stored<KeyRecord>[] = [];
    let after = '';
    for (;;) {
      const { rows } = await this.session.query(
        `SELECT ${this.reads.select} FROM ${this.reads.from} WHERE k.id > $1 ORDER BY k.id LIMIT $2`,
        [after, this.pageRows],
      );
      for (const row of rows) records.push(keyFromRow(row));
      if (rows.length < this.pageRows) return records;
      after = String(rows[rows.length - 1].id);
    }
  }

  verifyKeys(): AsyncIterable<VerifyKey[]> {
    return verifyKeyPages(this.session, this.verifyPageKeys);
  }

  async sealedSample(limit: number): Promise<Pick<KeyRecord, 'id' | 'sealed'>[]> {
    // A verifier's column grants leave out `sealed`: it may open none, so it has none to check.
    if (this.reads !== FULL_KEY_READS) return [];
    // In id order, it stops at the first `limit` found; a count over the same rows (a window) made it
    // read every sealed secret of the store, seconds at a million keys.
    const { rows } = await this.session.query<{ id: string; sealed: string }>(
      'SELECT id, sealed FROM keys_readable WHERE sealed IS NOT NULL ORDER BY id LIMIT $1',
      [limit],
    );
    return rows.map((row) => ({ id: row.id, sealed: row.sealed }));
  }

  async sealedCount(): Promise<number> {
    if (this.reads !== FULL_KEY_READS) return 0;
    const { rows } = await this.session.query<{ count: string }>('SELECT count(*) AS count FROM keys_readable WHERE sealed IS NOT NULL');
    return Number(rows[0]?.count ?? 0);
  }

  async insert(record: KeyRecord): Promise<Stored<KeyRecord>> {
    const values = toValues(record, KEY_COLUMNS);
    const first = values.length + 1;
    // The usage an imported key arrives with goes to key_usage in the same statement.
    values.push(record.useCount ?? 0, record.lastUsedAt ?? null, record.lastUsedIp ?? null);
    try {
      const { rows } = await this.session.query(
        `WITH k AS (INSERT INTO keys (${COLUMN_LIST}) VALUES (${placeholders(KEY_COLUMNS.length)}) RETURNING ${KEY_RETURNING}),
          u AS (INSERT INTO key_usage (key_id, use_count, last_used_at, last_used_ip)
            SELECT id, $${first}::bigint, $${first + 1}::timestamptz, $${first + 2}::text FROM k WHERE $${first}::bigint > 0 OR $${first + 1}::timestamptz IS NOT NULL
            RETURNING *)
        SELECT ${KEY_SELECT} FROM k LEFT JOIN u ON u.key_id = k.id`,
        values,
      );
      return this.announce(withSealed(keyFromRow(rows[0]), record));
    } catch (error) {
      throw refusal(error, record);
    }
  }

  async update(record: KeyRecord, expectedVersion: number): Promise<Stored<KeyRecord>> {
    // Usage is not written here: the batcher owns it, and a stale copy must not undo counted uses.
    const values = [record.id, expectedVersion, ...toValues(record, UPDATED_COLUMNS)];
    let rows: Record<string, unknown>[];
    try {
      ({ rows } = await this.session.query(
        `WITH k AS (UPDATE keys SET ${assignments(UPDATED_COLUMNS, 3)} WHERE id = $1 AND version = $2 RETURNING ${KEY_RETURNING})
        SELECT ${KEY_SELECT} FROM k LEFT JOIN key_usage u ON u.key_id = k.id`,
        values,
      ));
    } catch (error) {
      throw refusal(error, record);
    }
    if (rows[0] === undefined) throw await staleWriteError(this.session, 'keys', record.id);
    return this.announce(withSealed(keyFromRow(rows[0]), record));
  }

  async delete(id: string, expectedVersion: number): Promise<void> {
    const { rowCount } = await this.session.query('DELETE FROM keys WHERE id = $1 AND version = $2', [id, expectedVersion]);
    if (rowCount === 0) throw await staleWriteError(this.session, 'keys', id);
    this.session.changed({ collection: 'keys', id, record: undefined });
  }

  private announce(record: Stored<KeyRecord>): Stored<KeyRecord> {
    this.session.changed({ collection: 'keys', id: record.id, record });
    return record;
  }
}
