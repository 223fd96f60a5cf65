// Records to rows and back, one table of field ↔ column per record type. Absent optional fields are
// NULL; NULL comes back as an absent field (never `undefined`), so a record reads back equal to what was
// written. timestamptz comes back as a Date and goes out as the canonical ISO string.

export type ColumnKind = 'plain' | 'time' | 'json' | 'count';

export interface Column<T> {
  field: keyof T & string;
  column: string;
  kind?: ColumnKind;
}

export const col = <T>(field: keyof T & string, column: string, kind: ColumnKind = 'plain'): Column<T> => ({ field, column, kind });

export function toValues<T>(record: T, columns: readonly Column<T>[]): unknown[] {
  return columns.map(({ field, kind }) => {
    const value = record[field];
    if (value === undefined || value === null) return null;
    return kind === 'json' ? JSON.stringify(value) : value;
  });
}

export function fromRow<T>(row: Record<string, unknown>, columns: readonly Column<T>[]): T {
  const record: Record<string, unknown> = {};
  for (const { field, column, kind } of columns) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    if (kind === 'time') record[field] = value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
    else if (kind === 'count') record[field] = Number(value);
    else record[field] = value;
  }
  return record as T;
}

/** `$first, $first+1, ...` for an INSERT of `count` values. */
export const placeholders = (count: number, first = 1) => Array.from({ length: count }, (_, index) => `$${index + first}`).join(', ');

/** The SQL type of a column, for a parameter that needs a cast. Arrays are the string arrays of keys. */
export function columnType(column: string, kind: ColumnKind = 'plain'): string {
  if (kind === 'time') return 'timestamptz';
  if (kind === 'count') return 'bigint';
  if (kind === 'json') return 'jsonb';
  return ARRAY_COLUMNS.has(column) ? 'text[]' : 'text';
}

const ARRAY_COLUMNS = new Set(['permissions', 'companies', 'ip_allow_list']);

/** `column = $first, ...` for an UPDATE. */
export const assignments = <T>(columns: readonly Column<T>[], first: number) =>
  columns.map(({ column }, index) => `${column} = $${index + first}`).join(', ');

/**
 * PostgreSQL text cannot hold U+0000 (the server refuses it, 22021): no stored id has one, so a lookup
 * of such an id finds nothing instead of failing (GET /v1/keys/%00 is a 404, as on the embedded store).
 */
export const unstorableText = (text: string): boolean => text.includes('\u0000');
