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
/**
 * Keys are read through the keys_readable view (migration 002): every column, with `sealed` only where
 * the member may read it (NULL elsewhere), since a member's column grants on `keys` leave it out.
 */
export const KEY_FROM = 'keys_readable k LEFT JOIN key_usage u ON u.key_id = k.id';

/** How a repository reads keys: the full view, or the verify columns a verifier is granted. */
export interface KeyReads {
  /** Names the prepared statements of these reads. */
  name: string;
  select: string;
  from: string;
}

export const FULL_KEY_READS: KeyReads = { name: 'keysmith_key_full', select: KEY_SELECT, from: KEY_FROM };

/** What verify needs (core/keyIndex.ts), as granted to keysmith_verifier: no names, creators, usage or secrets. */
export const VERIFY_KEY_READS: KeyReads = {
  name: 'keysmith_key_verify',
  select:
    'k.id, k.service_id, k.environment, k.reference, k.status, k.starts_at, k.expires_at, k.grace_until, k.permissions, ' +
    'k.companies, k.ip_allow_list, k.organization, k.secret_hash, k.version, 0 AS use_count',
  from: 'keys k',
};

/**
 * What an insert or update returns: every column but `sealed`, which most members may write but not
 * read back (the record keeps the value it was written with).
 */
export const KEY_RETURNING = [...KEY_COLUMNS.filter(({ field }) => field !== 'sealed').map(({ column }) => column), 'version'].join(', ');

/**
 * A new key as a read of its row would return it, from the record it was inserted with and the version
 * the database gave it: the insert wrote every column from that record and nothing else changes them
 * (the insert trigger sets only the version; a new key has no usage). Reading every column back cost
 * the database the sending and the daemon the parsing of 22 columns per create.
 */
export function insertedKey(record: KeyRecord, version: unknown): Stored<KeyRecord> {
  // The fields in the order keyFromRow gives them; absent where the column is NULL.
  const stored: Record<string, unknown> = {};
  for (const { field, kind } of KEY_COLUMNS) {
    const value = record[field];
    if (value === undefined || value === null) continue;
    // Arrays copied, as a read gives the caller arrays of its own.
    if (Array.isArray(value)) stored[field] = [...(value as string[])];
    else stored[field] = kind === 'time' ? canonicalTime(value as string) : value;
  }
  stored.useCount = 0;
  stored.version = Number(version);
  return stored as unknown as Stored<KeyRecord>;
}

const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A date as a read returns it (toISOString of what PostgreSQL stored). The core writes dates in that
 * form already; PostgreSQL took the value, so it is a real date, and such a string reads back as is.
 */
const canonicalTime = (value: string): string => (CANONICAL_TIME.test(value) ? value : new Date(value).toISOString());

export function keyFromRow(row: Record<string, unknown>): Stored<KeyRecord> {
  const record = fromRow(row, [...KEY_COLUMNS, ...USAGE_COLUMNS]);
  return { ...record, version: Number(row.version) };
}
