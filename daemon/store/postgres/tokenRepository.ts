// Verify tokens in PostgreSQL: created and deleted, never edited; each with its audit events, in one statement.
import type { AuditEvent } from '../../protocol';
import type { Stored, TokenRepository } from '../repositories';
import { withAuditEvents } from './auditRows';
import type { TokenRecord } from '../types';
import { col, fromRow, placeholders, toValues, type Column, unstorableText } from './columns';
import { isUniqueViolation } from './errors';
import type { Session } from './session';
import { staleRecord } from '../staleRecord';

const TOKEN_COLUMNS: readonly Column<TokenRecord>[] = [
  col('id', 'id'),
  col('name', 'name'),
  col('role', 'role'),
  col('tokenHash', 'token_hash'),
  col('createdAt', 'created_at', 'time'),
];
const COLUMN_LIST = TOKEN_COLUMNS.map(({ column }) => column).join(', ');

export const tokenFromRow = (row: Record<string, unknown>): Stored<TokenRecord> => ({
  ...fromRow(row, TOKEN_COLUMNS),
  version: Number(row.version),
});

export class PostgresTokenRepository implements TokenRepository {
  constructor(private readonly session: Session) {}

  async get(id: string): Promise<Stored<TokenRecord> | undefined> {
    if (unstorableText(id)) return undefined;
    const { rows } = await this.session.query('SELECT * FROM tokens WHERE id = $1', [id]);
    return rows[0] && tokenFromRow(rows[0]);
  }

  async list(): Promise<Stored<TokenRecord>[]> {
    const { rows } = await this.session.query('SELECT * FROM tokens ORDER BY created_at, id');
    return rows.map(tokenFromRow);
  }

  async insert(record: TokenRecord, events?: AuditEvent[]): Promise<Stored<TokenRecord>> {
    let rows: Record<string, unknown>[];
    try {
      ({ rows } = await this.session.query(
        ...withAuditEvents(
          `INSERT INTO tokens (${COLUMN_LIST}) VALUES (${placeholders(TOKEN_COLUMNS.length)}) RETURNING *`,
          toValues(record, TOKEN_COLUMNS),
          events,
        ),
      ));
    } catch (error) {
      throw isUniqueViolation(error, 'tokens_pkey') ? staleRecord('tokens', record) : error;
    }
    const stored = tokenFromRow(rows[0]!);
    this.session.changed({ collection: 'tokens', id: stored.id, record: stored });
    return stored;
  }

  async delete(id: string, events?: AuditEvent[]): Promise<boolean> {
    const { rowCount } = await this.session.query(...withAuditEvents('DELETE FROM tokens WHERE id = $1 RETURNING id', [id], events));
    if (rowCount === 0) return false;
    this.session.changed({ collection: 'tokens', id, record: undefined });
    return true;
  }
}
