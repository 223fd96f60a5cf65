// What a store file must look like before the daemon trusts it. Structural only (types of the fields
// the code relies on); unknown fields are kept so a newer file still round-trips. Issues name the path
// and the expected type, never the value found (it may be a hash or a sealed secret).
//
// Checked record by record: zod's parse returns a copy, and one parse of the whole store made a second
// copy of every record at once (at 100k keys ~50 MB more at the start-up's peak). A record's copy is
// garbage as soon as it is checked.
import { z } from 'zod';
import type { StoreData } from '../types';

const strings = z.array(z.string());
const optionalString = z.string().optional();
/** The store's version of a record (repositories.ts); absent in stores written before versions (read as 1). */
const recordVersion = z.number().int().positive().optional();

const keyRecord = z.looseObject({
  id: z.string(),
  serviceId: z.string(),
  environment: z.string(),
  name: z.string(),
  reference: z.string(),
  hint: z.string(),
  secretHash: z.string(),
  sealed: optionalString,
  origin: z.string(),
  status: z.string(),
  startsAt: z.string(),
  expiresAt: optionalString,
  permissions: strings,
  companies: strings,
  ipAllowList: strings,
  organization: optionalString,
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  lastUsedAt: optionalString,
  lastUsedIp: optionalString,
  useCount: z.number(),
  rotatedFrom: optionalString,
  rotatedTo: optionalString,
  graceUntil: optionalString,
  revokedAt: optionalString,
  version: recordVersion,
});

const serviceRecord = z.looseObject({ id: z.string(), name: z.string(), version: recordVersion });

const tokenRecord = z.looseObject({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  tokenHash: z.string(),
  createdAt: z.string(),
  version: recordVersion,
});

/** The file around the records: the records themselves are checked one by one (RECORDS). */
const storeData = z.looseObject({
  version: z.literal(1),
  services: z.array(z.unknown()),
  keys: z.array(z.unknown()),
  tokens: z.array(z.unknown()),
  /** In store.json only: the last journal batch the snapshot includes. */
  journalSeq: z.number().int().nonnegative().optional(),
});

const RECORDS = [
  ['services', serviceRecord],
  ['keys', keyRecord],
  ['tokens', tokenRecord],
] as const;

/** Returns `value` as StoreData, or throws an Error describing the first few problems by path. */
export function assertStoreShape(value: unknown): StoreData {
  const file = storeData.safeParse(value);
  const issues = file.success ? [] : file.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (file.success) {
    const data = value as Record<string, unknown[]>;
    for (const [collection, schema] of RECORDS) {
      data[collection]!.forEach((record, index) => {
        const checked = schema.safeParse(record);
        if (!checked.success)
          issues.push(...checked.error.issues.map((issue) => `${formatPath([collection, index, ...issue.path])}: ${issue.message}`));
      });
    }
  }
  if (issues.length === 0) return value as StoreData;
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  throw new Error(`not a Keysmith store (${issues.slice(0, 3).join('; ')}${more})`);
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`)).join('');
}
