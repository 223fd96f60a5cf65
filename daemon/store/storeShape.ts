// What a store file must look like before the daemon trusts it. Structural only (types of the fields
// the code relies on); unknown fields are kept so a newer file still round-trips. Issues name the path
// and the expected type, never the value found (it may be a hash or a sealed secret).
// Checked by hand, in place, a list of fields per type: a schema library's parse copied every record
// (at 100k keys a second copy of the store in memory, and a tenth of the start-up).
import type { StoreData } from './types';

interface Shape {
  strings?: string[];
  optionalStrings?: string[];
  stringArrays?: string[];
  numbers?: string[];
}

/** The store's version of a record (repositories.ts); absent in stores written before versions (read as 1). */
const isRecordVersion = (value: unknown) => value === undefined || (Number.isInteger(value) && (value as number) > 0);

const KEY: Shape = {
  strings: [
    'id',
    'serviceId',
    'environment',
    'name',
    'reference',
    'hint',
    'secretHash',
    'origin',
    'status',
    'startsAt',
    'createdAt',
    'createdBy',
    'updatedAt',
  ],
  optionalStrings: [
    'sealed',
    'expiresAt',
    'organization',
    'lastUsedAt',
    'lastUsedIp',
    'rotatedFrom',
    'rotatedTo',
    'graceUntil',
    'revokedAt',
  ],
  stringArrays: ['permissions', 'companies', 'ipAllowList'],
  numbers: ['useCount'],
};
const SERVICE: Shape = { strings: ['id', 'name'] };
const TOKEN: Shape = { strings: ['id', 'name', 'role', 'tokenHash', 'createdAt'] };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Adds a problem per field of `record` not as `shape` says; `path` names the record (built only then). */
function checkRecord(record: unknown, shape: Shape, problems: string[], path: () => string): void {
  if (!isObject(record)) return void problems.push(`${path()}: expected an object`);
  const expect = (ok: boolean, field: string, what: string) => ok || problems.push(`${path()}.${field}: expected ${what}`);
  for (const field of shape.strings ?? []) expect(typeof record[field] === 'string', field, 'a string');
  for (const field of shape.optionalStrings ?? []) {
    const value = record[field];
    expect(value === undefined || typeof value === 'string', field, 'a string or nothing');
  }
  for (const field of shape.stringArrays ?? []) {
    const value = record[field];
    expect(Array.isArray(value) && value.every((item) => typeof item === 'string'), field, 'an array of strings');
  }
  for (const field of shape.numbers ?? []) expect(typeof record[field] === 'number', field, 'a number');
  expect(isRecordVersion(record.version), 'version', 'a positive integer or nothing');
}

/** Returns `value` as StoreData, or throws an Error describing the first few problems by path. */
export function assertStoreShape(value: unknown): StoreData {
  const problems: string[] = [];
  if (!isObject(value)) problems.push('(top level): expected an object');
  else {
    if (value.version !== 1) problems.push('version: expected 1');
    for (const [collection, shape] of [
      ['services', SERVICE],
      ['keys', KEY],
      ['tokens', TOKEN],
    ] as const) {
      const records = value[collection];
      if (!Array.isArray(records)) problems.push(`${collection}: expected an array`);
      else records.forEach((record, i) => checkRecord(record, shape, problems, () => `${collection}[${i}]`));
    }
    // In store.json only: the last journal batch the snapshot includes.
    const seq = value.journalSeq;
    if (seq !== undefined && !(Number.isInteger(seq) && (seq as number) >= 0))
      problems.push('journalSeq: expected a non-negative integer or nothing');
  }
  if (problems.length === 0) return value as unknown as StoreData;
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  throw new Error(`not a Keysmith store (${problems.slice(0, 3).join('; ')}${more})`);
}
