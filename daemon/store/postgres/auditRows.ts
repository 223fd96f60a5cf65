// Audit events as statement parameters: one array per column, unnested back into rows in the order
// given (WITH ORDINALITY), so the audit ids follow the caller's order. Shared by the audit repository
// (a batch on its own) and the key writes (their events in the same statement as the change).
import type { AuditEvent } from '../../protocol';

/** The six arrays `auditInsertSql` reads, in its parameter order. */
export function auditValues(events: readonly AuditEvent[]): unknown[] {
  return [
    events.map((event) => event.id),
    events.map((event) => event.at),
    events.map((event) => event.actor),
    events.map((event) => event.action),
    events.map((event) => event.keyId ?? null),
    events.map((event) => (event.details === undefined ? null : JSON.stringify(event.details))),
  ];
}

/**
 * `INSERT INTO audit` of the events in parameters `$first` to `$first + 5`; with `onlyAfter` (the name
 * of a CTE of the same statement) only when that CTE returned a row, i.e. when the change was made.
 * `recorded_by` is left to the database (session_user, checked by migration 002's row policy).
 */
export function auditInsertSql(first: number, onlyAfter?: string): string {
  const p = (offset: number) => `$${first + offset}`;
  return `INSERT INTO audit (event_id, at, actor, action, key_id, details)
       SELECT e.event_id, e.at, e.actor, e.action, e.key_id, e.details
       FROM unnest(${p(0)}::text[], ${p(1)}::timestamptz[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::text[], ${p(5)}::jsonb[])
         WITH ORDINALITY AS e(event_id, at, actor, action, key_id, details, position)
       ${onlyAfter === undefined ? '' : `WHERE EXISTS (SELECT 1 FROM ${onlyAfter})`}
       ORDER BY e.position`;
}

/**
 * `sql` (an INSERT, UPDATE or DELETE with RETURNING, parameters `$1…$n` in `values`) with `events`
 * stored in the same statement, only when it returned a row: one commit for a change and its events.
 * Without events, `sql` itself.
 */
export function withAuditEvents(sql: string, values: unknown[], events: readonly AuditEvent[] | undefined): [string, unknown[]] {
  if (events === undefined || events.length === 0) return [sql, values];
  return [
    `WITH changed AS (${sql}), logged AS (${auditInsertSql(values.length + 1, 'changed')}) SELECT * FROM changed`,
    [...values, ...auditValues(events)],
  ];
}
