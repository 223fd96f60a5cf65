// Services in PostgreSQL, versioned like keys; a change and its audit events are one statement.
import type { AuditEvent } from '../../protocol';
import type { ServiceRepository, Stored } from '../repositories';
import { withAuditEvents } from './auditRows';
import type { ServiceRecord } from '../types';
import { assignments, col, fromRow, placeholders, toValues, type Column, unstorableText } from './columns';
import type { Session } from './session';
import { isForeignKeyViolation, isUniqueViolation } from './errors';
import { staleCollection, staleRecord } from '../staleRecord';
import { staleWriteError } from './staleWrite';

const SERVICE_COLUMNS: readonly Column<ServiceRecord>[] = [
  col('id', 'id'),
  col('name', 'name'),
  col('code', 'code'),
  col('description', 'description'),
  col('endpoint', 'endpoint'),
  col('enabled', 'enabled'),
  col('disabledReason', 'disabled_reason'),
  col('scheme', 'scheme'),
  col('prefix', 'prefix'),
  col('permissions', 'permissions'),
  col('supportsCompanies', 'supports_companies'),
  col('defaultValidityDays', 'default_validity_days'),
  col('builtIn', 'built_in'),
  col('environmentLabels', 'environment_labels', 'json'),
];
const COLUMN_LIST = SERVICE_COLUMNS.map(({ column }) => column).join(', ');
const UPDATED_COLUMNS = SERVICE_COLUMNS.filter(({ field }) => field !== 'id');

export const serviceFromRow = (row: Record<string, unknown>): Stored<ServiceRecord> => ({
  ...fromRow(row, SERVICE_COLUMNS),
  version: Number(row.version),
});

export class PostgresServiceRepository implements ServiceRepository {
  constructor(private readonly session: Session) {}

  async get(id: string): Promise<Stored<ServiceRecord> | undefined> {
    if (unstorableText(id)) return undefined;
    const { rows } = await this.session.query('SELECT * FROM services WHERE id = $1', [id]);
    return rows[0] && serviceFromRow(rows[0]);
  }

  async list(): Promise<Stored<ServiceRecord>[]> {
    const { rows } = await this.session.query('SELECT * FROM services ORDER BY id');
    return rows.map(serviceFromRow);
  }

  async insert(record: ServiceRecord, events?: AuditEvent[]): Promise<Stored<ServiceRecord>> {
    try {
      const { rows } = await this.session.query(
        ...withAuditEvents(
          `INSERT INTO services (${COLUMN_LIST}) VALUES (${placeholders(SERVICE_COLUMNS.length)}) RETURNING *`,
          toValues(record, SERVICE_COLUMNS),
          events,
        ),
      );
      return this.announce(serviceFromRow(rows[0]));
    } catch (error) {
      // Another daemon seeded or created this id first (two daemons starting together seed the presets).
      throw isUniqueViolation(error, 'services_pkey') ? staleRecord('services', record) : error;
    }
  }

  async update(record: ServiceRecord, expectedVersion: number, events?: AuditEvent[]): Promise<Stored<ServiceRecord>> {
    const { rows } = await this.session.query(
      ...withAuditEvents(
        `UPDATE services SET ${assignments(UPDATED_COLUMNS, 3)} WHERE id = $1 AND version = $2 RETURNING *`,
        [record.id, expectedVersion, ...toValues(record, UPDATED_COLUMNS)],
        events,
      ),
    );
    if (rows[0] === undefined) throw await staleWriteError(this.session, 'services', record.id);
    return this.announce(serviceFromRow(rows[0]));
  }

  async delete(id: string, expectedVersion: number, events?: AuditEvent[]): Promise<void> {
    let rowCount: number | null;
    try {
      ({ rowCount } = await this.session.query(
        ...withAuditEvents('DELETE FROM services WHERE id = $1 AND version = $2 RETURNING id', [id, expectedVersion], events),
      ));
    } catch (error) {
      // A key of this service was added since the service was found unused.
      throw isForeignKeyViolation(error, 'keys_service_fkey') ? staleCollection('keys') : error;
    }
    if (rowCount === 0) throw await staleWriteError(this.session, 'services', id);
    this.session.changed({ collection: 'services', id, record: undefined });
  }

  async keyCount(id: string): Promise<number> {
    const { rows } = await this.session.query<{ count: string }>('SELECT count(*) AS count FROM keys WHERE service_id = $1', [id]);
    return Number(rows[0]?.count ?? 0);
  }

  private announce(record: Stored<ServiceRecord>): Stored<ServiceRecord> {
    this.session.changed({ collection: 'services', id: record.id, record });
    return record;
  }
}
