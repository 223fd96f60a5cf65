// The audit log in PostgreSQL: appended in one statement per batch, read newest first. The table
// refuses updates and deletes (a trigger), whoever asks.
import type { AuditEvent } from '../../protocol';
import type { AuditRepository } from '../repositories';
import { unstorableText } from './columns';
import type { Session } from './session';

interface AuditRow {
  event_id: string;
  at: Date;
  actor: string;
  action: string;
  key_id: string | null;
  details: Record<string, unknown> | null;
}

function eventFromRow(row: AuditRow): AuditEvent {
  const event: AuditEvent = { id: row.event_id, at: row.at.toISOString(), actor: row.actor, action: row.action };
  if (row.key_id !== null) event.keyId = row.key_id;
  if (row.details !== null) event.details = row.details;
  return event;
}

export class PostgresAuditRepository implements AuditRepository {
  constructor(private readonly session: Session) {}

  async append(events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    // One row per event, in the order given (WITH ORDINALITY), so ids follow the caller's order. An event
    // already there is skipped: the audit trail writes refused events again, and a batch whose COMMIT
    // was lost with the connection may in fact be stored; it must not block every later event.
    // `recorded_by` is left to the database (session_user, checked by migration 002's row policy).
    await this.session.query(
      `INSERT INTO audit (event_id, at, actor, action, key_id, details)
       SELECT e.event_id, e.at, e.actor, e.action, e.key_id, e.details
       FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
         WITH ORDINALITY AS e(event_id, at, actor, action, key_id, details, position)
       ORDER BY e.position
       ON CONFLICT (event_id) DO NOTHING`,
      [
        events.map((event) => event.id),
        events.map((event) => event.at),
        events.map((event) => event.actor),
        events.map((event) => event.action),
        events.map((event) => event.keyId ?? null),
        events.map((event) => (event.details === undefined ? null : JSON.stringify(event.details))),
      ],
    );
  }

  async query(filter: { keyId?: string; limit: number }): Promise<AuditEvent[]> {
    if (filter.keyId !== undefined && unstorableText(filter.keyId)) return [];
    const { rows } =
      filter.keyId === undefined
        ? await this.session.query<AuditRow>('SELECT * FROM audit ORDER BY id DESC LIMIT $1', [filter.limit])
        : await this.session.query<AuditRow>('SELECT * FROM audit WHERE key_id = $1 ORDER BY id DESC LIMIT $2', [
            filter.keyId,
            filter.limit,
          ]);
    return rows.map(eventFromRow);
  }
}
