// The repositories over one EmbeddedTransaction: inside a unit of work they share it; on the store
// itself each call is its own transaction (a write commits at once). Everything handed out is a copy.
import type { AuditEvent } from '../../protocol';
import { versionOf, type EmbeddedRecord } from './recordState';
import type { EmbeddedTransaction } from './embeddedTransaction';
import { selectKeys } from '../keyListQuery';
import type { KeyRepository, ServiceRepository, Stored, TokenRepository, UnitOfWork } from '../repositories';
import { serviceNoLongerEnabled } from '../staleRecord';
import type { KeyRecord, ServiceRecord, TokenRecord, VerifyKey } from '../types';
import { verifyKeyOf } from '../verifyKey';

/**
 * How a repository call reaches a transaction: `read` for reads, `write` runs and commits (or buffers)
 * with the audit events that describe it, appended once the write committed.
 */
export interface TransactionAccess {
  read<T>(use: (tx: EmbeddedTransaction) => T): Promise<T>;
  write<T>(use: (tx: EmbeddedTransaction) => T, events?: AuditEvent[]): Promise<T>;
}

/** A record's own copy, with its version (a record stored before versions reads as version 1). */
const copy = <T extends EmbeddedRecord>(record: T | undefined): Stored<T> | undefined =>
  record === undefined ? undefined : { ...structuredClone(record), version: versionOf(record) };
const copyAll = <T extends EmbeddedRecord>(records: T[]): Stored<T>[] => records.map((record) => copy(record)!);

/** The key fields that hold more than a scalar: each is an array of strings. */
type NestedKeyField = {
  [K in keyof KeyRecord]-?: NonNullable<KeyRecord[K]> extends string | number | boolean ? never : K;
}[keyof KeyRecord];
// A field added to KeyRecord that is neither a scalar nor one of these arrays fails to compile here: it
// must be copied in copyKey first.
type StringArrayField<F extends 'permissions' | 'companies' | 'ipAllowList'> = F;
type _KeyCopyIsComplete = StringArrayField<NestedKeyField>;

/**
 * A key's own copy, made by hand: structuredClone of every key was most of a 100k-key start-up (the
 * verify index reads them all), and a key's only nested values are its three string arrays. A key
 * stored before versions gets its version 1 first, not last: a field added after the spread makes
 * V8 build each copy twice as big, several times slower, and slower to read.
 */
function copyKey(record: EmbeddedRecord | undefined): Stored<KeyRecord> | undefined {
  if (record === undefined) return record;
  const key = record as Stored<KeyRecord>;
  const arrays = { permissions: [...key.permissions], companies: [...key.companies], ipAllowList: [...key.ipAllowList] };
  return key.version === undefined ? { version: 1, ...(key as KeyRecord), ...arrays } : { ...key, ...arrays };
}

const copyKeys = (records: EmbeddedRecord[]) => records.map((record) => copyKey(record)!);

/** Keys handed to the verify index per page. */
const VERIFY_PAGE_KEYS = 10_000;

/**
 * The keys as verify needs them. One read takes the list of committed records (references, not copies:
 * a write replaces a record, it never edits it); each page is then narrowed from it, so only a page of
 * narrowed keys exists at a time. Reading in several transactions by position instead could skip a key
 * when another is deleted in between. The narrowed keys share the records' arrays: the index keeps its
 * own copy, once per distinct profile (core/keyProfiles.ts).
 */
async function* verifyKeyPages(access: TransactionAccess): AsyncGenerator<VerifyKey[]> {
  const records = await access.read((tx) => tx.all('keys') as KeyRecord[]);
  for (let start = 0; start < records.length; start += VERIFY_PAGE_KEYS) {
    yield records.slice(start, start + VERIFY_PAGE_KEYS).map((record) => verifyKeyOf(record));
  }
}

export function repositoriesOver(access: TransactionAccess): UnitOfWork {
  const keys: KeyRepository = {
    get: (id) => access.read((tx) => copyKey(tx.get('keys', id))),
    findByHash: (hash) => access.read((tx) => copyKey(tx.keyByHash(hash))),
    list: (query) =>
      access.read((tx) => {
        const { items, total } = selectKeys(tx.all('keys') as KeyRecord[], query);
        return { items: copyKeys(items), total };
      }),
    all: () => access.read((tx) => copyKeys(tx.all('keys'))),
    verifyKeys: () => verifyKeyPages(access),
    keyCountHint: () => access.read((tx) => tx.all('keys').length),
    sealedSample: (limit) =>
      access.read((tx) => {
        const sealed = (tx.all('keys') as KeyRecord[]).filter((key) => key.sealed !== undefined);
        return sealed.slice(0, limit).map(({ id, sealed: copyOf }) => ({ id, sealed: copyOf }));
      }),
    sealedCount: () => access.read((tx) => (tx.all('keys') as KeyRecord[]).filter((key) => key.sealed !== undefined).length),
    insert: (record, write = {}) =>
      access.write((tx) => {
        // Read in the write's transaction, which checks at commit that the service did not move meanwhile.
        if (write.requireEnabledService && !(tx.get('services', record.serviceId) as ServiceRecord | undefined)?.enabled)
          throw serviceNoLongerEnabled();
        return tx.insert('keys', record);
      }, write.events),
    update: (record, expectedVersion, events) => access.write((tx) => tx.update('keys', record, expectedVersion), events),
    delete: (id, expectedVersion, events) => access.write((tx) => void tx.delete('keys', id, expectedVersion), events),
  };
  const services: ServiceRepository = {
    get: (id) => access.read((tx) => copy(tx.get('services', id) as ServiceRecord | undefined)),
    list: () => access.read((tx) => copyAll(tx.all('services') as ServiceRecord[])),
    insert: (record, events) => access.write((tx) => tx.insert('services', record), events),
    update: (record, expectedVersion, events) => access.write((tx) => tx.update('services', record, expectedVersion), events),
    delete: (id, expectedVersion, events) => access.write((tx) => void tx.delete('services', id, expectedVersion), events),
    keyCount: (id) => access.read((tx) => tx.all('keys').filter((key) => (key as KeyRecord).serviceId === id).length),
  };
  const tokens: TokenRepository = {
    list: () => access.read((tx) => copyAll(tx.all('tokens') as TokenRecord[])),
    insert: (record, events) => access.write((tx) => tx.insert('tokens', record), events),
    delete: (id, events) => access.write((tx) => tx.delete('tokens', id, undefined), events),
  };
  return { keys, services, tokens };
}
