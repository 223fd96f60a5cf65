// The committed state of the embedded store, kept by the journaled engine (journaledStore.ts): records
// by id and keys by secret hash, indexed in memory, and commits run as one engine transaction each.
import type { CommittedState, EngineRecord, RecordWrite } from './committedState';
import type { JournaledKeyStore } from './journaledStore';
import type { Collection } from './staleRecord';
import type { KeyRecord, StoreData } from './types';

const COLLECTIONS: readonly Collection[] = ['keys', 'services', 'tokens'];

interface Indexes {
  byId: Record<Collection, Map<string, EngineRecord>>;
  keyIdByHash: Map<string, string>;
}

export class JournaledState implements CommittedState {
  private indexes: Indexes | undefined;
  private readonly counts: Record<Collection, number> = { keys: 0, services: 0, tokens: 0 };

  constructor(
    private readonly engine: JournaledKeyStore,
    /** Called with each commit's records as stored, once durable and before the commit resolves. */
    private readonly published: (writes: RecordWrite[]) => void,
  ) {}

  get(collection: Collection, id: string): EngineRecord | undefined {
    return this.index().byId[collection].get(id);
  }

  keyIdByHash(secretHash: string): string | undefined {
    return this.index().keyIdByHash.get(secretHash);
  }

  values(collection: Collection): Iterable<EngineRecord> {
    return this.engine.read()[collection] as EngineRecord[];
  }

  changeCount(collection: Collection): number {
    return this.counts[collection];
  }

  async commit(writes: RecordWrite[], validate: () => void): Promise<RecordWrite[]> {
    let stored: RecordWrite[];
    try {
      stored = await this.engine.transact((data) => {
        validate();
        return writes.map((write) => this.apply(data, write));
      });
    } catch (error) {
      // The engine undid the batch: the indexes may point at records it put back; rebuild them on next use.
      this.indexes = undefined;
      throw error;
    }
    this.published(stored);
    return stored;
  }

  /** Applies one write to the engine's draft and to the indexes (later commits of the batch see it). */
  private apply(data: StoreData, write: RecordWrite): RecordWrite {
    const { byId, keyIdByHash } = this.index();
    const records = byId[write.collection];
    const existing = records.get(write.id);
    const array = data[write.collection] as EngineRecord[];
    const position = existing === undefined ? -1 : (this.engine.read()[write.collection] as EngineRecord[]).indexOf(existing);
    this.counts[write.collection]++;
    if (write.collection === 'keys' && existing) keyIdByHash.delete((existing as KeyRecord).secretHash);
    if (write.record === undefined) {
      if (position !== -1) array.splice(position, 1);
      records.delete(write.id);
      return write;
    }
    const record = structuredClone(write.record);
    if (write.collection === 'keys') {
      if (existing) keepUsage(record as KeyRecord, existing as KeyRecord);
      keyIdByHash.set((record as KeyRecord).secretHash, record.id);
    }
    if (position === -1) array.push(record);
    else array[position] = record;
    records.set(write.id, record);
    return { collection: write.collection, id: write.id, record: structuredClone(record) };
  }

  private index(): Indexes {
    if (this.indexes) return this.indexes;
    const data = this.engine.read();
    const byId = Object.fromEntries(
      COLLECTIONS.map((collection) => [collection, new Map((data[collection] as EngineRecord[]).map((record) => [record.id, record]))]),
    ) as Indexes['byId'];
    const keyIdByHash = new Map(data.keys.map((key) => [key.secretHash, key.id]));
    this.indexes = { byId, keyIdByHash };
    return this.indexes;
  }
}

/** Uses are counted by the store (recordUse), never written back from a record a caller read earlier. */
function keepUsage(record: KeyRecord, stored: KeyRecord): void {
  for (const field of ['useCount', 'lastUsedAt', 'lastUsedIp'] as const) {
    if (stored[field] === undefined) delete record[field];
    else Object.assign(record, { [field]: stored[field] });
  }
}
