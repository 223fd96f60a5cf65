// The embedded store's state in memory: each collection a Map by id (in stored order), plus keys by
// secret hash. Writes replace or drop whole records and hand back what undoes them, so a batch the disk
// refused is put back exactly; nothing is tracked or diffed.
import { COLLECTIONS, type Collection } from '../staleRecord';
import type { KeyRecord, ServiceRecord, StoreData, TokenRecord } from '../types';

/** A record as held: a record loaded from a store written before versions has none (= 1). */
export type EmbeddedRecord = (KeyRecord | ServiceRecord | TokenRecord) & { version?: number };
export const versionOf = (record: EmbeddedRecord): number => record.version ?? 1;

/** One record put or deleted (`record` undefined): what a commit is made of. */
export interface RecordWrite {
  collection: Collection;
  id: string;
  record: EmbeddedRecord | undefined;
}

/** How to take one applied write back: the record before it, and the order before it when it removed one. */
export interface Undo {
  collection: Collection;
  id: string;
  before: EmbeddedRecord | undefined;
  orderBefore?: string[];
}

export class RecordState {
  private readonly records = {} as Record<Collection, Map<string, EmbeddedRecord>>;
  private readonly keyIds = new Map<string, string>();
  private readonly counts: Record<Collection, number> = { keys: 0, services: 0, tokens: 0 };
  /** The stored object's other top-level fields (`version`, and any a newer daemon wrote), and their order. */
  private readonly fields: Record<string, unknown>;

  constructor(data: StoreData) {
    this.fields = { ...data };
    for (const collection of COLLECTIONS) {
      const records = (this.records[collection] = new Map());
      for (const record of (data[collection] ?? []) as EmbeddedRecord[]) records.set(record.id, record);
    }
    for (const key of this.records.keys.values() as Iterable<KeyRecord>) {
      shareRepeatedValues(key);
      this.keyIds.set(key.secretHash, key.id);
    }
  }

  get(collection: Collection, id: string): EmbeddedRecord | undefined {
    return this.records[collection].get(id);
  }

  keyIdByHash(secretHash: string): string | undefined {
    return this.keyIds.get(secretHash);
  }

  values(collection: Collection): Iterable<EmbeddedRecord> {
    return this.records[collection].values();
  }

  /** Bumped by every write to the collection: how a unit of work sees that a list it read moved. */
  changeCount(collection: Collection): number {
    return this.counts[collection];
  }

  /** The state as the snapshot stores it (records shared, not copied: serialise it, never change it). */
  toData(): StoreData {
    const data: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(this.fields)) {
      data[field] = (COLLECTIONS as readonly string[]).includes(field) ? [...this.records[field as Collection].values()] : value;
    }
    for (const collection of COLLECTIONS) data[collection] ??= [...this.records[collection].values()];
    return data as unknown as StoreData;
  }

  /**
   * Puts or deletes one record. A key put keeps the stored usage fields: uses are counted by the store
   * (recordUse), never written back from a copy a caller read before them. Returns the record as stored.
   */
  apply(write: RecordWrite): { stored: RecordWrite; undo: Undo } {
    const records = this.records[write.collection];
    const before = records.get(write.id);
    const undo: Undo = { collection: write.collection, id: write.id, before };
    this.counts[write.collection]++;
    if (write.collection === 'keys' && before) this.keyIds.delete((before as KeyRecord).secretHash);
    if (write.record === undefined) {
      if (before) {
        undo.orderBefore = [...records.keys()];
        records.delete(write.id);
      }
      return { stored: { collection: write.collection, id: write.id, record: undefined }, undo };
    }
    const record = structuredClone(write.record);
    if (write.collection === 'keys') {
      if (before) keepUsage(record as KeyRecord, before as KeyRecord);
      this.keyIds.set((record as KeyRecord).secretHash, record.id);
    }
    records.set(write.id, record);
    return { stored: { collection: write.collection, id: write.id, record: structuredClone(record) }, undo };
  }

  /** Takes back applied writes, the last first. */
  undo(undos: readonly Undo[]): void {
    for (const { collection, id, before, orderBefore } of [...undos].reverse()) {
      const records = this.records[collection];
      const now = records.get(id);
      if (collection === 'keys' && now) this.keyIds.delete((now as KeyRecord).secretHash);
      this.counts[collection]++;
      if (before === undefined) records.delete(id);
      else records.set(id, before);
      if (collection === 'keys' && before) this.keyIds.set((before as KeyRecord).secretHash, id);
      if (orderBefore) {
        const entries = new Map(records);
        records.clear();
        for (const orderedId of orderBefore) if (entries.has(orderedId)) records.set(orderedId, entries.get(orderedId)!);
      }
    }
  }
}

/** One frozen [] for every empty list of the keys loaded (each `[]` parsed is an array of its own). */
const NONE = Object.freeze([]) as unknown as string[];

/**
 * Values a loaded key repeats, held once: a quarter of the store's memory at 100k keys. Same values,
 * same order: the snapshot and every copy handed out are unchanged. The records held are replaced,
 * never changed in place, but for their usage counters, so sharing is safe (and frozen to stay so).
 */
function shareRepeatedValues(key: KeyRecord): void {
  // Created, starting and last updated are often the same instant: one string, not three.
  if (key.startsAt === key.createdAt) key.startsAt = key.createdAt;
  if (key.updatedAt === key.createdAt) key.updatedAt = key.createdAt;
  if (key.permissions.length === 0) key.permissions = NONE;
  if (key.companies.length === 0) key.companies = NONE;
  if (key.ipAllowList.length === 0) key.ipAllowList = NONE;
}

function keepUsage(record: KeyRecord, stored: KeyRecord): void {
  for (const field of ['useCount', 'lastUsedAt', 'lastUsedIp'] as const) {
    if (stored[field] === undefined) delete record[field];
    else Object.assign(record, { [field]: stored[field] });
  }
}
