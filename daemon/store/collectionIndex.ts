// Records by id, per collection: what verify hits (recordUse) and the journal need to find a record
// without scanning 10k keys. Built lazily from the array; a push only extends it, any other change of
// the array drops it so the next use rebuilds it.
import type { CollectionName, StoreRecord } from './changeTracker';
import type { StoreData } from './types';

export class CollectionIndexes {
  private readonly indexes = new Map<CollectionName, { array: unknown[]; byId: Map<string, StoreRecord>; unique: boolean }>();

  constructor(private readonly data: () => StoreData) {}

  get(collection: CollectionName, id: string): StoreRecord | undefined {
    return this.index(collection)?.byId.get(id);
  }

  /** True when every record of the collection has a string id and no two share one. */
  idsAreUnique(collection: CollectionName): boolean {
    return this.index(collection)?.unique ?? false;
  }

  /** The array only grew by these records (a push): extend instead of rebuilding. */
  appended(collection: CollectionName, records: readonly StoreRecord[]): void {
    const index = this.indexes.get(collection);
    if (!index || index.array !== this.currentArray(collection)) return this.forget(collection);
    for (const record of records) {
      const id = record.id;
      const known = typeof id === 'string' ? index.byId.get(id) : undefined;
      if (typeof id !== 'string' || (known !== undefined && known !== record)) index.unique = false;
      else index.byId.set(id, record);
    }
  }

  forget(collection?: CollectionName): void {
    if (collection) this.indexes.delete(collection);
    else this.indexes.clear();
  }

  private currentArray(collection: CollectionName): unknown {
    return (this.data() as unknown as Record<string, unknown>)[collection];
  }

  private index(collection: CollectionName) {
    const array = this.currentArray(collection);
    if (!Array.isArray(array)) return undefined;
    let index = this.indexes.get(collection);
    if (index && index.array === array) return index;
    const byId = new Map<string, StoreRecord>();
    let unique = true;
    for (const record of array as StoreRecord[]) {
      const id = (record as StoreRecord | null)?.id;
      if (typeof id !== 'string' || byId.has(id)) unique = false;
      else byId.set(id, record);
    }
    index = { array, byId, unique };
    this.indexes.set(collection, index);
    return index;
  }
}
