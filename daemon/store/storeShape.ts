// What a store file must look like before the daemon trusts it. Structural only (types of the fields
// the code relies on); unknown fields are kept so a newer file still round-trips. Issues name the path
// and the expected type, never the value found (it may be a hash or a sealed secret).
import { z } from 'zod';
import type { StoreData } from './types';

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

const storeData = z.looseObject({
  version: z.literal(1),
  services: z.array(serviceRecord),
  keys: z.array(keyRecord),
  tokens: z.array(tokenRecord),
  /** In store.json only: the last journal batch the snapshot includes. */
  journalSeq: z.number().int().nonnegative().optional(),
});

/** Returns `value` as StoreData, or throws an Error describing the first few problems by path. */
export function assertStoreShape(value: unknown): StoreData {
  const result = storeData.safeParse(value);
  if (result.success) return value as StoreData;
  const problems = result.error.issues.slice(0, 3).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : '';
  throw new Error(`not a Keysmith store (${problems.join('; ')}${more})`);
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`)).join('');
}
