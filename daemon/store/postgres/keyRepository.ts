// Keys in PostgreSQL: reads join the batched usage, writes name the version they were decided on.
import { notFound } from '../../errors';
import type { AuditEvent } from '../../protocol';
import type { KeyListQuery, KeyRepository, NewKeyWrite, Stored } from '../repositories';
import type { KeyRecord, VerifyKey } from '../types';
import { auditInsertSql, auditValues, withAuditEvents } from './auditRows';
import { assignments, columnType, toValues, unstorableText } from './columns';
import { isConnectionError, isForeignKeyViolation, isUniqueViolation } from './errors';
import { FULL_KEY_READS, insertedKey, KEY_COLUMNS, KEY_RETURNING, KEY_SELECT, keyFromRow, type KeyReads } from './keyColumns';
import { keyCountSql, keyPageSql } from './keyListQuery';
import { settleLostWrite } from './lostWrite';
import { NewKeyBatch, type NewKey } from './newKeyBatch';
import type { Session } from './session';
import { duplicateSecret, serviceNoLongerEnabled, staleCollection, staleRecord } from '../staleRecord';
import { staleWriteError } from './staleWrite';
import { eachVerifyKey, verifyKeyPages } from './verifyKeyPages';

const COLUMN_LIST = KEY_COLUMNS.map(({ column }) => column).join(', ');
/**
 * The insert's values as a SELECT (so it can be gated by a WHERE), each cast to its column's type: a
 * bare parameter in a select list would be taken as text.
 */
const TYPED_PLACEHOLDERS = KEY_COLUMNS.map(({ column, kind }, index) => `$${index + 1}::${columnType(column, kind)}`).join(', ');
const SERVICE_ID_PARAMETER = KEY_COLUMNS.findIndex(({ field }) => field === 'serviceId') + 1;

/**
 * insertMany: $1 the keys as a JSON array of rows, $2 their events, each naming the key it belongs to.
 * `json`, not `jsonb`: read once, the text needs no binary form (jsonb sorts every row's keys): 0.85-0.98
 * → 0.67-0.80 ms of database CPU to read 50 keys.
 */
const INSERT_MANY = `WITH r AS (SELECT * FROM json_populate_recordset(NULL::keys, $1::json)),
  k AS (INSERT INTO keys (${COLUMN_LIST}) SELECT ${COLUMN_LIST} FROM r WHERE keysmith_service_enabled(r.service_id) RETURNING id, version),
  a AS (INSERT INTO audit (event_id, at, actor, action, key_id, details)
    SELECT e.event_id, e.at, e.actor, e.action, e.key_id, e.details
    FROM json_to_recordset($2::json) AS e(n integer, written text, event_id text, at timestamptz, actor text, action text, key_id text, details jsonb)
    WHERE e.written IN (SELECT id FROM k)
    ORDER BY e.n)
SELECT id, version FROM k`;
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

/** An imported key may arrive with uses counted elsewhere; a generated one never has any. */
const hasUsage = (record: KeyRecord): boolean => (record.useCount ?? 0) > 0 || record.lastUsedAt !== undefined;

const insertStatements = new Map<string, { name: string; text: string }>();

/**
 * The one-key insert, by what it carries (prepared: one name per text). Without usage it returns only
 * the version the database gave the key (insertedKey makes the rest from the record); with usage, the
 * row joined to the usage it was given, as a read would return it.
 */
function insertSql(checked: boolean, audited: boolean, withUsage: boolean): { name: string; text: string } {
  const name = `keysmith_key_insert${checked ? '_checked' : ''}${audited ? '_audited' : ''}${withUsage ? '_used' : ''}`;
  let statement = insertStatements.get(name);
  if (statement !== undefined) return statement;
  const usage = KEY_COLUMNS.length + 1;
  const audit = withUsage ? usage + 3 : usage;
  const gate = checked ? `WHERE keysmith_service_enabled($${SERVICE_ID_PARAMETER})` : '';
  const parts = [
    `k AS (INSERT INTO keys (${COLUMN_LIST}) SELECT ${TYPED_PLACEHOLDERS} ${gate} RETURNING ${withUsage ? KEY_RETURNING : 'version'})`,
  ];
  if (withUsage) {
    parts.push(`u AS (INSERT INTO key_usage (key_id, use_count, last_used_at, last_used_ip)
      SELECT id, $${usage}::bigint, $${usage + 1}::timestamptz, $${usage + 2}::text FROM k WHERE $${usage}::bigint > 0 OR $${usage + 1}::timestamptz IS NOT NULL
      RETURNING *)`);
  }
  if (audited) parts.push(`a AS (${auditInsertSql(audit, 'k')})`);
  const text = `WITH ${parts.join(',\n  ')}\nSELECT ${withUsage ? `${KEY_SELECT} FROM k LEFT JOIN u ON u.key_id = k.id` : 'version FROM k'}`;
  statement = { name, text };
  insertStatements.set(name, statement);
  return statement;
}

/** Rows per query of `all()`: small enough that a page's row objects are a few MB. */
export const ALL_KEYS_PAGE_ROWS = 5_000;

export class PostgresKeyRepository implements KeyRepository {
  /** New keys checked against their service, written together while another batch commits (newKeyBatch.ts). */
  private readonly newKeys: NewKeyBatch | undefined;

  constructor(
    private readonly session: Session,
    /** A verifier reads only the verify columns (migration 002). */
    private readonly reads: KeyReads = FULL_KEY_READS,
    private readonly pageRows = ALL_KEYS_PAGE_ROWS,
    /**
     * Outside a transaction (the pool's repositories): new keys are batched, and a write whose answer
     * was lost is settled by asking again. Inside one, the caller's COMMIT decides both.
     */
    private readonly direct = false,
  ) {
    this.newKeys = direct
      ? new NewKeyBatch(
          (keys) => this.insertMany(keys),
          (key, answerLost) => this.insertOne(key.record, { events: key.events, requireEnabledService: true }, answerLost),
        )
      : undefined;
  }

  async get(id: string): Promise<Stored<KeyRecord> | undefined> {
    if (unstorableText(id)) return undefined;
    // Every change another daemon makes is read back by id (the change feed): prepared.
    const { rows } = await this.session.query(
      `SELECT ${this.reads.select} FROM ${this.reads.from} WHERE k.id = $1`,
      [id],
      this.reads.name + '_get',
    );
    return rows[0] && keyFromRow(rows[0]);
  }

  /** The keys of `ids` that exist, by id: what the change feed reads for a burst of notifications. */
  async getMany(ids: string[]): Promise<Map<string, Stored<KeyRecord>>> {
    const wanted = ids.filter((id) => !unstorableText(id));
    // One id (a sequential writer elsewhere: the usual case) is read by `get`'s statement. PostgreSQL
    // plans `= ANY($1)` afresh on every call (its generic plan, sized for an unknown array, never
    // looks cheaper than a plan for the one id given): 0.25 ms of planning against 0.05 ms for the read.
    if (wanted.length === 1) {
      const stored = await this.get(wanted[0]!);
      return new Map(stored === undefined ? [] : [[stored.id, stored]]);
    }
    const { rows } = await this.session.query(
      `SELECT ${this.reads.select} FROM ${this.reads.from} WHERE k.id = ANY($1::text[])`,
      [wanted],
      this.reads.name + '_get_many',
    );
    return new Map(rows.map((row) => [String(row.id), keyFromRow(row)]));
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
    return verifyKeyPages(this.session);
  }

  eachVerifyKey(each: (key: VerifyKey) => void): Promise<void> {
    return eachVerifyKey(this.session, each);
  }

  /**
   * PostgreSQL's own estimate of the table's rows (`reltuples`, kept by ANALYZE and autovacuum), read
   * without counting: a hint, right or not (the index grows past it, or leaves room unused). 0 when the
   * table was never estimated. All rows, not only those a member may read: room, never keys.
   */
  async keyCountHint(): Promise<number> {
    const { rows } = await this.session.query<{ estimate: number }>(
      "SELECT reltuples::float8 AS estimate FROM pg_class WHERE oid = 'keys'::regclass",
    );
    return Math.max(0, Math.round(rows[0]?.estimate ?? 0));
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

  async insert(record: KeyRecord, write: NewKeyWrite = {}): Promise<Stored<KeyRecord>> {
    if (this.newKeys === undefined || !write.requireEnabledService || hasUsage(record)) return this.insertOne(record, write);
    const stored = await this.newKeys.insert({ record, events: write.events ?? [] });
    if (stored === undefined) throw serviceNoLongerEnabled();
    return stored;
  }

  /**
   * A create whose answer was lost with its connection (`STORE_UNAVAILABLE` after the statement was
   * sent) may have committed: answering 503 could refuse a key that is stored. Its statement is sent
   * once more, on a fresh connection of the pool: if the first never committed, this one stores the key
   * (with its events); if it did, this one meets the key's id, taken by a key with this very secret,
   * and that key is the answer. The resent statement waits on the first's row if that is still being
   * committed (the primary key's unique check), so the answer is never read too early.
   */
  private async insertOne(record: KeyRecord, write: NewKeyWrite, answerLost = false): Promise<Stored<KeyRecord>> {
    try {
      return await this.insertStatement(record, write, answerLost);
    } catch (error) {
      if (!this.direct || answerLost || !isConnectionError(error)) throw error;
      return this.insertStatement(record, write, true);
    }
  }

  /**
   * One statement, so a create is one round trip and one commit: the key, its usage (an imported key
   * arrives with some), its audit events, and (requireEnabledService) the check of its service under a
   * share lock (migration 003), which a concurrent disable waits for.
   */
  private async insertStatement(record: KeyRecord, write: NewKeyWrite, resent: boolean): Promise<Stored<KeyRecord>> {
    const values = toValues(record, KEY_COLUMNS);
    const withUsage = hasUsage(record);
    if (withUsage) values.push(record.useCount ?? 0, record.lastUsedAt ?? null, record.lastUsedIp ?? null);
    const events = write.events ?? [];
    if (events.length > 0) values.push(...auditValues(events));
    const statement = insertSql(write.requireEnabledService === true, events.length > 0, withUsage);
    let rows: Record<string, unknown>[];
    try {
      ({ rows } = await this.writing(record.id, this.session.query(statement.text, values, statement.name)));
    } catch (error) {
      if (resent && isUniqueViolation(error, 'keys_pkey')) {
        const stored = await this.get(record.id);
        if (stored?.secretHash === record.secretHash) return this.announce(withSealed(stored, record));
      }
      throw refusal(error, record);
    }
    if (rows[0] === undefined) throw serviceNoLongerEnabled();
    return this.announce(withUsage ? withSealed(keyFromRow(rows[0]), record) : insertedKey(record, rows[0].version));
  }

  /**
   * Outside a transaction, an update with events whose answer was lost is settled from what is stored
   * (lostWrite.ts): the key read back if its first event is recorded.
   */
  async update(record: KeyRecord, expectedVersion: number, events: AuditEvent[] = []): Promise<Stored<KeyRecord>> {
    const write = () => this.updateStatement(record, expectedVersion, events);
    if (!this.direct || events.length === 0) return write();
    try {
      return await write();
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      return settleLostWrite(this.session, events[0]!.id, write, () => this.readBack(record));
    }
  }

  /** A key whose update committed though its answer was lost, as stored now (a later change included). */
  private async readBack(record: KeyRecord): Promise<Stored<KeyRecord>> {
    const stored = await this.get(record.id);
    // Deleted since (by another writer): what is stored is no key.
    if (stored === undefined) throw notFound('key', record.id);
    return this.announce(withSealed(stored, record));
  }

  private async updateStatement(record: KeyRecord, expectedVersion: number, events: AuditEvent[]): Promise<Stored<KeyRecord>> {
    // Usage is not written here: the batcher owns it, and a stale copy must not undo counted uses.
    const values = [record.id, expectedVersion, ...toValues(record, UPDATED_COLUMNS)];
    const audit = values.length + 1;
    if (events.length > 0) values.push(...auditValues(events));
    let rows: Record<string, unknown>[];
    try {
      ({ rows } = await this.writing(
        record.id,
        this.session.query(
          `WITH k AS (UPDATE keys SET ${assignments(UPDATED_COLUMNS, 3)} WHERE id = $1 AND version = $2 RETURNING ${KEY_RETURNING})${
            events.length > 0
              ? `,
          a AS (${auditInsertSql(audit, 'k')})`
              : ''
          }
        SELECT ${KEY_SELECT} FROM k LEFT JOIN key_usage u ON u.key_id = k.id`,
          values,
          `keysmith_key_update${events.length > 0 ? '_audited' : ''}`,
        ),
      ));
    } catch (error) {
      throw refusal(error, record);
    }
    if (rows[0] === undefined) throw await staleWriteError(this.session, 'keys', record.id);
    return this.announce(withSealed(keyFromRow(rows[0]), record));
  }

  /** Outside a transaction, a delete with events whose answer was lost is settled as an update is. */
  async delete(id: string, expectedVersion: number, events: AuditEvent[] = []): Promise<void> {
    const write = () => this.deleteStatement(id, expectedVersion, events);
    if (!this.direct || events.length === 0) return write();
    try {
      await write();
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      await settleLostWrite(this.session, events[0]!.id, write, async () => this.announceDeleted(id));
    }
  }

  private async deleteStatement(id: string, expectedVersion: number, events: AuditEvent[]): Promise<void> {
    const [text, values] = withAuditEvents('DELETE FROM keys WHERE id = $1 AND version = $2 RETURNING id', [id, expectedVersion], events);
    const { rowCount } = await this.session.query(text, values, events.length > 0 ? 'keysmith_key_delete_audited' : undefined);
    if (rowCount === 0) throw await staleWriteError(this.session, 'keys', id);
    this.announceDeleted(id);
  }

  private announceDeleted(id: string): void {
    this.session.changed({ collection: 'keys', id, record: undefined });
  }

  /**
   * New keys with their service checks and events in one statement (newKeyBatch.ts): rows as JSON, typed
   * by the keys table's own row type. The keys stored are returned; a key missing had its service
   * disabled or deleted. Refused as a whole (unique, rights): the batch sends each key again alone.
   */
  private async insertMany(keys: NewKey[]): Promise<Map<string, Stored<KeyRecord>>> {
    const rows = keys.map(({ record }) => {
      const values = toValues(record, KEY_COLUMNS);
      const row: Record<string, unknown> = {};
      for (let index = 0; index < KEY_COLUMNS.length; index += 1) row[KEY_COLUMNS[index]!.column] = values[index];
      return row;
    });
    let n = 0;
    const events = keys.flatMap(({ record, events: described }) =>
      described.map((event) => ({
        n: n++,
        written: record.id,
        event_id: event.id,
        at: event.at,
        actor: event.actor,
        action: event.action,
        key_id: event.keyId ?? null,
        details: event.details ?? null,
      })),
    );
    const query = this.session.query(INSERT_MANY, [JSON.stringify(rows), JSON.stringify(events)], 'keysmith_key_insert_batch');
    for (const { record } of keys) this.session.writing?.('keys', record.id, query);
    const { rows: inserted } = await query;
    const stored = new Map<string, Stored<KeyRecord>>();
    const written = new Map(keys.map(({ record }) => [record.id, record]));
    for (const row of inserted) {
      const record = written.get(String(row.id))!;
      stored.set(record.id, this.announce(insertedKey(record, row.version)));
    }
    return stored;
  }

  /** Tells the change feed a write of this key is under way (its echo then waits for the answer). */
  private writing<T>(id: string, write: Promise<T>): Promise<T> {
    this.session.writing?.('keys', id, write);
    return write;
  }

  private announce(record: Stored<KeyRecord>): Stored<KeyRecord> {
    this.session.changed({ collection: 'keys', id: record.id, record });
    return record;
  }
}
