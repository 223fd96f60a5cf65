// Fills a fresh data dir with N keys through the real store API (openEmbeddedStore, its initial state), the way
// the daemon would have stored them: real key format, SHA-256 hashes, AES-GCM sealed copies for the test
// environment under the data dir's own master key. The daemon is then started on that data dir.
import type { Environment, Service } from '../daemon/protocol';
import { describeSecret } from '../daemon/core/keyMinting';
import { generateSecret } from '../daemon/keys/keyFormat';
import { loadMasterKey } from '../daemon/keys/masterKey';
import { createSealer } from '../daemon/keys/sealing';
import { initialStoreData } from '../daemon/server';
import { openEmbeddedStore } from '../daemon/store/embedded/embeddedStore';
import type { KeyRecord, StoreData } from '../daemon/store/types';

/** What a verify needs to know about one seeded key; never written anywhere but the bench's memory. */
export interface SeededKey {
  secret: string;
  keyId: string;
  serviceId: string;
  environment: Environment;
  permissions: string[];
  secretHash: string;
}

export interface SeededStore {
  keyCount: number;
  /** Every seeded key (secret included) when `keepSecrets`, else only the first. */
  keys: SeededKey[];
  /**
   * The state the store holds after seeding, as plain data (hashes, never secrets). Benches use it
   * rather than reading store files, so they do not depend on how the store lays out its files.
   */
  state: StoreData;
}

const DAY_MS = 86_400_000;

/** Seeds `count` active keys spread over the enabled built-in services and both environments. */
export async function seedStore(dataDir: string, count: number, options: { keepSecrets?: boolean } = {}): Promise<SeededStore> {
  const sealer = createSealer(await loadMasterKey(dataDir));
  const services = initialStoreData().services.filter((service) => service.enabled);
  const now = Date.now();
  const records: KeyRecord[] = [];
  const kept: SeededKey[] = [];
  for (let i = 0; i < count; i += 1) {
    const service = services[i % services.length]!;
    const environment: Environment = Math.floor(i / services.length) % 2 === 0 ? 'production' : 'test';
    const secret = generateSecret(service.prefix, environment);
    const record = keyRecord(service, environment, i, secret, sealer, new Date(now - (count - i) * 60_000));
    records.push(record);
    if (options.keepSecrets || i === 0) {
      kept.push({
        secret,
        keyId: record.id,
        serviceId: record.serviceId,
        environment,
        permissions: record.permissions,
        secretHash: record.secretHash,
      });
    }
  }
  const initial = initialStoreData();
  // A fresh data dir: the store's initial state, with these keys, becomes its first snapshot.
  const store = await openEmbeddedStore({ dataDir, initialData: () => ({ ...structuredClone(initial), keys: structuredClone(records) }) });
  await store.close();
  // The data dir is fresh, so the store now holds exactly the initial state plus these records. Built
  // from our own objects: the store's records are its own.
  const state: StoreData = { ...initial, keys: records };
  return { keyCount: count, keys: kept, state };
}

/** One seeded key as the daemon stores it (also the rows the team bench writes into PostgreSQL). */
export function keyRecord(
  service: Service,
  environment: Environment,
  index: number,
  secret: string,
  sealer: ReturnType<typeof createSealer>,
  createdAt: Date,
): KeyRecord {
  const minted = describeSecret(sealer, service, secret, { retrievable: environment === 'test' });
  const created = createdAt.toISOString();
  const record: KeyRecord = {
    id: minted.id,
    serviceId: service.id,
    environment,
    name: `bench key ${String(index).padStart(6, '0')}`,
    reference: minted.reference,
    hint: minted.hint,
    secretHash: minted.secretHash,
    origin: 'generated',
    status: 'active',
    startsAt: created,
    expiresAt: new Date(createdAt.getTime() + 365 * DAY_MS).toISOString(),
    permissions: [],
    companies: [],
    ipAllowList: [],
    organization: 'Bench Org',
    createdAt: created,
    createdBy: 'bench',
    updatedAt: created,
    useCount: 0,
  };
  if (minted.sealed !== undefined) record.sealed = minted.sealed;
  return record;
}
