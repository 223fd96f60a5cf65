// The keys table, field by field. Usage (useCount, lastUsedAt, lastUsedIp) is joined from key_usage and
// written only by the usage batcher and by insert (an imported key keeps its history).
import type { Stored } from '../repositories';
import type { KeyRecord } from '../types';
import { col, fromRow, type Column } from './columns';

export const KEY_COLUMNS: readonly Column<KeyRecord>[] = [
  col('id', 'id'),
  col('serviceId', 'service_id'),
  col('environment', 'environment'),
  col('name', 'name'),
  col('reference', 'reference'),
  col('hint', 'hint'),
  col('status', 'status'),
  col('origin', 'origin'),
  col('startsAt', 'starts_at', 'time'),
  col('expiresAt', 'expires_at', 'time'),
  col('permissions', 'permissions'),
  col('companies', 'companies'),
  col('ipAllowList', 'ip_allow_list'),
  col('organization', 'organization'),
  col('createdAt', 'created_at', 'time'),
  col('createdBy', 'created_by'),
  col('updatedAt', 'updated_at', 'time'),
  col('rotatedFrom', 'rotated_from'),
  col('rotatedTo', 'rotated_to'),
  col('graceUntil', 'grace_until', 'time'),
  col('revokedAt', 'revoked_at', 'time'),
  col('secretHash', 'secret_hash'),
  col('sealed', 'sealed'),
];

const USAGE_COLUMNS: readonly Column<KeyRecord>[] = [
  col('useCount', 'use_count', 'count'),
  col('lastUsedAt', 'last_used_at', 'time'),
  col('lastUsedIp', 'last_used_ip'),
];

/** Key columns of `k` with the usage of `u` (a LEFT JOIN key_usage u). */
export const KEY_SELECT = 'k.*, coalesce(u.use_count, 0) AS use_count, u.last_used_at, u.last_used_ip';
export const KEY_FROM = 'keys k LEFT JOIN key_usage u ON u.key_id = k.id';

export function keyFromRow(row: Record<string, unknown>): Stored<KeyRecord> {
  const record = fromRow(row, [...KEY_COLUMNS, ...USAGE_COLUMNS]);
  return { ...record, version: Number(row.version) };
}
