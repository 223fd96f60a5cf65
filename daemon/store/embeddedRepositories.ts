// The repositories over one EmbeddedTransaction: inside a unit of work they share it; on the store
// itself each call is its own transaction (a write commits at once). Everything handed out is a copy.
import type { EmbeddedTransaction } from './embeddedTransaction';
import { selectKeys } from './keyListQuery';
import type { KeyRepository, ServiceRepository, Stored, TokenRepository, UnitOfWork } from './repositories';
import type { KeyRecord, ServiceRecord, TokenRecord, VerifyKey, VerifyProfile } from './types';
import { verifyKeyOf, verifyProfileOf } from './verifyKey';

/** How a repository call reaches a transaction: `read` for reads, `write` runs and commits (or buffers). */
export interface TransactionAccess {
  read<T>(use: (tx: EmbeddedTransaction) => T): Promise<T>;
  write<T>(use: (tx: EmbeddedTransaction) => T): Promise<T>;
}

const copy = <T>(value: T): T => structuredClone(value);

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
 * verify index reads them all), and a key's only nested values are its three string arrays.
 */
function copyKey(record: Stored<KeyRecord> | undefined): Stored<KeyRecord> | undefined {
  if (record === undefined) return record;
  return { ...record, permissions: [...record.permissions], companies: [...record.companies], ipAllowList: [...record.ipAllowList] };
}

const copyKeys = (records: Stored<KeyRecord>[]) => records.map((record) => copyKey(record)!);

/** Keys handed to the verify index per page. */
const VERIFY_PAGE_KEYS = 10_000;

/**
 * The keys as verify needs them. One read takes the list of committed records (references, not copies:
 * a write replaces a record, it never edits it); each page is then narrowed from it, so only a page of
 * narrowed keys exists at a time. Reading in several transactions by position instead could skip a key
 * when another is deleted in between. Keys with the same profile get the same profile object, its
 * arrays copies: one per distinct profile, not three arrays and an object per key to throw away.
 */
async function* verifyKeyPages(access: TransactionAccess): AsyncGenerator<VerifyKey[]> {
  const records = await access.read((tx) => tx.all('keys') as KeyRecord[]);
  const profiles = new Map<string, VerifyProfile>();
  const sharedProfileOf = (record: KeyRecord): VerifyProfile => {
    const text = JSON.stringify([
      record.serviceId,
      record.environment,
      record.permissions,
      record.companies,
      record.ipAllowList,
      record.organization ?? null,
    ]);
    let profile = profiles.get(text);
    if (profile === undefined) {
      profile = verifyProfileOf(record);
      profile = {
        ...profile,
        permissions: [...profile.permissions],
        companies: [...profile.companies],
        ipAllowList: [...profile.ipAllowList],
      };
      profiles.set(text, profile);
    }
    return profile;
  };
  for (let start = 0; start < records.length; start += VERIFY_PAGE_KEYS) {
    yield records.slice(start, start + VERIFY_PAGE_KEYS).map((record) => verifyKeyOf(record, sharedProfileOf(record)));
  }
}

export function repositoriesOver(access: TransactionAccess): UnitOfWork {
  const keys: KeyRepository = {
    get: (id) => access.read((tx) => copyKey(tx.get('keys', id) as Stored<KeyRecord> | undefined)),
    findByHash: (hash) => access.read((tx) => copyKey(tx.keyByHash(hash) as Stored<KeyRecord> | undefined)),
    list: (query) =>
      access.read((tx) => {
        const { items, total } = selectKeys(tx.all('keys') as Stored<KeyRecord>[], query);
        return { items: copyKeys(items), total };
      }),
    all: () => access.read((tx) => copyKeys(tx.all('keys') as Stored<KeyRecord>[])),
    verifyKeys: () => verifyKeyPages(access),
    sealedSample: (limit) =>
      access.read((tx) => {
        const sealed = (tx.all('keys') as KeyRecord[]).filter((key) => key.sealed !== undefined);
        return sealed.slice(0, limit).map(({ id, sealed: copyOf }) => ({ id, sealed: copyOf }));
      }),
    sealedCount: () => access.read((tx) => (tx.all('keys') as KeyRecord[]).filter((key) => key.sealed !== undefined).length),
    insert: (record) => access.write((tx) => tx.insert('keys', record)),
    update: (record, expectedVersion) => access.write((tx) => tx.update('keys', record, expectedVersion)),
    delete: (id, expectedVersion) => access.write((tx) => void tx.delete('keys', id, expectedVersion)),
  };
  const services: ServiceRepository = {
    get: (id) => access.read((tx) => copy(tx.get('services', id) as Stored<ServiceRecord> | undefined)),
    list: () => access.read((tx) => copy(tx.all('services') as Stored<ServiceRecord>[])),
    insert: (record) => access.write((tx) => tx.insert('services', record)),
    update: (record, expectedVersion) => access.write((tx) => tx.update('services', record, expectedVersion)),
    delete: (id, expectedVersion) => access.write((tx) => void tx.delete('services', id, expectedVersion)),
    keyCount: (id) => access.read((tx) => tx.all('keys').filter((key) => (key as KeyRecord).serviceId === id).length),
  };
  const tokens: TokenRepository = {
    list: () => access.read((tx) => copy(tx.all('tokens') as Stored<TokenRecord>[])),
    insert: (record) => access.write((tx) => tx.insert('tokens', record)),
    delete: (id) => access.write((tx) => tx.delete('tokens', id, undefined)),
  };
  return { keys, services, tokens };
}
