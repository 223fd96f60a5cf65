// The audit log in PostgreSQL: appended in one statement per batch, read newest first. The table
// refuses updates and deletes (a trigger), whoever asks.
import type { AuditEvent } from '../../protocol';
import type { AuditRepository } from '../repositories';
import { auditInsertSql, auditValues } from './auditRows';
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
    // An event already there is skipped: the audit trail writes refused events again, and a batch whose
    // COMMIT was lost with the connection may in fact be stored; it must not block every later event.
    await this.session.query(`${auditInsertSql(1)} ON CONFLICT (event_id) DO NOTHING`, auditValues(events));
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
