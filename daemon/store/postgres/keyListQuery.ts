// The keys list as one SQL statement: filters (the derived state at the core's `now` included), the
// sort with its id tie-break, one page, and the count of every match.
import type { KeyListQuery } from '../repositories';
import { KEY_FROM, KEY_SELECT } from './keyColumns';

/**
 * keys/keyState.ts `stateAt`, in SQL: a grace period that ended counts as revoked, then a stored status
 * other than active wins, then the dates derive scheduled and expired. `now` is a parameter reference.
 */
export function stateSql(now: string): string {
  return `CASE
    WHEN k.status <> 'revoked' AND k.grace_until IS NOT NULL AND ${now} >= k.grace_until THEN 'revoked'
    WHEN k.status <> 'active' THEN k.status
    WHEN ${now} < k.starts_at THEN 'scheduled'
    WHEN k.expires_at IS NOT NULL AND ${now} >= k.expires_at THEN 'expired'
    ELSE 'active' END`;
}

const SORT_COLUMNS: Record<KeyListQuery['sort'], string> = { startsAt: 'k.starts_at', createdAt: 'k.created_at', name: 'k.name' };

export interface SqlStatement {
  text: string;
  values: unknown[];
}

/** The WHERE clause (possibly empty) and its values. */
export function keyFilterSql(query: KeyListQuery): SqlStatement {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const conditions: string[] = [];
  if (query.serviceId !== undefined) conditions.push(`k.service_id = ${param(query.serviceId)}`);
  if (query.environment !== undefined) conditions.push(`k.environment = ${param(query.environment)}`);
  if (query.createdBy !== undefined) conditions.push(`k.created_by = ${param(query.createdBy)}`);
  if (query.q) {
    // As the embedded store: the needle is NFC-normalised and lower-cased, then found anywhere.
    const needle = param(query.q.normalize('NFC').toLowerCase());
    conditions.push(`(strpos(lower(k.name), ${needle}) > 0 OR strpos(lower(k.reference), ${needle}) > 0)`);
  }
  if (query.state !== undefined) {
    const now = `${param(query.now.toISOString())}::timestamptz`;
    conditions.push(`${stateSql(now)} = ${param(query.state)}`);
  }
  return { text: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', values };
}

export function keyPageSql(query: KeyListQuery): SqlStatement {
  const filter = keyFilterSql(query);
  const values = [...filter.values];
  const direction = query.order === 'desc' ? 'DESC' : 'ASC';
  const limit = `$${values.push(query.pageSize)}`;
  const offset = `$${values.push((query.page - 1) * query.pageSize)}`;
  return {
    text: `SELECT ${KEY_SELECT}, count(*) OVER () AS total FROM ${KEY_FROM} ${filter.text}
      ORDER BY ${SORT_COLUMNS[query.sort]} ${direction}, k.id ${direction} LIMIT ${limit} OFFSET ${offset}`,
    values,
  };
}

/** The count alone, for a page past the last match (no row to carry `total`). */
export function keyCountSql(query: KeyListQuery): SqlStatement {
  const filter = keyFilterSql(query);
  return { text: `SELECT count(*) AS total FROM keys k ${filter.text}`, values: filter.values };
}
