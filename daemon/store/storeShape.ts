// What a store file must look like before the daemon trusts it. Structural only (types of the fields
// the code relies on); unknown fields are kept so a newer file still round-trips. Issues name the path
// and the expected type, never the value found (it may be a hash or a sealed secret).
// Checked by hand, in place, a list of fields per type: a schema library's parse copied every record
// (at 100k keys a second copy of the store in memory, and a tenth of the start-up).
import type { StoreData } from './types';

type Kind = 'strings' | 'optionalStrings' | 'stringArrays' | 'numbers';
/** The fields of each kind, split once from space-separated names. */
type Shape = Record<Kind, string[]>;
const shape = (kinds: Partial<Record<Kind, string>>): Shape => {
  const names = (list = '') => list.split(' ').filter(Boolean);
  return {
    strings: names(kinds.strings),
    optionalStrings: names(kinds.optionalStrings),
    stringArrays: names(kinds.stringArrays),
    numbers: names(kinds.numbers),
  };
};

/** The store's version of a record (repositories.ts); absent in stores written before versions (read as 1). */
const isRecordVersion = (value: unknown) => value === undefined || (Number.isInteger(value) && (value as number) > 0);

const KEY = shape({
  strings: 'id serviceId environment name reference hint secretHash origin status startsAt createdAt createdBy updatedAt',
  optionalStrings: 'sealed expiresAt organization lastUsedAt lastUsedIp rotatedFrom rotatedTo graceUntil revokedAt',
  stringArrays: 'permissions companies ipAllowList',
  numbers: 'useCount',
});
const SERVICE = shape({ strings: 'id name' });
const TOKEN = shape({ strings: 'id name role tokenHash createdAt' });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const isStrings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Adds a problem per field of `collection[index]` not as `shape` says (no closure per record: 100k of them). */
function checkRecord(record: unknown, shape: Shape, problems: string[], collection: string, index: number): void {
  const wrong = (field: string, expected: string) => problems.push(`${collection}[${index}].${field}: expected ${expected}`);
  if (!isObject(record)) return void problems.push(`${collection}[${index}]: expected an object`);
  for (const field of shape.strings) if (typeof record[field] !== 'string') wrong(field, 'a string');
  for (const field of shape.optionalStrings) {
    if (record[field] !== undefined && typeof record[field] !== 'string') wrong(field, 'a string or nothing');
  }
  for (const field of shape.stringArrays) if (!isStrings(record[field])) wrong(field, 'an array of strings');
  for (const field of shape.numbers) if (typeof record[field] !== 'number') wrong(field, 'a number');
  if (!isRecordVersion(record.version)) wrong('version', 'a positive integer or nothing');
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
      else records.forEach((record, i) => checkRecord(record, shape, problems, collection, i));
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
